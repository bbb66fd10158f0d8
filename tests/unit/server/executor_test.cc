#include "libs/server/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace meltingdoc::server {
namespace {

// Waits (bounded) until `cond` holds.
template <typename Cond>
bool Eventually(Cond cond, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!cond()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

TEST(BoundedExecutorTest, RunsEverySubmittedTask) {
  BoundedExecutor executor(4, 1000);
  std::atomic<int> ran{0};
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(executor.TrySubmit([&ran] { ++ran; }));
  EXPECT_TRUE(Eventually([&] { return ran.load() == 500; }));
  EXPECT_TRUE(Eventually([&] { return executor.busy() == 0 && executor.queued() == 0; }));
}

TEST(BoundedExecutorTest, RunsTasksOnItsOwnThreadsInParallel) {
  BoundedExecutor executor(2, 10);
  absl::Notification release;
  std::atomic<int> started{0};
  std::atomic<bool> on_caller_thread{false};
  const std::thread::id caller = std::this_thread::get_id();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(executor.TrySubmit([&] {
      if (std::this_thread::get_id() == caller) on_caller_thread = true;
      ++started;
      release.WaitForNotification();
    }));
  }
  EXPECT_TRUE(Eventually([&] { return started.load() == 2; })) << "both workers should be busy";
  EXPECT_EQ(executor.busy(), 2u);
  release.Notify();
  EXPECT_TRUE(Eventually([&] { return executor.busy() == 0; }));
  EXPECT_FALSE(on_caller_thread);
}

TEST(BoundedExecutorTest, RefusesWhenTheQueueIsFullWhileWorkersAreBlocked) {
  BoundedExecutor executor(1, 2);
  absl::Notification release;
  std::atomic<int> ran{0};
  ASSERT_TRUE(executor.TrySubmit([&] {
    release.WaitForNotification();
    ++ran;
  }));
  ASSERT_TRUE(Eventually([&] { return executor.busy() == 1 && executor.queued() == 0; }));
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_EQ(executor.queued(), 2u);
  bool refused_ran = false;
  EXPECT_FALSE(executor.TrySubmit([&] { refused_ran = true; }));
  EXPECT_EQ(executor.queued(), 2u);

  release.Notify();
  EXPECT_TRUE(Eventually([&] { return ran.load() == 3; }));
  // Room again once the queue drained.
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  executor.Stop();
  EXPECT_EQ(ran.load(), 4);
  EXPECT_FALSE(refused_ran);
}

TEST(BoundedExecutorTest, StopRunsEveryAcceptedTaskThenRefusesNewOnes) {
  BoundedExecutor executor(1, 10);
  absl::Notification release;
  std::atomic<int> ran{0};
  ASSERT_TRUE(executor.TrySubmit([&] {
    release.WaitForNotification();
    ++ran;
  }));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    executor.Stop();
    stopped = true;
  });
  // While Stop waits for the drain, new work is refused.
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(stopped.load()) << "Stop must wait for accepted tasks";
  bool late_ran = false;
  EXPECT_TRUE(Eventually([&] { return !executor.TrySubmit([&] { late_ran = true; }); }));

  release.Notify();
  stopper.join();
  EXPECT_EQ(ran.load(), 6) << "every accepted task runs before Stop returns";
  EXPECT_FALSE(executor.TrySubmit([&] { late_ran = true; }));
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(late_ran);
  executor.Stop();  // idempotent
}

TEST(BoundedExecutorTest, DestructorDrainsToo) {
  std::atomic<int> ran{0};
  {
    BoundedExecutor executor(2, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(executor.TrySubmit([&] {
        absl::SleepFor(absl::Microseconds(200));
        ++ran;
      }));
    }
  }
  EXPECT_EQ(ran.load(), 50);
}

TEST(BoundedExecutorTest, ConcurrentSubmittersNeverExceedTheBound) {
  BoundedExecutor executor(1, 5);
  absl::Notification release;
  ASSERT_TRUE(executor.TrySubmit([&] { release.WaitForNotification(); }));
  ASSERT_TRUE(Eventually([&] { return executor.busy() == 1; }));
  std::atomic<int> accepted{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (executor.TrySubmit([] {})) ++accepted;
      }
    });
  }
  for (auto& t : submitters) t.join();
  EXPECT_EQ(accepted.load(), 5);
  release.Notify();
}

TEST(BoundedExecutorTest, ExpectedCompletionFromTheQueueAndTheRecordedTaskTime) {
  BoundedExecutor executor(2, 16);
  EXPECT_EQ(executor.ExpectedCompletion(), absl::ZeroDuration()) << "nothing measured";
  executor.RecordTaskTime(absl::Milliseconds(100));
  executor.RecordTaskTime(absl::Milliseconds(180));
  EXPECT_EQ(executor.TaskTime(), absl::Milliseconds(110)) << "moving average, 1/8 per record";
  EXPECT_EQ(executor.ExpectedCompletion(), absl::Milliseconds(110)) << "a thread is free";
  absl::Notification release;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(executor.TrySubmit([&] { release.WaitForNotification(); }));
  ASSERT_TRUE(Eventually([&] { return executor.busy() == 2 && executor.queued() == 3; }));
  // The 2 running end (a round), then the 3 waiting and this one, two at a time: 3 rounds.
  EXPECT_EQ(executor.ExpectedCompletion(), absl::Milliseconds(330));
  release.Notify();
  executor.Stop();
}

}  // namespace
}  // namespace meltingdoc::server
