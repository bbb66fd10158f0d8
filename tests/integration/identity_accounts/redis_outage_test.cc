// Revocation is durable in PostgreSQL: Redis killed right after a logout does not bring the
// session back, neither while Redis is down nor after it restarts empty. Logins go on with
// Redis down (throttling falls back to PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/support/local_redis.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {
namespace {

constexpr char kPassword[] = "Un mot de passe très long 42";

std::string RedisCli(int port, const std::string& args) {
  return RunCommand(absl::StrCat("redis-cli -p ", port, " ", args)).output;
}

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(RedisOutageTest, LogoutSurvivesARedisCrashAndRestart) {
  REQUIRE_SHARED_SERVERS();
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const int port = (*redis)->port();
  auto started = IdentityUnderTest::Start(SharedPostgresPort(), port);
  ASSERT_TRUE(started.ok()) << started.status();
  IdentityUnderTest& id = **started;
  const std::string email = UniqueEmail("outage");
  ASSERT_TRUE(id.CreateVerifiedAccount(email, kPassword).ok());
  // The mirror is complete once the resync loop has run.
  ASSERT_TRUE(WaitFor([&] { return absl::StrContains(RedisCli(port, "EXISTS meltingdoc:revoked:ready"), "1"); },
                      absl::Seconds(10)));

  idv1::LoginResponse login;
  ASSERT_TRUE(id.Login(email, kPassword, "198.51.100.60", &login).ok());
  const std::string token = login.tokens().access_token();
  const std::string account_id = SubjectOf(token);
  ASSERT_TRUE(id.GetOwnAccount(token, account_id).ok());
  idv1::LogoutResponse out;
  ASSERT_TRUE(id.stub->Logout(Ctx(token).get(), idv1::LogoutRequest(), &out).ok());
  EXPECT_TRUE(absl::StrContains(RedisCli(port, "GET meltingdoc:revoked:" + login.tokens().session_id()), "1"))
      << "the revocation is mirrored in Redis";

  (*redis)->Kill();  // right after the logout
  const absl::Time before = absl::Now();
  grpc::Status s = id.GetOwnAccount(token, account_id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_LT(absl::Now() - before, absl::Seconds(3));

  // Identity stays up: a new login works and its token is accepted (checked in PostgreSQL),
  // and failed logins are still counted (in PostgreSQL).
  idv1::LoginResponse during;
  s = id.Login(email, kPassword, "198.51.100.61", &during);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(id.GetOwnAccount(during.tokens().access_token(), account_id).ok());
  EXPECT_EQ(id.Login(email, "wrong password!", "198.51.100.61", &login).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(id.db->SuperuserSql("SELECT count(*) FROM identity.login_failures").value_or("0\n"), "0\n");

  // Redis comes back empty: the old session is still refused, the new one still works, and
  // the mirror is rebuilt from PostgreSQL.
  ASSERT_TRUE((*redis)->Start().ok());
  EXPECT_EQ(id.GetOwnAccount(token, account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id.GetOwnAccount(during.tokens().access_token(), account_id).ok());
  EXPECT_TRUE(WaitFor(
      [&] { return absl::StrContains(RedisCli(port, "GET meltingdoc:revoked:" + login.tokens().session_id()), "1"); },
      absl::Seconds(10)));
  EXPECT_EQ(id.GetOwnAccount(token, account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id.process->process().Running());
}

}  // namespace
}  // namespace meltingdoc::testing
