// The identity binary as operators and doctors use it: ImportRegister (admin, confined to
// --register_dir), the import-register command, StartVerification / GetMe for a doctor, the
// moderation RPCs for moderators only, and clear INVALID_ARGUMENT naming the field.
#include <unistd.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/uuid.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "tests/integration/identity_register/register_fixture.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

namespace v1 = ::meltingdoc::identity::v1;
using ::testing::HasSubstr;

class RegisterSystemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value().release();
    tokens_ = new TestTokens();
    char tmpl[] = "/tmp/register-dir-XXXXXX";
    dir_ = new std::string(::mkdtemp(tmpl));
    auto sp = ServiceProcess::Start({.service = "identity",
                                     .pg_url = db_->Url("identity"),
                                     .redis_port = SharedRedisPort(),
                                     .public_keys_file = tokens_->public_keys_file(),
                                     .extra_env = {{"MELTINGDOC_IDENTITY_REGISTER_DIR", *dir_}}});
    ASSERT_TRUE(sp.ok()) << sp.status();
    identity_ = std::move(sp).value().release();
    ASSERT_TRUE(identity_->WaitForHealth(true).ok());
  }
  static void TearDownTestSuite() {
    delete identity_;
    delete tokens_;
    delete db_;
    if (dir_ != nullptr) RunCommand("rm -rf " + *dir_);
    delete dir_;
  }
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    stub_ = v1::IdentityService::NewStub(identity_->channel());
  }

  static std::string Sql(const std::string& sql) {
    auto out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::string(absl::StripAsciiWhitespace(*out)) : "";
  }
  static std::string NewAccount(const std::string& given, const std::string& family,
                                const std::string& status = "pending_verification") {
    const std::string id = NewUuid();
    Sql(absl::StrCat("INSERT INTO identity.accounts (account_id, email, given_name, family_name, status)"
                     " VALUES ('", id, "', '", id.substr(0, 8), "@chu.example', '", given, "', '", family,
                     "', '", status, "')"));
    return id;
  }
  std::string Admin() const { return tokens_->WithRole(NewUuid(), auth::Role::kAdmin); }
  std::string Moderator() const { return tokens_->WithRole(NewUuid(), auth::Role::kModerator); }

  grpc::Status ImportAs(const std::string& token, const std::string& path, v1::ImportRegisterResponse* resp) {
    v1::ImportRegisterRequest req;
    req.set_path(path);
    return stub_->ImportRegister(CallAs(token, std::chrono::seconds(60)).get(), req, resp);
  }

  static ScratchDatabase* db_;
  static TestTokens* tokens_;
  static ServiceProcess* identity_;
  static std::string* dir_;
  std::unique_ptr<v1::IdentityService::Stub> stub_;
};

ScratchDatabase* RegisterSystemTest::db_ = nullptr;
TestTokens* RegisterSystemTest::tokens_ = nullptr;
ServiceProcess* RegisterSystemTest::identity_ = nullptr;
std::string* RegisterSystemTest::dir_ = nullptr;

TEST_F(RegisterSystemTest, ImportVerifyGetMeAndModerate) {
  RegisterRecord gyneco = Person(TestRpps(500), "GUÉRIN", "Anne-Sophie");
  gyneco.savoir_faire_code = "SM20";
  gyneco.savoir_faire_label = "Gynécologie-obstétrique";
  RegisterRecord maiden = Person(TestRpps(501), "DUBOIS", "Claire");
  WriteRegisterFile(*dir_ + "/PS_LibreAcces_Personne_activite_202601010000.txt", {gyneco, maiden}, 300);

  // Only admins import.
  v1::ImportRegisterResponse imported;
  EXPECT_EQ(ImportAs(Moderator(), "PS_LibreAcces_Personne_activite_202601010000.txt", &imported).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status s = ImportAs(Admin(), "PS_LibreAcces_Personne_activite_202601010000.txt", &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(imported.register_import().rows_read(), 302);
  EXPECT_EQ(imported.register_import().rows_rejected(), 0);
  EXPECT_EQ(imported.register_import().source(), "PS_LibreAcces_Personne_activite_202601010000.txt");

  // A doctor whose account name matches is verified at once and sees the register's view.
  const std::string anne = NewAccount("Anne Sophie", "Guerin");
  v1::StartVerificationRequest start;
  start.set_rpps(TestRpps(500));
  v1::StartVerificationResponse started;
  s = stub_->StartVerification(CallAs(tokens_->Pending(anne)).get(), start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.verification().state(), v1::VERIFICATION_STATE_VERIFIED);
  v1::GetMeResponse me;
  s = stub_->GetMe(CallAs(tokens_->Pending(anne)).get(), v1::GetMeRequest(), &me);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(me.account().status(), v1::ACCOUNT_STATUS_VERIFIED);
  EXPECT_EQ(me.register_entry().specialty().code(), "SM20");
  EXPECT_EQ(me.register_entry().family_name(), "GUÉRIN");
  EXPECT_EQ(me.verification().verification_id(), started.verification().verification_id());

  // The relay publishes AccountVerified from the outbox to Redis.
  std::string published;
  for (int i = 0; i < 100 && published != "t"; ++i) {
    published = Sql("SELECT bool_and(published_at IS NOT NULL) FROM identity.outbox WHERE aggregate_id = '" +
                    anne + "'");
    if (published != "t") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(published, "t");

  // Married name: review. Doctors cannot see or decide the queue; moderators can.
  const std::string claire = NewAccount("Claire", "Martin");
  start.set_rpps(TestRpps(501));
  s = stub_->StartVerification(CallAs(tokens_->Pending(claire)).get(), start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.verification().state(), v1::VERIFICATION_STATE_NEEDS_REVIEW);
  const std::string request_id = started.verification().verification_id();

  v1::ListPendingVerificationsRequest list;
  v1::ListPendingVerificationsResponse listed;
  EXPECT_EQ(stub_->ListPendingVerifications(CallAs(tokens_->VerifiedDoctor(anne)).get(), list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::DecideVerificationRequest decide;
  decide.set_verification_id(request_id);
  decide.set_decision(v1::DECISION_APPROVE);
  decide.set_reason("marriage certificate checked");
  v1::DecideVerificationResponse decided;
  EXPECT_EQ(stub_->DecideVerification(CallAs(tokens_->VerifiedDoctor(anne)).get(), decide, &decided).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Sql("SELECT state FROM identity.verification_requests WHERE verification_id = '" + request_id + "'"),
            "needs_review");

  s = stub_->ListPendingVerifications(CallAs(Moderator()).get(), list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(listed.verifications_size(), 1);
  EXPECT_EQ(listed.verifications(0).account_family_name(), "Martin");
  EXPECT_EQ(listed.verifications(0).register_entry().family_name(), "DUBOIS");

  const std::string moderator_id = NewUuid();
  s = stub_->DecideVerification(CallAs(tokens_->WithRole(moderator_id, auth::Role::kModerator)).get(), decide,
                                &decided);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(decided.verification().state(), v1::VERIFICATION_STATE_APPROVED);
  EXPECT_EQ(decided.verification().decider_account_id(), moderator_id);
  EXPECT_EQ(Sql("SELECT actor_account_id || ' ' || reason FROM identity.verification_audit WHERE action = 'approved'"),
            moderator_id + " marriage certificate checked");
}

TEST_F(RegisterSystemTest, BadInputNamesTheField) {
  const std::string me = NewAccount("Paul", "Durand");
  v1::StartVerificationRequest start;
  v1::StartVerificationResponse started;
  auto field_of = [&](const v1::StartVerificationRequest& r) {
    grpc::Status s = stub_->StartVerification(CallAs(tokens_->Pending(me)).get(), r, &started);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return ViolatedFields(s);
  };
  EXPECT_EQ(field_of(start), "rpps,adeli");
  start.set_rpps("1234");
  EXPECT_EQ(field_of(start), "rpps");
  std::string bad_luhn = TestRpps(7);
  bad_luhn.back() = bad_luhn.back() == '9' ? '0' : bad_luhn.back() + 1;
  start.set_rpps(bad_luhn);
  EXPECT_EQ(field_of(start), "rpps");
  start.set_adeli("691234567");
  EXPECT_EQ(field_of(start), "rpps,adeli");
  start.clear_rpps();
  start.set_adeli("69-123");
  EXPECT_EQ(field_of(start), "adeli");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.verification_requests WHERE account_id = '" + me + "'"), "0");

  v1::ListPendingVerificationsRequest list;
  v1::ListPendingVerificationsResponse listed;
  list.set_page_size(201);
  grpc::Status s = stub_->ListPendingVerifications(CallAs(Moderator()).get(), list, &listed);
  EXPECT_EQ(ViolatedFields(s), "page_size");
  list.set_page_size(10);
  list.set_page_token("garbage!");
  s = stub_->ListPendingVerifications(CallAs(Moderator()).get(), list, &listed);
  EXPECT_EQ(ViolatedFields(s), "page_token");

  v1::DecideVerificationRequest decide;
  v1::DecideVerificationResponse decided;
  decide.set_verification_id("nope");
  decide.set_reason("x");
  s = stub_->DecideVerification(CallAs(Moderator()).get(), decide, &decided);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "verification_id,decision,reason");

  // Paths outside the register directory, and files that are not extracts.
  v1::ImportRegisterResponse imported;
  s = ImportAs(Admin(), "/etc/passwd", &imported);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "path");
  s = ImportAs(Admin(), "../../etc/passwd", &imported);
  EXPECT_EQ(ViolatedFields(s), "path");
  ASSERT_EQ(::symlink("/etc/passwd", (*dir_ + "/link.txt").c_str()), 0);
  s = ImportAs(Admin(), "link.txt", &imported);
  EXPECT_EQ(ViolatedFields(s), "path");
  s = ImportAs(Admin(), "missing.txt", &imported);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  {
    std::ofstream f(*dir_ + "/latin1.txt", std::ios::binary);
    f << "Type d'identifiant PP|Identifiant PP|Libell\xE9 profession|\n";
  }
  s = ImportAs(Admin(), "latin1.txt", &imported);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "path");
  EXPECT_THAT(s.error_message(), HasSubstr("not valid UTF-8"));
}

TEST_F(RegisterSystemTest, ImportRegisterCommandUsesTheSameCodePath) {
  const std::string file = *dir_ + "/cli.txt";
  WriteRegisterFile(file, {Person(TestRpps(600), "NGUYEN", "Minh")}, 200, RegisterVariant::k2019);
  const std::string binary = BinaryDir() + "/services/identity/meltingdoc-identity";
  CommandResult r = RunCommand(absl::StrCat(binary, " import-register ", file, " --pg_url=", db_->Url("identity")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"rowsRead\": \"201\""));
  EXPECT_EQ(Sql("SELECT family_name FROM identity.register_persons WHERE identifier = '" + TestRpps(600) + "'"),
            "NGUYEN");

  {
    std::ofstream f(*dir_ + "/no_column.txt");
    f << "Type d'identifiant PP|Identifiant PP|\n8|" << TestRpps(601) << "|\n";
  }
  r = RunCommand(absl::StrCat(binary, " import-register ", *dir_, "/no_column.txt --pg_url=", db_->Url("identity")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("lacks the columns"));
  EXPECT_THAT(r.output, HasSubstr("\"Nom d'exercice\""));
  // The refused file did not replace the register.
  EXPECT_EQ(Sql("SELECT count(*) > 0 FROM identity.register_persons WHERE identifier = '" + TestRpps(600) + "'"), "t");
  r = RunCommand(binary + " import-register");
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(RegisterSystemTest, AdminsSetRolesWithARecordAndDemotionEndsSessions) {
  const std::string admin_id = NewUuid();
  const std::string admin = tokens_->WithRole(admin_id, auth::Role::kAdmin);
  const std::string claire = NewAccount("Claire", "Moreau", "verified");
  v1::SetAccountRoleRequest req;
  req.set_account_id(claire);
  req.set_role(v1::ROLE_MODERATOR);
  req.set_reason("Nommée modératrice par le bureau");
  v1::SetAccountRoleResponse resp;
  // Moderators cannot grant roles, not even to others.
  EXPECT_EQ(stub_->SetAccountRole(CallAs(Moderator()).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Sql("SELECT role FROM identity.accounts WHERE account_id = '" + claire + "'"), "doctor");

  grpc::Status s = stub_->SetAccountRole(CallAs(admin).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.account().role(), v1::ROLE_MODERATOR);
  EXPECT_EQ(resp.sessions_revoked(), 0);
  EXPECT_EQ(Sql("SELECT old_role || ' ' || new_role || ' ' || actor_account_id || ' ' || reason FROM "
                "identity.role_changes WHERE account_id = '" + claire + "'"),
            "doctor moderator " + admin_id + " Nommée modératrice par le bureau");
  // The same role again changes and records nothing.
  ASSERT_TRUE(stub_->SetAccountRole(CallAs(admin).get(), req, &resp).ok());
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.role_changes WHERE account_id = '" + claire + "'"), "1");

  // A demotion ends her sessions: their tokens say moderator.
  const std::string session = NewUuid();
  Sql("INSERT INTO identity.sessions (session_id, account_id, created_at, refreshed_at, expires_at) VALUES ('" +
      session + "', '" + claire + "', now(), now(), now() + interval '1 day')");
  req.set_role(v1::ROLE_DOCTOR);
  req.set_reason("Fin de mandat");
  s = stub_->SetAccountRole(CallAs(admin).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.sessions_revoked(), 1);
  EXPECT_EQ(Sql("SELECT revoke_reason FROM identity.sessions WHERE session_id = '" + session + "'"), "role_changed");
  v1::GetMeResponse me;
  EXPECT_EQ(stub_->GetMe(CallAs(tokens_->Token(
                                   [&] {
                                     auth::Principal p;
                                     p.account_id = claire;
                                     p.session_id = session;
                                     p.role = auth::Role::kModerator;
                                     p.status = auth::VerificationStatus::kVerified;
                                     return p;
                                   }(),
                                   absl::Minutes(10)))
                         .get(),
                     v1::GetMeRequest(), &me)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "the demoted moderator's token is refused at once";

  // Not on one's own account; not for an account that is not a confirmed, active doctor.
  req.set_account_id(admin_id);
  EXPECT_EQ(stub_->SetAccountRole(CallAs(admin).get(), req, &resp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  req.set_account_id(NewAccount("Jean", "Rejeté", "rejected"));
  req.set_role(v1::ROLE_ADMIN);
  EXPECT_EQ(stub_->SetAccountRole(CallAs(admin).get(), req, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  req.set_account_id(NewUuid());
  EXPECT_EQ(stub_->SetAccountRole(CallAs(admin).get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  req.set_role(v1::ROLE_UNSPECIFIED);
  req.set_reason("");
  s = stub_->SetAccountRole(CallAs(admin).get(), req, &resp);
  EXPECT_EQ(ViolatedFields(s), "role,reason");
}

TEST_F(RegisterSystemTest, AdminsReopenARejectedVerificationForAModeratorToDecideAgain) {
  const std::string paul = NewAccount("Paul", "Lefèvre");
  v1::StartVerificationRequest start;
  start.set_rpps(TestRpps(700));  // not in the register: review
  v1::StartVerificationResponse started;
  grpc::Status s = stub_->StartVerification(CallAs(tokens_->Pending(paul)).get(), start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string request_id = started.verification().verification_id();
  v1::DecideVerificationRequest decide;
  decide.set_verification_id(request_id);
  decide.set_decision(v1::DECISION_REJECT);
  decide.set_reason("Numéro introuvable");
  v1::DecideVerificationResponse decided;
  ASSERT_TRUE(stub_->DecideVerification(CallAs(Moderator()).get(), decide, &decided).ok());
  EXPECT_EQ(Sql("SELECT status FROM identity.accounts WHERE account_id = '" + paul + "'"), "rejected");

  v1::ReopenVerificationRequest reopen;
  reopen.set_verification_id(request_id);
  reopen.set_reason("Inscription à l'Ordre reçue par courrier");
  v1::ReopenVerificationResponse reopened;
  EXPECT_EQ(stub_->ReopenVerification(CallAs(Moderator()).get(), reopen, &reopened).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->ReopenVerification(CallAs(tokens_->WithRole(paul, auth::Role::kAdmin)).get(), reopen, &reopened)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "not on one's own account";
  const std::string admin_id = NewUuid();
  s = stub_->ReopenVerification(CallAs(tokens_->WithRole(admin_id, auth::Role::kAdmin)).get(), reopen, &reopened);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reopened.verification().state(), v1::VERIFICATION_STATE_NEEDS_REVIEW);
  EXPECT_TRUE(reopened.verification().decider_account_id().empty());
  EXPECT_EQ(Sql("SELECT status FROM identity.accounts WHERE account_id = '" + paul + "'"), "pending_verification");
  EXPECT_EQ(Sql("SELECT string_agg(action || ':' || coalesce(actor_account_id::text, '-'), ' ' ORDER BY audit_id) "
                "FROM identity.verification_audit WHERE verification_id = '" + request_id + "'"),
            "needs_review:- denied:" + Sql("SELECT actor_account_id FROM identity.verification_audit WHERE "
                                            "action = 'denied' AND verification_id = '" + request_id + "'") +
                " reopened:" + admin_id);
  // Not twice: it is waiting for review now. Then a moderator approves it.
  EXPECT_EQ(stub_->ReopenVerification(CallAs(tokens_->WithRole(admin_id, auth::Role::kAdmin)).get(), reopen, &reopened)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  decide.set_decision(v1::DECISION_APPROVE);
  decide.set_reason("Inscription vérifiée");
  s = stub_->DecideVerification(CallAs(Moderator()).get(), decide, &decided);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(decided.verification().state(), v1::VERIFICATION_STATE_APPROVED);
  EXPECT_EQ(Sql("SELECT status FROM identity.accounts WHERE account_id = '" + paul + "'"), "verified");
  reopen.set_verification_id(NewUuid());
  EXPECT_EQ(stub_->ReopenVerification(CallAs(Admin()).get(), reopen, &reopened).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegisterSystemTest, OperatorCommandsRecordWhoRanThem) {
  const std::string binary = BinaryDir() + "/services/identity/meltingdoc-identity";
  const std::string flags = absl::StrCat(" --pg_url=", db_->Url("identity"), " --redis=127.0.0.1:", SharedRedisPort());
  const std::string id = NewAccount("Marie", "Curie", "verified");
  const std::string email = Sql("SELECT email FROM identity.accounts WHERE account_id = '" + id + "'");
  CommandResult r = RunCommand(absl::StrCat(binary, " set-role ", email, " admin --reason='Première administratrice'",
                                            " --operator_name=exploitation", flags));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"role\": \"ROLE_ADMIN\""));
  EXPECT_THAT(Sql("SELECT actor_account_id IS NULL, actor_label FROM identity.role_changes WHERE account_id = '" + id +
                  "'"),
              ::testing::StartsWith("t|cli:exploitation@"));
  // Bad usage: exit 2, nothing changed.
  r = RunCommand(absl::StrCat(binary, " set-role ", id, " superuser --reason='Pour voir'", flags));
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(absl::StrCat(binary, " set-role ", id, " doctor", flags));
  EXPECT_EQ(r.exit_code, 2) << "a reason is required";
  r = RunCommand(absl::StrCat(binary, " reopen-verification not-a-uuid --reason='Pour voir'", flags));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Sql("SELECT role FROM identity.accounts WHERE account_id = '" + id + "'"), "admin");
  // A failure names the reason: exit 1.
  r = RunCommand(absl::StrCat(binary, " reopen-verification ", NewUuid(), " --reason='Pour voir'", flags));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("verification not found"));
}

TEST_F(RegisterSystemTest, SuspendAndUnsuspendFromTheCommandLineAreRecordedAndEndSessions) {
  const std::string binary = absl::StrCat(BinaryDir(), "/services/identity/meltingdoc-identity");
  const std::string flags = absl::StrCat(" --pg_url=", db_->Url("identity"), " --redis=127.0.0.1:", SharedRedisPort());
  const std::string id = NewAccount("Faux", "Docteur", "verified");
  const std::string email = Sql("SELECT email FROM identity.accounts WHERE account_id = '" + id + "'");
  const std::string session = NewUuid();
  Sql("INSERT INTO identity.sessions (session_id, account_id, created_at, refreshed_at, expires_at) VALUES ('" +
      session + "', '" + id + "', now(), now(), now() + interval '1 day')");
  CommandResult r = RunCommand(absl::StrCat(binary, " suspend-account ", email,
                                            " --reason='RPPS usurpé, signalé par l Ordre' --operator_name=exploitation",
                                            flags));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"status\": \"ACCOUNT_STATUS_SUSPENDED\""));
  EXPECT_THAT(r.output, HasSubstr("\"sessionsRevoked\": 1"));
  EXPECT_EQ(Sql("SELECT revoke_reason FROM identity.sessions WHERE session_id = '" + session + "'"), "suspended");
  EXPECT_THAT(Sql("SELECT action, previous_status, actor_account_id IS NULL, actor_label, sessions_revoked FROM "
                  "identity.account_suspensions WHERE account_id = '" + id + "'"),
              ::testing::StartsWith("suspended|verified|t|cli:exploitation@"));
  // Shown to moderators: GetAccount says when and why.
  v1::GetAccountRequest get;
  get.set_account_id(id);
  v1::GetAccountResponse got;
  ASSERT_TRUE(stub_->GetAccount(CallAs(Moderator()).get(), get, &got).ok());
  EXPECT_EQ(got.account().status(), v1::ACCOUNT_STATUS_SUSPENDED);
  EXPECT_EQ(got.account().suspension().reason(), "RPPS usurpé, signalé par l Ordre");
  EXPECT_TRUE(got.account().suspension().suspended_by_account_id().empty()) << "the command line";
  EXPECT_TRUE(got.account().suspension().has_suspend_time());
  // Twice is refused; lifting it restores the status before.
  r = RunCommand(absl::StrCat(binary, " suspend-account ", id, " --reason='Encore une fois'", flags));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("already suspended"));
  r = RunCommand(absl::StrCat(binary, " unsuspend-account ", id, flags));
  EXPECT_EQ(r.exit_code, 2) << "a reason is required";
  r = RunCommand(absl::StrCat(binary, " unsuspend-account ", id, " --reason='Identité confirmée'", flags));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Sql("SELECT status FROM identity.accounts WHERE account_id = '" + id + "'"), "verified");
  ASSERT_TRUE(stub_->GetAccount(CallAs(Moderator()).get(), get, &got).ok());
  EXPECT_FALSE(got.account().has_suspension());
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.account_suspensions WHERE account_id = '" + id + "'"), "2");
}

// A moderator suspends doctors only; an admin anyone but themselves. The effect on sessions and
// sign-in through the real Login is in tests/integration/identity_accounts/service_sessions_test.cc.
TEST_F(RegisterSystemTest, ModeratorsSuspendDoctorsAndAdminsAnyoneButThemselves) {
  const std::string doctor = NewAccount("Anne", "Suspecte", "verified");
  const std::string moderator = NewAccount("Marc", "Modéré", "verified");
  Sql("UPDATE identity.accounts SET role = 'moderator' WHERE account_id = '" + moderator + "'");
  v1::SuspendAccountRequest req;
  req.set_account_id(moderator);
  req.set_reason("Comportement signalé");
  v1::SuspendAccountResponse resp;
  EXPECT_EQ(stub_->SuspendAccount(CallAs(Moderator()).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status s = stub_->SuspendAccount(CallAs(Admin()).get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  req.set_account_id(doctor);
  const std::string moderator_id = NewUuid();
  s = stub_->SuspendAccount(CallAs(tokens_->WithRole(moderator_id, auth::Role::kModerator)).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.account().status(), v1::ACCOUNT_STATUS_SUSPENDED);
  EXPECT_EQ(resp.account().suspension().suspended_by_account_id(), moderator_id);
  EXPECT_EQ(stub_->SuspendAccount(CallAs(Moderator()).get(), req, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  req.set_account_id(NewUuid());
  EXPECT_EQ(stub_->SuspendAccount(CallAs(Moderator()).get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::UnsuspendAccountRequest lift;
  lift.set_account_id(NewAccount("Paul", "Actif", "verified"));
  lift.set_reason("Erreur");
  v1::UnsuspendAccountResponse lifted;
  EXPECT_EQ(stub_->UnsuspendAccount(CallAs(Moderator()).get(), lift, &lifted).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  lift.set_account_id(doctor);
  s = stub_->UnsuspendAccount(CallAs(Moderator()).get(), lift, &lifted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(lifted.account().status(), v1::ACCOUNT_STATUS_VERIFIED);
}

}  // namespace
}  // namespace meltingdoc::testing
