// The four services started as real processes on a scratch database: they migrate, report
// SERVING, are listed through reflection, answer their first RPC with the right
// authorization, refuse bad input clearly, log one JSON line per call and expose metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/uuid.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/suite_stack.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServicesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    auto stack = SuiteStack::Start({.pg_port = SharedPostgresPort(),
                                    .redis_port = SharedRedisPort(),
                                    .gateway = false});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = std::move(stack).value().release();
    db_ = &stack_->db();
    tokens_ = &stack_->tokens();
    for (const std::string& name : SuiteStack::ServiceNames()) services_[name] = &stack_->service(name);
  }
  static void TearDownTestSuite() {
    services_.clear();
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    ASSERT_NE(stack_, nullptr) << "the services did not start";
  }

  static ServiceProcess& Service(const std::string& name) { return *services_.at(name); }

  static SuiteStack* stack_;
  static ScratchDatabase* db_;
  static const TestTokens* tokens_;
  static std::map<std::string, ServiceProcess*> services_;
};

SuiteStack* ServicesTest::stack_ = nullptr;
ScratchDatabase* ServicesTest::db_ = nullptr;
const TestTokens* ServicesTest::tokens_ = nullptr;
std::map<std::string, ServiceProcess*> ServicesTest::services_;

TEST_F(ServicesTest, ReflectionListsEachServiceAndHealth) {
  const std::string buf = SourceDir() + "/tests/node_modules/.bin/buf";
  for (const auto& [name, sp] : services_) {
    CommandResult r = RunCommand(absl::StrCat(buf, " curl --protocol grpc --http2-prior-knowledge ",
                                              "--list-methods http://", sp->address()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr(sp->HealthName() + "/")) << name;
    EXPECT_THAT(r.output, HasSubstr("grpc.health.v1.Health/Check")) << name;
    EXPECT_THAT(r.output, HasSubstr("grpc.health.v1.Health/Watch")) << name;
  }
}

TEST_F(ServicesTest, HealthCheckThroughReflectionClient) {
  const std::string buf = SourceDir() + "/tests/node_modules/.bin/buf";
  ServiceProcess& identity = Service("identity");
  CommandResult r = RunCommand(absl::StrCat(
      buf, " curl --protocol grpc --http2-prior-knowledge --data '{\"service\":\"",
      identity.HealthName(), "\"}' http://", identity.address(), "/grpc.health.v1.Health/Check"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("SERVING"));
}

TEST_F(ServicesTest, GetAccountReadsOwnAccountAndRefusesOthers) {
  const std::string me = NewUuid();
  const std::string other = NewUuid();
  ASSERT_TRUE(db_->SuperuserSql(absl::StrCat(
                     "INSERT INTO identity.accounts (account_id, email, civility, given_name, "
                     "family_name, status) VALUES ('", me, "', 'claire.martin@chu-lyon.fr', 'Dr', "
                     "'Claire', 'Martin', 'pending_verification')"))
                  .ok());
  auto stub = identity::v1::IdentityService::NewStub(Service("identity").channel());
  identity::v1::GetAccountRequest req;
  identity::v1::GetAccountResponse resp;

  req.set_account_id(me);
  grpc::Status s = stub->GetAccount(CallAs(tokens_->Pending(me)).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.account().email(), "claire.martin@chu-lyon.fr");
  EXPECT_EQ(resp.account().status(), identity::v1::ACCOUNT_STATUS_PENDING_VERIFICATION);
  EXPECT_EQ(resp.account().role(), identity::v1::ROLE_DOCTOR);
  EXPECT_GT(resp.account().create_time().seconds(), 1'700'000'000);

  // Another doctor may not read it; a moderator may.
  s = stub->GetAccount(CallAs(tokens_->VerifiedDoctor(other)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = stub->GetAccount(CallAs(tokens_->WithRole(other, auth::Role::kModerator)).get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // No token, or a forged one.
  s = stub->GetAccount(CallAs("").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  TestTokens stranger;  // a key the service does not know
  s = stub->GetAccount(CallAs(stranger.Pending(me)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Unknown account.
  req.set_account_id(other);
  s = stub->GetAccount(CallAs(tokens_->VerifiedDoctor(other)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServicesTest, BadInputIsInvalidArgumentNamingTheField) {
  const std::string me = NewUuid();
  auto identity_stub = identity::v1::IdentityService::NewStub(Service("identity").channel());
  identity::v1::GetAccountRequest req;
  identity::v1::GetAccountResponse resp;
  for (const std::string& bad : {std::string("not-a-uuid"), std::string(""), std::string(5000, 'a'),
                                std::string("é' OR 1=1 --")}) {
    req.set_account_id(bad);
    grpc::Status s = identity_stub->GetAccount(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ViolatedFields(s), "account_id");
  }

  auto spaces = discussions::v1::DiscussionsService::NewStub(Service("discussions").channel());
  discussions::v1::ListSpacesRequest list;
  discussions::v1::ListSpacesResponse listed;
  list.set_page_size(101);
  grpc::Status s = spaces->ListSpaces(CallAs(tokens_->VerifiedDoctor(me)).get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "page_size");
  EXPECT_THAT(s.error_message(), HasSubstr("100"));
  list.set_page_size(10);
  list.set_page_token("garbage!");
  s = spaces->ListSpaces(CallAs(tokens_->VerifiedDoctor(me)).get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "page_token");
}

TEST_F(ServicesTest, GetProfileIsForVerifiedDoctors) {
  const std::string doctor = NewUuid();
  ASSERT_TRUE(db_->SuperuserSql(absl::StrCat(
                     "INSERT INTO profiles.profiles (profile_id, rpps, civility, given_name, "
                     "family_name, specialty_code, specialty_label) VALUES ('", doctor,
                     "', '10003456789', 'Dr', 'Claire', 'Martin', 'SM20', "
                     "'Gynécologie-obstétrique')"))
                  .ok());
  auto stub = profiles::v1::ProfilesService::NewStub(Service("profiles").channel());
  profiles::v1::GetProfileRequest req;
  req.set_profile_id(doctor);
  profiles::v1::GetProfileResponse resp;
  grpc::Status s = stub->GetProfile(CallAs(tokens_->VerifiedDoctor(NewUuid())).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.profile().specialty_label(), "Gynécologie-obstétrique");
  EXPECT_EQ(resp.profile().version(), 1);
  // A pending account sees its own profile only.
  s = stub->GetProfile(CallAs(tokens_->Pending(NewUuid())).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = stub->GetProfile(CallAs(tokens_->Pending(doctor)).get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ServicesTest, ListSpacesPagesWithKeysetTokens) {
  // The general space and one space per canonical ordinal specialty of libs/taxonomy (93:
  // SM01..SM95, general practice's three codes as one); read them three at a time.
  auto stub = discussions::v1::DiscussionsService::NewStub(Service("discussions").channel());
  discussions::v1::ListSpacesRequest req;
  req.set_page_size(3);
  std::vector<std::string> titles;
  for (int page = 0; page < 40; ++page) {
    discussions::v1::ListSpacesResponse resp;
    grpc::Status s = stub->ListSpaces(CallAs(tokens_->VerifiedDoctor(NewUuid())).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& space : resp.spaces()) titles.push_back(space.title());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  ASSERT_EQ(titles.size(), 94u);
  EXPECT_EQ(std::count(titles.begin(), titles.end(), "Gynécologie-obstétrique"), 1);
  EXPECT_TRUE(std::is_sorted(titles.begin(), titles.end()));
  EXPECT_EQ(std::count(titles.begin(), titles.end(), "Général"), 1);

  // Not for pending accounts.
  discussions::v1::ListSpacesResponse resp;
  req.clear_page_token();
  grpc::Status s = stub->ListSpaces(CallAs(tokens_->Pending(NewUuid())).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServicesTest, IndexStatsAreForAdmins) {
  auto stub = search::v1::SearchService::NewStub(Service("search").channel());
  search::v1::GetIndexStatsRequest req;
  search::v1::GetIndexStatsResponse resp;
  grpc::Status s = stub->GetIndexStats(CallAs(tokens_->WithRole(NewUuid(), auth::Role::kAdmin)).get(), req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  s = stub->GetIndexStats(CallAs(tokens_->WithRole(NewUuid(), auth::Role::kModerator)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServicesTest, OneJsonLogLinePerCallWithoutContentAndMetrics) {
  const std::string me = NewUuid();
  auto stub = identity::v1::IdentityService::NewStub(Service("identity").channel());
  identity::v1::GetAccountRequest req;
  req.set_account_id(me);
  identity::v1::GetAccountResponse resp;
  auto ctx = CallAs(tokens_->VerifiedDoctor(me));
  ctx->AddMetadata("x-request-id", "req-log-test-42");
  grpc::Status s = stub->GetAccount(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  // The id is echoed back to the caller.
  auto echoed = ctx->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ctx->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-log-test-42");

  const std::string log = Service("identity").ReadLog();
  std::string line;
  for (absl::string_view l : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(l, "req-log-test-42")) line = std::string(l);
  }
  ASSERT_FALSE(line.empty()) << log;
  EXPECT_THAT(line, HasSubstr("\"method\":\"/meltingdoc.identity.v1.IdentityService/GetAccount\""));
  EXPECT_THAT(line, HasSubstr("\"code\":\"NOT_FOUND\""));
  EXPECT_THAT(line, HasSubstr("\"latency_ms\":"));
  // Neither the request's content nor the token reaches the log.
  EXPECT_THAT(log, Not(HasSubstr(me)));
  EXPECT_THAT(log, Not(HasSubstr("Bearer")));

  absl::StatusOr<std::string> metrics = HttpGet(Service("identity").metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_grpc_calls_total{method=\"/meltingdoc.identity.v1."
                                  "IdentityService/GetAccount\",code=\"NOT_FOUND\"}"));
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_grpc_call_duration_seconds_bucket{method=\"/meltingdoc."
                                  "identity.v1.IdentityService/GetAccount\",le=\"+Inf\"}"));
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_serving 1"));
}

}  // namespace
}  // namespace meltingdoc::testing
