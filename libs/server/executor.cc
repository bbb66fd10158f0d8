#include "libs/server/executor.h"

#include <algorithm>

namespace meltingdoc::server {

BoundedExecutor::BoundedExecutor(int threads, size_t max_queue)
    : threads_(static_cast<size_t>(std::max(1, threads))), max_queue_(max_queue) {
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

BoundedExecutor::~BoundedExecutor() { Stop(); }

bool BoundedExecutor::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queue_) return false;
  queue_.push_back(std::move(task));
  return true;
}

void BoundedExecutor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

size_t BoundedExecutor::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

size_t BoundedExecutor::busy() const {
  absl::MutexLock lock(&mu_);
  return busy_;
}

void BoundedExecutor::RecordTaskTime(absl::Duration took) {
  absl::MutexLock lock(&mu_);
  task_time_ = task_time_ == absl::ZeroDuration() ? took : task_time_ + (took - task_time_) / 8;
}

absl::Duration BoundedExecutor::TaskTime() const {
  absl::MutexLock lock(&mu_);
  return task_time_;
}

absl::Duration BoundedExecutor::ExpectedCompletion() const {
  absl::MutexLock lock(&mu_);
  if (busy_ < threads_ && queue_.empty()) return task_time_;
  // Every thread busy: the running tasks end, the waiting ones go `threads` at a time, then
  // this one runs.
  const size_t rounds = 1 + (queue_.size() + threads_) / threads_;
  return task_time_ * static_cast<double>(rounds);
}

void BoundedExecutor::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](BoundedExecutor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      // Drain what was accepted before stopping: those callers are waiting for an answer.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    task();
    absl::MutexLock lock(&mu_);
    --busy_;
  }
}

}  // namespace meltingdoc::server
