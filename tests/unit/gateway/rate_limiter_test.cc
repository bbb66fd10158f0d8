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

// The default class's mirror: decides like the GCRA script, remembers what to write to Redis,
// and takes Redis's counters (the other instances' counts) when a write returns.
TEST(RateMirrorTest, DecidesLikeTheScriptAndKeepsTheCountsToWrite) {
  RateMirror mirror;
  const RateMirror::Key ip{"default:ip:a", 20000, 60000};  // 3 per minute
  const int64_t t0 = 1'000'000;
  EXPECT_FALSE(mirror.HasPending());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(mirror.Admit({ip}, t0), 0) << i;
  EXPECT_EQ(mirror.Admit({ip}, t0), 20000);  // the 4th waits one interval, and is not counted
  EXPECT_TRUE(mirror.HasPending());
  auto sent = mirror.TakePending();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].name, "default:ip:a");
  EXPECT_EQ(sent[0].count, 3);
  EXPECT_EQ(sent[0].interval_ms, 20000);
  EXPECT_FALSE(mirror.HasPending());
  EXPECT_TRUE(mirror.TakePending().empty());
  // Still refused after the take: the mirror keeps its counter.
  EXPECT_EQ(mirror.Admit({ip}, t0 + 5000), 15000);
  EXPECT_EQ(mirror.Admit({ip}, t0 + 20000), 0);
  sent = mirror.TakePending();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].count, 1);
}

TEST(RateMirrorTest, TakesRedisCountersPlusWhatWasAdmittedSinceTheTake) {
  RateMirror mirror;
  const RateMirror::Key account{"default:account:x", 1000, 10000};  // burst 10
  const int64_t t0 = 5'000'000;
  EXPECT_EQ(mirror.Admit({account}, t0), 0);
  const auto sent = mirror.TakePending();
  // Admitted while the write is under way: not in Redis's answer.
  EXPECT_EQ(mirror.Admit({account}, t0), 0);
  EXPECT_EQ(mirror.Admit({account}, t0), 0);
  // Other instances counted 8 more: Redis answers a debt of 9 s (1 from here + 8).
  mirror.Synced(sent, {9000}, t0);
  // 9 s + the 2 admitted since = 11 s ahead: the next one would end 12 s ahead, 2 s past the
  // burst.
  EXPECT_EQ(mirror.Admit({account}, t0), 2000);
  // A Redis that lost its counters (restarted empty) answers 0: the mirror follows it.
  EXPECT_EQ(mirror.Admit({account}, t0 + 3000), 0);
  const auto again = mirror.TakePending();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].count, 3);  // the 2 from before the sync and this one
  mirror.Synced(again, {0}, t0 + 3000);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(mirror.Admit({account}, t0 + 3000), 0) << i;
  EXPECT_GT(mirror.Admit({account}, t0 + 3000), 0);
}

TEST(RateMirrorTest, EveryKeyOrNoneAndUnenforcedCountsWithoutRefusing) {
  RateMirror mirror;
  const RateMirror::Key ip{"ip", 1000, 2000};            // burst 2
  const RateMirror::Key account{"account", 1000, 1000};  // burst 1
  EXPECT_EQ(mirror.Admit({ip, account}, 0), 0);
  EXPECT_GT(mirror.Admit({ip, account}, 0), 0);  // refused by the account key...
  EXPECT_EQ(mirror.Admit({ip}, 0), 0);           // ...so the IP key was not counted
  EXPECT_GT(mirror.Admit({ip}, 0), 0);
  // Redis away (fail open): allowed and still counted, so the writer has something to retry.
  EXPECT_EQ(mirror.Admit({ip, account}, 0, /*enforce=*/false), 0);
  int64_t ip_count = 0, account_count = 0;
  for (const auto& p : mirror.TakePending()) (p.name == "ip" ? ip_count : account_count) = p.count;
  EXPECT_EQ(ip_count, 3);
  EXPECT_EQ(account_count, 2);
}

TEST(RateMirrorTest, StaysBoundedKeepingKeysWithCountsToWrite) {
  RateMirror mirror(/*max_keys=*/3);
  EXPECT_EQ(mirror.Admit({{"a", 1000, 1000}}, 0), 0);
  EXPECT_EQ(mirror.Admit({{"b", 1000, 1000}}, 0), 0);
  EXPECT_EQ(mirror.Admit({{"c", 100000, 100000}}, 0), 0);
  mirror.TakePending();
  // At 5 s, a and b have expired and have nothing to write; c still owes its interval.
  EXPECT_EQ(mirror.Admit({{"d", 1000, 1000}}, 5000), 0);
  EXPECT_GT(mirror.Admit({{"c", 100000, 100000}}, 5000), 0);
  const auto sent = mirror.TakePending();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].name, "d");
}

}  // namespace
}  // namespace meltingdoc::gateway
