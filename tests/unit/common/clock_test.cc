#include "libs/common/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace meltingdoc {
namespace {

TEST(FakeClockTest, StartsAt2026ByDefaultAndStandsStill) {
  FakeClock clock;
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'767'225'600));
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d", clock.Now(), absl::UTCTimeZone()), "2026-01-01");
  absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'767'225'600));
}

TEST(FakeClockTest, AdvanceAndSet) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1000));
  clock.Advance(absl::Seconds(90));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1090));
  clock.Set(absl::FromUnixSeconds(5));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(5));
}

TEST(FakeClockTest, ConcurrentAdvancesAreAllCounted) {
  FakeClock clock(absl::UnixEpoch());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(absl::Milliseconds(1));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() + absl::Seconds(4));
}

TEST(FakeClockTest, UsableThroughTheInterface) {
  FakeClock fake(absl::FromUnixSeconds(77));
  const Clock& clock = fake;
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(77));
}

TEST(RealClockTest, FollowsTheSystemClock) {
  const absl::Time before = absl::Now();
  const absl::Time now = Clock::Real().Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now - before, absl::Seconds(5));
  EXPECT_EQ(&Clock::Real(), &Clock::Real());
}

}  // namespace
}  // namespace meltingdoc
