#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace meltingdoc::gateway {
namespace {

TEST(RateLimitTest, ParsesCountPerPeriod) {
  auto l = ParseRateLimit("600/1m");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->count, 600);
  EXPECT_EQ(l->period, absl::Minutes(1));
  l = ParseRateLimit("10/30s");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->period, absl::Seconds(30));
  l = ParseRateLimit("0");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->count, 0);
  for (const char* bad : {"", "10", "x/1m", "10/x", "-1/1m", "10/0s", "10/"}) {
    EXPECT_FALSE(ParseRateLimit(bad).ok()) << bad;
  }
}

TEST(RateLimitTest, StrictClassByMethodNameFragment) {
  const std::vector<std::string> patterns = {"login", "register", "verif", "code"};
  EXPECT_EQ(ClassifyMethod("Login", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("RegisterAccount", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("ConfirmEmailCode", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("SubmitVerification", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("GetProfile", patterns), RateClass::kDefault);
  EXPECT_EQ(ClassifyMethod("ListSpaces", patterns), RateClass::kDefault);
  EXPECT_EQ(ClassifyMethod("Login", {}), RateClass::kDefault);
}

// The strict routes' fallback while Redis is away: the same GCRA as the Redis script.
TEST(LocalRateCountersTest, BurstThenOnePerIntervalPerKey) {
  LocalRateCounters counters;
  // 3 per minute: interval 20 s, burst 3.
  const std::vector<LocalRateCounters::Key> ip = {{"strict:ip:a", 20000, 60000}};
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(counters.Charge(ip, t0), 0) << i;
  EXPECT_EQ(counters.Charge(ip, t0), 20000);  // the 4th waits one interval
  EXPECT_EQ(counters.Charge(ip, t0 + 5000), 15000);
  EXPECT_EQ(counters.Charge(ip, t0 + 20000), 0);  // one more after an interval
  EXPECT_GT(counters.Charge(ip, t0 + 20000), 0);
  // Another key has its own budget.
  EXPECT_EQ(counters.Charge({{"strict:ip:b", 20000, 60000}}, t0), 0);
}

TEST(LocalRateCountersTest, ChargesEveryKeyOrNone) {
  LocalRateCounters counters;
  const LocalRateCounters::Key ip{"ip", 1000, 2000};            // burst 2
  const LocalRateCounters::Key account{"account", 1000, 1000};  // burst 1
  EXPECT_EQ(counters.Charge({ip, account}, 0), 0);
  EXPECT_GT(counters.Charge({ip, account}, 0), 0);  // refused by the account key...
  EXPECT_EQ(counters.Charge({ip}, 0), 0);           // ...so the IP key was not charged
  EXPECT_GT(counters.Charge({ip}, 0), 0);
}

TEST(LocalRateCountersTest, StaysBoundedDroppingExpiredKeysFirst) {
  LocalRateCounters counters(/*max_keys=*/3);
  EXPECT_EQ(counters.Charge({{"a", 1000, 1000}}, 0), 0);
  EXPECT_EQ(counters.Charge({{"b", 1000, 1000}}, 0), 0);
  EXPECT_EQ(counters.Charge({{"c", 100000, 100000}}, 0), 0);
  // At 5 s, a and b have expired; c has not and keeps its count.
  EXPECT_EQ(counters.Charge({{"d", 1000, 1000}}, 5000), 0);
  EXPECT_GT(counters.Charge({{"c", 100000, 100000}}, 5000), 0);
}

}  // namespace
}  // namespace meltingdoc::gateway
