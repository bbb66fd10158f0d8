#include "tests/e2e/gateway/gateway_fixture.h"

#include <stdlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/uuid.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

ScratchDatabase* GatewayStack::db_ = nullptr;
TestTokens* GatewayStack::tokens_ = nullptr;
std::map<std::string, ServiceProcess*> GatewayStack::services_;
GatewayProcess* GatewayStack::gateway_ = nullptr;
std::string GatewayStack::web_root_;
std::string GatewayStack::identity_mail_dir_;
std::string GatewayStack::register_dir_;
std::string GatewayStack::keys_dir_;

namespace {
void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}
}  // namespace

void GatewayStack::SetUpTestSuite() {
  if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
  auto db = ScratchDatabase::Create(SharedPostgresPort());
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(db).value().release();
  tokens_ = new TestTokens();
  char keys[] = "/tmp/meltingdoc-gwkeys-XXXXXX";
  char mail[] = "/tmp/meltingdoc-gwmail-XXXXXX";
  char reg[] = "/tmp/meltingdoc-gwregister-XXXXXX";
  ASSERT_NE(::mkdtemp(keys), nullptr);
  ASSERT_NE(::mkdtemp(mail), nullptr);
  ASSERT_NE(::mkdtemp(reg), nullptr);
  register_dir_ = reg;
  keys_dir_ = keys;
  identity_mail_dir_ = mail;
  CommandResult gen = RunCommand(absl::StrCat(BinaryDir(), "/libs/auth/meltingdoc-keygen --kid=identity-e2e --out_dir=",
                                              keys_dir_));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  gen = RunCommand(absl::StrCat("cat ", tokens_->public_keys_file(), " ", keys_dir_, "/public_keys > ", PublicKeysFile()));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  for (const char* name : {"identity", "profiles", "discussions", "search"}) {
    std::map<std::string, std::string> env;
    if (std::string(name) == "search") {
      // Every test stack on the shared Redis publishes to the same streams; a consumer group
      // of its own gives this stack's index every event (its own included) instead of a share.
      env = {{"MELTINGDOC_SEARCH_CONSUMER_GROUP", "search-" + NewUuid()}};
    }
    if (std::string(name) == "profiles") {
      env = {{"MELTINGDOC_PROFILES_IDENTITY_CONSUMER_GROUP", "profiles-" + NewUuid()}};
    }
    if (std::string(name) == "identity") {
      env = {{"MELTINGDOC_IDENTITY_SIGNING_KEY_FILE", keys_dir_ + "/signing_key"},
             {"MELTINGDOC_IDENTITY_MAIL_DIR", identity_mail_dir_},
             {"MELTINGDOC_IDENTITY_REGISTER_DIR", register_dir_}};
    }
    auto sp = ServiceProcess::Start({.service = name,
                                     .pg_url = db_->Url(name),
                                     .redis_port = SharedRedisPort(),
                                     .public_keys_file = PublicKeysFile(),
                                     .extra_env = env});
    ASSERT_TRUE(sp.ok()) << sp.status();
    services_[name] = std::move(sp).value().release();
  }
  for (auto& [name, sp] : services_) {
    absl::Status s = sp->WaitForHealth(true);
    ASSERT_TRUE(s.ok()) << name << ": " << s;
  }
  char tmpl[] = "/tmp/meltingdoc-web-XXXXXX";
  web_root_ = ::mkdtemp(tmpl);
  WriteFile(web_root_ + "/index.html", "<!doctype html><title>MeltingDoc</title><script src=\"/app-4f3a9c2b.js\"></script>");
  WriteFile(web_root_ + "/app-4f3a9c2b.js", "console.log('meltingdoc');");
  WriteFile(web_root_ + "/robots.txt", "User-agent: *\nDisallow: /\n");
  auto gw = GatewayProcess::Start({.backends = BackendAddresses(),
                                   .public_keys_file = PublicKeysFile(),
                                   .redis_port = SharedRedisPort(),
                                   .web_root = web_root_,
                                   // Every test gateway on the shared Redis counts 127.0.0.1 in
                                   // one bucket: keep the per-IP limits out of the way of
                                   // parallel suites (RateLimitsInRedis tests limits alone),
                                   // the strict one too (the route matrix alone calls each
                                   // strict route, e.g. the *Verification* ones, 5 times).
                                   .extra_env = {{"MELTINGDOC_GATEWAY_DEADLINE", "1s"},
                                                 {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "100000/1m"},
                                                 {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "100000/1m"}}});
  ASSERT_TRUE(gw.ok()) << gw.status();
  gateway_ = std::move(gw).value().release();
  absl::Status ready = gateway_->WaitForReady(true);
  ASSERT_TRUE(ready.ok()) << ready << "\n" << gateway_->ReadLog();
}

void GatewayStack::TearDownTestSuite() {
  delete gateway_;
  gateway_ = nullptr;
  for (auto& [name, sp] : services_) delete sp;
  services_.clear();
  delete tokens_;
  tokens_ = nullptr;
  delete db_;
  db_ = nullptr;
  if (!web_root_.empty()) RunCommand("rm -rf " + web_root_);
  if (!keys_dir_.empty()) RunCommand("rm -rf " + keys_dir_);
  if (!identity_mail_dir_.empty()) RunCommand("rm -rf " + identity_mail_dir_);
  if (!register_dir_.empty()) RunCommand("rm -rf " + register_dir_);
}

void GatewayStack::SetUp() {
  REQUIRE_SHARED_SERVERS();
  ASSERT_NE(gateway_, nullptr) << "the stack did not start";
}

std::map<std::string, std::string> GatewayStack::BackendAddresses() {
  std::map<std::string, std::string> out;
  for (const auto& [name, sp] : services_) out[name] = sp->address();
  return out;
}

google::protobuf::Struct GatewayStack::Json(const std::string& body) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &s).ok()) << "not JSON: " << body;
  return s;
}

std::string GatewayStack::ProblemFields(const std::string& body) {
  google::protobuf::Struct s = Json(body);
  std::vector<std::string> fields;
  auto it = s.fields().find("errors");
  if (it == s.fields().end()) return "(no errors member)";
  for (const auto& v : it->second.list_value().values()) {
    fields.push_back(v.struct_value().fields().at("field").string_value());
  }
  return absl::StrJoin(fields, ",");
}

}  // namespace meltingdoc::testing
