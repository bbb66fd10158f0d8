// RateLimiter against a real redis-server shared by two limiters (two gateway instances):
// strict routes decided exactly in Redis per request, default routes decided in process and
// written behind, what one instance learns of the other's counts and when, and Redis going
// away and coming back.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/rate_limiter.h"
#include "libs/common/uuid.h"
#include "libs/redis/redis_client.h"
#include "tests/support/local_redis.h"

namespace meltingdoc::gateway {
namespace {

using Outcome = RateDecision::Outcome;

class RateLimiterRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::LocalRedis::Create();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    options_.port = redis_->port();
    config_.default_per_ip = {0, absl::Minutes(1)};
    config_.default_per_account = {4, absl::Minutes(1)};  // 15 s each, burst 4
    config_.strict_per_ip = {3, absl::Minutes(1)};
    config_.strict_per_account = {0, absl::Minutes(1)};
  }
  std::unique_ptr<RateLimiter> Make() { return std::make_unique<RateLimiter>(config_, options_, 2); }
  // The account key's counter in Redis, as ms ahead of Redis's clock (-1: no key).
  int64_t DebtInRedis(const std::string& account) {
    redis::RedisClient client(options_);
    auto tat = client.Command({"GET", absl::StrCat("meltingdoc:ratelimit:default:account:", account)});
    auto now = client.Command({"TIME"});
    if (!tat.ok() || tat->type != redis::RedisReply::Type::kString || !now.ok()) return -1;
    int64_t tat_ms = 0, s = 0, us = 0;
    EXPECT_TRUE(absl::SimpleAtoi(tat->str, &tat_ms));
    EXPECT_TRUE(absl::SimpleAtoi(now->elements[0].str, &s));
    EXPECT_TRUE(absl::SimpleAtoi(now->elements[1].str, &us));
    return tat_ms - (s * 1000 + us / 1000);
  }

  std::unique_ptr<testing::LocalRedis> redis_;
  redis::RedisOptions options_;
  RateLimitConfig config_;
};

TEST_F(RateLimiterRedisTest, DefaultRoutesAreDecidedInProcessAndWrittenBehind) {
  config_.sync_interval = absl::Hours(1);  // writes only when the test says (SyncNow)
  auto a = Make();
  auto b = Make();
  const std::string account = NewUuid();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow) << i;
  // The 5th is refused by a's own counts, before anything reached Redis.
  const RateDecision refused = a->CheckNow(RateClass::kDefault, "", account);
  EXPECT_EQ(refused.outcome, Outcome::kDeny);
  EXPECT_GT(refused.retry_after, absl::Seconds(14));
  EXPECT_LE(refused.retry_after, absl::Seconds(15));
  EXPECT_EQ(DebtInRedis(account), -1);
  // Written: Redis holds the 4 requests (60 s ahead).
  a->SyncNow();
  EXPECT_NEAR(DebtInRedis(account), 60000, 1000);
  // b has not written this key yet, so it does not know a's counts: it admits one request
  // (the documented bound: what an instance admits for a key before its next write), learns
  // a's counts by writing it, and refuses from then on.
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);
  b->SyncNow();
  EXPECT_NEAR(DebtInRedis(account), 75000, 1000);
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kDeny);
  // Another account is untouched.
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", NewUuid()).outcome, Outcome::kAllow);
}

TEST_F(RateLimiterRedisTest, TheWriterThreadWritesEverySyncInterval) {
  config_.sync_interval = absl::Milliseconds(5);
  auto a = Make();
  const std::string account = NewUuid();
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);
  int64_t debt = -1;
  for (absl::Time until = absl::Now() + absl::Seconds(5); absl::Now() < until && debt < 0;) {
    absl::SleepFor(absl::Milliseconds(10));
    debt = DebtInRedis(account);
  }
  EXPECT_NEAR(debt, 30000, 1000);
  // Counts written by another instance reach this one with its next write of the key.
  auto b = Make();
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_NEAR(DebtInRedis(account), 45000, 1000);
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);  // the 4th
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kAllow);  // a thinks: 3rd
  absl::SleepFor(absl::Milliseconds(200));
  // a's write brought back b's two: 5 admitted (one over, within the bound), refused now.
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kDeny);
  EXPECT_EQ(b->CheckNow(RateClass::kDefault, "", account).outcome, Outcome::kDeny);
}

TEST_F(RateLimiterRedisTest, StrictRoutesAreExactAcrossInstances) {
  auto a = Make();
  auto b = Make();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a->CheckNow(RateClass::kStrict, "10.0.0.7", "").outcome, Outcome::kAllow) << i;
  const RateDecision d = b->CheckNow(RateClass::kStrict, "10.0.0.7", "");
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_GT(d.retry_after, absl::Seconds(19));
}

TEST_F(RateLimiterRedisTest, RedisAwayDefaultOpenStrictLocalThenBack) {
  config_.sync_interval = absl::Hours(1);
  auto a = Make();
  const std::string busy = NewUuid();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", busy).outcome, Outcome::kAllow) << i;
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", busy).outcome, Outcome::kDeny);
  redis_->Kill();
  a->SyncNow();  // the write fails: Redis is away
  EXPECT_FALSE(a->RedisAnswering());
  // Reads stay open, even for the account this process had refused.
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", busy).outcome, Outcome::kUnavailable);
  // Strict routes: this process's own counters.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a->CheckNow(RateClass::kStrict, "10.0.0.8", "").outcome, Outcome::kAllow) << i;
  EXPECT_EQ(a->CheckNow(RateClass::kStrict, "10.0.0.8", "").outcome, Outcome::kDeny);
  // Back (empty): the next write succeeds (the client reconnects at most every 500 ms) and
  // limits apply again.
  ASSERT_TRUE(redis_->Start().ok());
  for (absl::Time until = absl::Now() + absl::Seconds(5); absl::Now() < until && !a->RedisAnswering();) {
    EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", busy).outcome, Outcome::kUnavailable);  // counted, open
    a->SyncNow();
    if (!a->RedisAnswering()) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(a->RedisAnswering());
  const std::string fresh = NewUuid();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", fresh).outcome, Outcome::kAllow) << i;
  EXPECT_EQ(a->CheckNow(RateClass::kDefault, "", fresh).outcome, Outcome::kDeny);
}

}  // namespace
}  // namespace meltingdoc::gateway
