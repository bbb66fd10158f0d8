// How a service behaves when the world around it fails: PostgreSQL stops and returns,
// Redis dies, and the service itself is told to stop in the middle of a slow call.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

std::string InsertAccountSql(const std::string& id) {
  return absl::StrCat(
      "INSERT INTO identity.accounts (account_id, email, given_name, family_name, status) "
      "VALUES ('", id, "', '", id, "@hopital.fr', 'Paul', 'Durand', 'verified')");
}

grpc::Status GetAccount(ServiceProcess& sp, const TestTokens& tokens, const std::string& id,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto stub = identity::v1::IdentityService::NewStub(sp.channel());
  identity::v1::GetAccountRequest req;
  req.set_account_id(id);
  identity::v1::GetAccountResponse resp;
  return stub->GetAccount(CallAs(tokens.VerifiedDoctor(id), timeout).get(), req, &resp);
}

TEST(FaultsTest, HealthFollowsPostgresDownAndBack) {
  auto pg = LocalPostgres::Create();
  ASSERT_TRUE(pg.ok()) << pg.status();
  auto db = ScratchDatabase::Create((*pg)->port());
  ASSERT_TRUE(db.ok()) << db.status();
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  TestTokens tokens;
  auto sp = ServiceProcess::Start({.service = "identity",
                                   .pg_url = (*db)->Url("identity"),
                                   .redis_port = (*redis)->port(),
                                   .public_keys_file = tokens.public_keys_file(),
                                   .extra_env = {}});
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*sp)->WaitForHealth(true).ok());
  const std::string id = NewUuid();
  ASSERT_TRUE((*db)->SuperuserSql(InsertAccountSql(id)).ok());
  ASSERT_TRUE(GetAccount(**sp, tokens, id).ok());

  ASSERT_TRUE((*pg)->StopImmediate().ok());
  absl::Status down = (*sp)->WaitForHealth(false, absl::Seconds(10));
  EXPECT_TRUE(down.ok()) << down;
  // Calls fail fast and clearly while the database is away; the process stays up.
  const absl::Time before = absl::Now();
  grpc::Status s = GetAccount(**sp, tokens, id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));

  ASSERT_TRUE((*pg)->Start().ok());
  absl::Status up = (*sp)->WaitForHealth(true, absl::Seconds(10));
  EXPECT_TRUE(up.ok()) << up;
  EXPECT_TRUE(GetAccount(**sp, tokens, id).ok());
  EXPECT_TRUE((*sp)->process().Running());
}

TEST(FaultsTest, KeepsAnsweringWithRedisDown) {
  REQUIRE_SHARED_SERVERS();
  auto db = ScratchDatabase::Create(SharedPostgresPort());
  ASSERT_TRUE(db.ok()) << db.status();
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  TestTokens tokens;
  auto sp = ServiceProcess::Start({.service = "identity",
                                   .pg_url = (*db)->Url("identity"),
                                   .redis_port = (*redis)->port(),
                                   .public_keys_file = tokens.public_keys_file(),
                                   .extra_env = {}});
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*sp)->WaitForHealth(true).ok());
  const std::string id = NewUuid();
  ASSERT_TRUE((*db)->SuperuserSql(InsertAccountSql(id)).ok());

  (*redis)->Kill();
  // The outbox relay now fails in the background; reads that need only PostgreSQL go on.
  for (int i = 0; i < 20; ++i) {
    const absl::Time before = absl::Now();
    grpc::Status s = GetAccount(**sp, tokens, id);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
    EXPECT_LT(absl::Now() - before, absl::Seconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE((*sp)->WaitForHealth(true, absl::Seconds(2)).ok());
  EXPECT_TRUE((*sp)->process().Running());
}

TEST(FaultsTest, SigtermDuringSlowCallFinishesItRefusesNewCallsAndExitsZero) {
  REQUIRE_SHARED_SERVERS();
  auto db = ScratchDatabase::Create(SharedPostgresPort());
  ASSERT_TRUE(db.ok()) << db.status();
  TestTokens tokens;
  auto sp = ServiceProcess::Start({.service = "identity",
                                   .pg_url = (*db)->Url("identity"),
                                   .redis_port = SharedRedisPort(),
                                   .public_keys_file = tokens.public_keys_file(),
                                   .extra_env = {}});
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*sp)->WaitForHealth(true).ok());
  const std::string id = NewUuid();
  ASSERT_TRUE((*db)->SuperuserSql(InsertAccountSql(id)).ok());

  // A superuser transaction locks the table: the next GetAccount waits on it — a slow call.
  pqxx::connection locker((*db)->Url("postgres"));
  auto lock = std::make_unique<pqxx::work>(locker);
  lock->exec("LOCK TABLE identity.accounts IN ACCESS EXCLUSIVE MODE");
  std::future<grpc::Status> slow = std::async(std::launch::async, [&] {
    return GetAccount(**sp, tokens, id, std::chrono::seconds(30));
  });
  // Wait until the call is really blocked on the lock inside PostgreSQL.
  bool waiting = false;
  for (int i = 0; i < 100 && !waiting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = (*db)->SuperuserSql(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'identity' AND wait_event_type = 'Lock'");
    waiting = r.ok() && absl::StrContains(*r, "1");
  }
  ASSERT_TRUE(waiting) << "the call never blocked on the lock";

  ASSERT_TRUE((*sp)->process().Signal(SIGTERM));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // New calls are refused while the slow one drains.
  auto fresh = grpc::CreateChannel((*sp)->address(), grpc::InsecureChannelCredentials());
  auto stub = identity::v1::IdentityService::NewStub(fresh);
  identity::v1::GetAccountRequest req;
  req.set_account_id(id);
  identity::v1::GetAccountResponse resp;
  grpc::Status refused = stub->GetAccount(CallAs(tokens.VerifiedDoctor(id), std::chrono::seconds(2)).get(), req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_TRUE((*sp)->process().Running()) << "exited before the in-flight call finished";

  lock->commit();  // release: the slow call may now finish
  grpc::Status finished = slow.get();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  absl::StatusOr<int> code = (*sp)->process().Wait(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_THAT((*sp)->ReadLog(), ::testing::HasSubstr("\"msg\":\"draining\""));
}

}  // namespace
}  // namespace meltingdoc::testing
