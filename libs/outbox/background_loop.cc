#include "libs/outbox/background_loop.h"

namespace meltingdoc::outbox {

void BackgroundLoop::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void BackgroundLoop::Stop() {
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void BackgroundLoop::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    const absl::Duration delay = step_();
    absl::MutexLock lock(&mu_);
    if (delay > absl::ZeroDuration()) {
      // Returns early when Stop() sets stopping_.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
    }
    if (stopping_) return;
  }
}

}  // namespace meltingdoc::outbox
