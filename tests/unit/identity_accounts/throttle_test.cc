#include "services/identity/throttle.h"

#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

TEST(ThrottleTest, DelaysGrowAfterFreeFailuresUpToTheCap) {
  const DelayPolicy p{5, absl::Seconds(1), absl::Minutes(15)};
  for (int n = 0; n < 5; ++n) EXPECT_EQ(DelayAfterFailures(p, n), absl::ZeroDuration()) << n;
  EXPECT_EQ(DelayAfterFailures(p, 5), absl::Seconds(1));
  EXPECT_EQ(DelayAfterFailures(p, 6), absl::Seconds(2));
  EXPECT_EQ(DelayAfterFailures(p, 10), absl::Seconds(32));
  EXPECT_EQ(DelayAfterFailures(p, 15), absl::Minutes(15));  // 1024 s capped
  EXPECT_EQ(DelayAfterFailures(p, 1'000'000), absl::Minutes(15));  // no overflow
}

TEST(ThrottleTest, RemainingWaitCountsFromTheLastFailureAndNeverLocksForever) {
  const DelayPolicy p{5, absl::Seconds(1), absl::Minutes(15)};
  const absl::Time last = absl::FromUnixSeconds(1'767'225'600);
  EXPECT_EQ(RemainingWait(p, 7, last, last + absl::Seconds(1)), absl::Seconds(3));
  EXPECT_EQ(RemainingWait(p, 7, last, last + absl::Seconds(4)), absl::ZeroDuration());
  EXPECT_EQ(RemainingWait(p, 4, last, last), absl::ZeroDuration());
  EXPECT_EQ(RemainingWait(p, 1000, last, last + absl::Minutes(15)), absl::ZeroDuration());
}

TEST(ThrottleTest, HourWindows) {
  const absl::Time t = absl::FromUnixSeconds(3600 * 10 + 1799);
  EXPECT_EQ(HourWindow(t), 10);
  EXPECT_EQ(HourWindowEnd(10), absl::FromUnixSeconds(3600 * 11));
  EXPECT_EQ(HourWindow(absl::FromUnixSeconds(3600 * 11)), 11);
}

}  // namespace
}  // namespace meltingdoc::identity
