#include "libs/server/unary_call.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"

namespace meltingdoc::server {
namespace {

struct StepsCall {
  grpc::CallbackServerContext* context;
  grpc::ServerUnaryReactor* reactor;
  std::vector<UnaryStep> steps;
};

void RunStep(const std::shared_ptr<StepsCall>& call, size_t i);

// The time the call has left (infinite without a deadline).
absl::Duration TimeLeft(const grpc::CallbackServerContext& context) {
  const std::chrono::system_clock::time_point deadline = context.deadline();
  const std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  if (deadline - now > std::chrono::hours(24 * 365)) return absl::InfiniteDuration();
  return absl::FromChrono(deadline - now);
}

// Runs step i here, then hands the call to step i + 1 (or finishes it).
void RunStepHere(const std::shared_ptr<StepsCall>& call, size_t i) {
  // A step that records what the one before did runs even for a caller who left (see
  // UnaryStep): skipping it would let a client that gives up after the password hash have
  // checks that are never counted.
  const bool must_run = i > 0 && call->steps[i].run_here_when_full;
  if (!must_run && call->context->IsCancelled()) {
    call->reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled while queued"));
    return;
  }
  if (!must_run && call->context->deadline() <= std::chrono::system_clock::now()) {
    call->reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed while queued"));
    return;
  }
  const UnaryStep& step = call->steps[i];
  if (step.within_deadline) {
    // At the thread: a task's time must still fit before the deadline.
    if (step.executor->TaskTime() > TimeLeft(*call->context)) {
      call->reactor->Finish(ToGrpcStatus(WouldMissDeadline(step.executor->ExpectedCompletion())));
      return;
    }
  }
  absl::Status status;
  const absl::Time start = absl::Now();
  try {
    status = step.body();
  } catch (const std::exception& e) {
    // A layer let an exception escape: a bug, but never a crash of the whole service.
    status = absl::InternalError("internal error");
  }
  if (step.within_deadline) step.executor->RecordTaskTime(absl::Now() - start);
  if (!status.ok() || i + 1 == call->steps.size()) {
    call->reactor->Finish(ToGrpcStatus(status));
    return;
  }
  RunStep(call, i + 1);
}

void RunStep(const std::shared_ptr<StepsCall>& call, size_t i) {
  const UnaryStep& step = call->steps[i];
  if (step.within_deadline) {
    // At the door: the queue ahead plus this task must fit before the deadline.
    const absl::Duration expected = step.executor->ExpectedCompletion();
    if (expected > TimeLeft(*call->context)) {
      call->reactor->Finish(ToGrpcStatus(WouldMissDeadline(expected)));
      return;
    }
  }
  if (step.executor->TrySubmit([call, i] { RunStepHere(call, i); })) return;
  if (i > 0 && step.run_here_when_full) {
    RunStepHere(call, i);
    return;
  }
  call->reactor->Finish(
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy: too many requests queued, retry shortly"));
}

}  // namespace

absl::Status WouldMissDeadline(absl::Duration retry_after) {
  const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(retry_after, absl::Seconds(1))));
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat("server busy: this call would wait past its deadline (expected ", seconds, " s), retry later"));
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(seconds);
  AttachDetail(status, retry);
  google::rpc::ErrorInfo info;
  info.set_reason("deadline-too-short-for-queue");
  info.set_domain("meltingdoc");
  AttachDetail(status, info);
  return status;
}

grpc::ServerUnaryReactor* RunUnarySteps(grpc::CallbackServerContext* context, std::vector<UnaryStep> steps) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (steps.empty()) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  RunStep(std::make_shared<StepsCall>(StepsCall{context, reactor, std::move(steps)}), 0);
  return reactor;
}

}  // namespace meltingdoc::server
