#include "tests/integration/identity_accounts/identity_client.h"

#include <stdlib.h>

#include <regex>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"
#include "libs/auth/token_format.h"
#include "libs/common/uuid.h"
#include "tests/support/mail_dir.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<IdentityUnderTest>> IdentityUnderTest::Start(int pg_port, int redis_port) {
  auto t = std::make_unique<IdentityUnderTest>();
  auto db = ScratchDatabase::Create(pg_port);
  if (!db.ok()) return db.status();
  t->db = std::move(db).value();
  char keys[] = "/tmp/meltingdoc-idkeys-XXXXXX";
  char mail[] = "/tmp/meltingdoc-idmail-XXXXXX";
  if (::mkdtemp(keys) == nullptr || ::mkdtemp(mail) == nullptr) return absl::InternalError("mkdtemp");
  t->keys_dir = keys;
  t->mail_dir = mail;
  CommandResult gen = RunCommand(absl::StrCat(BinaryDir(), "/libs/auth/meltingdoc-keygen --kid=test-1 --out_dir=",
                                              t->keys_dir));
  if (gen.exit_code != 0) return absl::InternalError(gen.output);
  auto sp = ServiceProcess::Start({.service = "identity",
                                   .pg_url = t->db->Url("identity"),
                                   .redis_port = redis_port,
                                   .public_keys_file = t->keys_dir + "/public_keys",
                                   .extra_env = {{"MELTINGDOC_IDENTITY_SIGNING_KEY_FILE", t->keys_dir + "/signing_key"},
                                                 {"MELTINGDOC_IDENTITY_MAIL_DIR", t->mail_dir}}});
  if (!sp.ok()) return sp.status();
  t->process = std::move(sp).value();
  if (absl::Status s = t->process->WaitForHealth(true); !s.ok()) return s;
  t->stub = idv1::IdentityService::NewStub(t->process->channel());
  return t;
}

absl::StatusOr<std::string> IdentityUnderTest::ConfirmationCode(const std::string& email) const {
  return ConfirmationCodeIn(mail_dir, email);
}

int IdentityUnderTest::MailCount(const std::string& email) const {
  return static_cast<int>(MailsTo(mail_dir, email).size());
}

absl::Status IdentityUnderTest::CreateVerifiedAccount(const std::string& email, const std::string& password) {
  idv1::RegisterAccountRequest reg;
  reg.set_email(email);
  reg.set_password(password);
  reg.set_civility("Dr");
  reg.set_given_name("Claire");
  reg.set_family_name("Martin");
  idv1::RegisterAccountResponse reg_resp;
  grpc::Status s = stub->RegisterAccount(Ctx().get(), reg, &reg_resp);
  if (!s.ok()) return absl::InternalError(absl::StrCat("register: ", s.error_message()));
  absl::StatusOr<std::string> code = ConfirmationCode(email);
  if (!code.ok()) return code.status();
  idv1::ConfirmEmailRequest confirm;
  confirm.set_email(email);
  confirm.set_code(*code);
  idv1::ConfirmEmailResponse confirm_resp;
  s = stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);
  if (!s.ok()) return absl::InternalError(absl::StrCat("confirm: ", s.error_message()));
  return db->SuperuserSql(absl::StrCat("UPDATE identity.accounts SET status = 'verified' WHERE email = '", email, "'"))
      .status();
}

grpc::Status IdentityUnderTest::Login(const std::string& email, const std::string& password,
                                      const std::string& ip, idv1::LoginResponse* response) {
  idv1::LoginRequest req;
  req.set_email(email);
  req.set_password(password);
  return stub->Login(Ctx("", ip).get(), req, response);
}

grpc::Status IdentityUnderTest::GetOwnAccount(const std::string& access_token, const std::string& account_id) {
  idv1::GetAccountRequest req;
  req.set_account_id(account_id);
  idv1::GetAccountResponse resp;
  return stub->GetAccount(Ctx(access_token).get(), req, &resp);
}

IdentityUnderTest* SharedIdentityTest::identity_ = nullptr;

void SharedIdentityTest::SetUpTestSuite() {
  if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
  auto t = IdentityUnderTest::Start(SharedPostgresPort(), SharedRedisPort());
  ASSERT_TRUE(t.ok()) << t.status();
  identity_ = t->release();
}

void SharedIdentityTest::TearDownTestSuite() {
  delete identity_;
  identity_ = nullptr;
}

std::string RunScopedIp(const std::string& ipv4) {
  // Throttling state outlives a test run in the shared Redis: every run maps the test's IPv4
  // addresses into an IPv6 prefix of its own, so that an earlier run's failures never count.
  static const std::string prefix = absl::StrCat("fd00:", NewUuid().substr(0, 4), ":", NewUuid().substr(0, 4));
  std::vector<std::string> octets = absl::StrSplit(ipv4, '.');
  if (octets.size() != 4) return ipv4;
  return absl::StrCat(prefix, "::", octets[0], ":", octets[1], ":", octets[2], ":", octets[3]);
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token, const std::string& ip,
                                         std::chrono::milliseconds timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  if (!ip.empty()) ctx->AddMetadata("x-forwarded-for", RunScopedIp(ip));
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

std::string SubjectOf(const std::string& access_token) {
  std::vector<std::string> parts = absl::StrSplit(access_token, '.');
  if (parts.size() != 3) return "";
  std::string claims;
  if (!auth::Base64UrlDecode(parts[1], &claims)) return "";
  static const std::regex kSub("\"sub\":\"([0-9a-f-]{36})\"");
  std::smatch m;
  return std::regex_search(claims, m, kSub) ? m[1].str() : "";
}

std::string VerificationOf(const std::string& access_token) {
  std::vector<std::string> parts = absl::StrSplit(access_token, '.');
  if (parts.size() != 3) return "";
  std::string claims;
  if (!auth::Base64UrlDecode(parts[1], &claims)) return "";
  static const std::regex kVerification(absl::StrCat("\"", auth::kVerificationClaim, "\":\"([a-z_]+)\""));
  std::smatch m;
  return std::regex_search(claims, m, kVerification) ? m[1].str() : "";
}

std::string UniqueEmail(const std::string& who) {
  return absl::StrCat(who, ".", NewUuid().substr(0, 8), "@chu-lyon.fr");
}

}  // namespace meltingdoc::testing
