// The one execution model for blocking work in every service.
//
// gRPC callback handlers must never block their thread (it is one of gRPC's few event-engine
// threads). libpqxx and synchronous hiredis block, so each handler hands its work to this
// bounded executor and finishes the reactor from an executor thread (see unary_call.h).
//
// Bounded on both sides: `threads` workers (a few more than the database pool, so that
// requests queue here rather than in PostgreSQL) and at most `max_queue` waiting tasks; past
// that, TrySubmit refuses and the caller answers RESOURCE_EXHAUSTED at once instead of
// queueing work it cannot finish within any sane deadline.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace meltingdoc::server {

class BoundedExecutor {
 public:
  BoundedExecutor(int threads, size_t max_queue);
  ~BoundedExecutor();  // Stop()
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Queues `task`; false when the queue is full or the executor is stopping.
  bool TrySubmit(std::function<void()> task);

  // Runs every queued task, then joins the workers. Idempotent.
  void Stop();

  size_t queued() const;
  size_t busy() const;

  // How long a task takes here: a moving average (weight 1/8 each) of the wall times given to
  // RecordTaskTime — wall time, so it includes the CPU the threads did not get on a busy host.
  // The caller records the tasks whose cost it means (e.g. a password hash, not a call refused
  // before hashing). Zero before the first record.
  void RecordTaskTime(absl::Duration took);
  absl::Duration TaskTime() const;

  // When a task queued now would be done, from the queue and TaskTime(): one task time when a
  // thread is free, else one more for every `threads` tasks waiting ahead of it (running ones
  // counted whole: it errs on the long side). Zero before the first record.
  absl::Duration ExpectedCompletion() const;

 private:
  void WorkerLoop();

  const size_t threads_;
  const size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  size_t busy_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration task_time_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace meltingdoc::server
