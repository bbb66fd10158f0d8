// Runs a unary callback handler's blocking body on the service's BoundedExecutor and
// finishes the call from there, so gRPC's own threads never wait on PostgreSQL or Redis.
//
//   grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* ctx,
//                                        const GetAccountRequest* req,
//                                        GetAccountResponse* resp) override {
//     return RunUnary(ctx, executor_, [=] { return DoGetAccount(*ctx, *req, *resp); });
//   }
//
// The body returns an absl::Status (details attached with AttachDetail survive). If the
// executor's queue is full the call is refused at once with RESOURCE_EXHAUSTED; if the
// client gave up or its deadline passed while queued, the body is skipped.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/server/executor.h"
#include "libs/server/grpc_status.h"

namespace meltingdoc::server {

template <typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, BoundedExecutor& executor,
                                   Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = executor.TrySubmit([context, reactor, body = std::move(body)]() mutable {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled while queued"));
      return;
    }
    if (context->deadline() <= std::chrono::system_clock::now()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed while queued"));
      return;
    }
    absl::Status status;
    try {
      status = body();
    } catch (const std::exception& e) {
      // A layer let an exception escape: a bug, but never a crash of the whole service.
      status = absl::InternalError("internal error");
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many requests queued, retry shortly"));
  }
  return reactor;
}

// A unary call whose blocking work runs in steps, each on its own executor: e.g. a login's
// database and Redis work on the service's executor and its password hash on the small hashing
// executor, so that the hashing threads only hash and never sit waiting for a round trip.
// Steps run one after the other (a step sees what the one before wrote in state they share);
// the call finishes after the last step, or at the first step that returns non-OK. Before each
// step a cancelled call or a passed deadline finishes the call. A full queue refuses the call
// with RESOURCE_EXHAUSTED, except for a step marked `run_here_when_full`, which then runs on
// the thread of the step before: for a step that must record what an earlier one did (a
// password check that was made must be counted), never for one the queue bounds (hashing).
// Such a step also runs when the caller left (cancelled, deadline passed) after the step
// before began: what was done must be recorded all the same. It may look at the context to
// skip what only the caller would see (a new session nobody will receive).
//
// A step marked `within_deadline` is admitted only if it can end before the call's deadline
// (its run times are recorded with its executor's RecordTaskTime): when the executor's
// ExpectedCompletion() (the queue ahead times the measured task time) is
// past the deadline it is refused at once, and again when it reaches a thread with less time
// left than one task takes, so that no thread spends a task's time on a call that will have
// timed out when it is done. The refusal is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo
// (the expected wait; the gateway's Retry-After) and a google.rpc.ErrorInfo reason
// "deadline-too-short-for-queue". For slow steps of known cost behind a small pool (argon2id
// on identity's hashing threads): without it, a saturated pool fills its queue with calls that
// each wait out the caller's whole deadline and are then answered DEADLINE_EXCEEDED.
struct UnaryStep {
  BoundedExecutor* executor = nullptr;
  std::function<absl::Status()> body;
  bool run_here_when_full = false;
  bool within_deadline = false;
};

// The refusal of a `within_deadline` step: RESOURCE_EXHAUSTED naming the expected wait, with
// RetryInfo (`retry_after`, at least 1 s) and ErrorInfo (reason "deadline-too-short-for-queue").
absl::Status WouldMissDeadline(absl::Duration retry_after);

grpc::ServerUnaryReactor* RunUnarySteps(grpc::CallbackServerContext* context, std::vector<UnaryStep> steps);

// RunUnary with deadline-aware admission (one `within_deadline` step): for calls of a cost the
// executor's recorded task time stands for (search's queries). Past saturation the queue then
// holds only what can be answered in time, and the rest is refused at once (429 with
// Retry-After at the gateway) instead of every call waiting until just before its deadline,
// starting, and finishing after the caller gave up (bench/README.md, "load").
template <typename Body>
grpc::ServerUnaryReactor* RunUnaryWithinDeadline(grpc::CallbackServerContext* context, BoundedExecutor& executor,
                                                 Body body) {
  std::vector<UnaryStep> steps;
  steps.push_back({&executor, std::function<absl::Status()>(std::move(body)), /*run_here_when_full=*/false,
                   /*within_deadline=*/true});
  return RunUnarySteps(context, std::move(steps));
}

}  // namespace meltingdoc::server
