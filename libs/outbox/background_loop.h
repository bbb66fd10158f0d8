// Runs a step function on a thread of its own until stopped; the relay and the consumer use it
// for their Start()/Stop(). The step returns how long to wait before running again; Stop()
// interrupts that wait at once (but not a step in progress, which callers keep bounded by
// their Redis and PostgreSQL timeouts).
#pragma once

#include <algorithm>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace meltingdoc::outbox {

class BackgroundLoop {
 public:
  explicit BackgroundLoop(std::function<absl::Duration()> step) : step_(std::move(step)) {}
  ~BackgroundLoop() { Stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // No-op when already running.
  void Start();
  // Waits for the current step to finish; no-op when not running.
  void Stop();

 private:
  void Run();

  const std::function<absl::Duration()> step_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // touched only by Start/Stop, which callers do not race
};

// Exponential back-off between failed attempts, so that an outage of Redis or PostgreSQL costs
// a few attempts per second at most instead of a busy loop of connection errors.
class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max) : initial_(initial), max_(max) {}
  absl::Duration Next() {
    current_ = current_ == absl::ZeroDuration() ? initial_ : std::min(current_ * 2, max_);
    return current_;
  }
  void Reset() { current_ = absl::ZeroDuration(); }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  absl::Duration current_ = absl::ZeroDuration();
};

}  // namespace meltingdoc::outbox
