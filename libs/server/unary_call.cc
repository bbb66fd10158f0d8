#include "libs/server/unary_call.h"

namespace meltingdoc::server {
namespace {

struct StepsCall {
  grpc::CallbackServerContext* context;
  grpc::ServerUnaryReactor* reactor;
  std::vector<UnaryStep> steps;
};

void RunStep(const std::shared_ptr<StepsCall>& call, size_t i);

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
  absl::Status status;
  try {
    status = call->steps[i].body();
  } catch (const std::exception& e) {
    // A layer let an exception escape: a bug, but never a crash of the whole service.
    status = absl::InternalError("internal error");
  }
  if (!status.ok() || i + 1 == call->steps.size()) {
    call->reactor->Finish(ToGrpcStatus(status));
    return;
  }
  RunStep(call, i + 1);
}

void RunStep(const std::shared_ptr<StepsCall>& call, size_t i) {
  const UnaryStep& step = call->steps[i];
  if (step.executor->TrySubmit([call, i] { RunStepHere(call, i); })) return;
  if (i > 0 && step.run_here_when_full) {
    RunStepHere(call, i);
    return;
  }
  call->reactor->Finish(
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy: too many requests queued, retry shortly"));
}

}  // namespace

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
