// Runs a server-streaming callback handler's blocking work on the service's BoundedExecutor,
// one message at a time, so that gRPC's own threads never wait on PostgreSQL and a slow
// client holds no executor thread:
//
//   grpc::ServerWriteReactor<ExportResponse>* Export(grpc::CallbackServerContext* ctx,
//                                                    const ExportRequest* req) override {
//     return RunServerStream<ExportResponse>(ctx, executor_, [state](ExportResponse& out) {
//       return state->Next(out);  // absl::StatusOr<bool>
//     });
//   }
//
// `next` fills the next message and returns true, or returns false when the stream is
// complete (nothing is written then), or an error status that ends the call (details
// attached with AttachDetail survive). It runs on the executor, never concurrently with
// itself: the next call is queued only once the previous message was written to the
// transport. If the executor's queue is full, the call ends with RESOURCE_EXHAUSTED (a
// streaming client resumes from its last message); a cancelled call or a passed deadline
// stops before the next message is produced.
#pragma once

#include <chrono>
#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/server/executor.h"
#include "libs/server/grpc_status.h"

namespace meltingdoc::server {

template <typename Response>
class StreamReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  using Next = std::function<absl::StatusOr<bool>(Response&)>;

  StreamReactor(grpc::CallbackServerContext* context, BoundedExecutor& executor, Next next)
      : context_(context), executor_(executor), next_(std::move(next)) {}

  // At most one of {a queued Step, a write in flight} exists at any time, and Finish is
  // called only when neither does, so OnDone (which deletes this) never races a Step.
  void Start() { Schedule(); }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    Schedule();
  }

  void OnDone() override { delete this; }

 private:
  void Schedule() {
    if (!executor_.TrySubmit([this] { Step(); })) {
      this->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "server busy: too many requests queued, resume shortly"));
    }
  }

  void Step() {
    if (context_->IsCancelled()) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
      return;
    }
    if (context_->deadline() <= std::chrono::system_clock::now()) {
      this->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed"));
      return;
    }
    response_.Clear();
    absl::StatusOr<bool> more;
    try {
      more = next_(response_);
    } catch (const std::exception&) {
      // A layer let an exception escape: a bug, but never a crash of the whole service.
      more = absl::InternalError("internal error");
    }
    if (!more.ok()) {
      this->Finish(ToGrpcStatus(more.status()));
    } else if (!*more) {
      this->Finish(grpc::Status::OK);
    } else {
      this->StartWrite(&response_);
    }
  }

  grpc::CallbackServerContext* const context_;
  BoundedExecutor& executor_;
  Next next_;
  Response response_;
};

template <typename Response, typename Next>
grpc::ServerWriteReactor<Response>* RunServerStream(grpc::CallbackServerContext* context,
                                                    BoundedExecutor& executor, Next next) {
  auto* reactor = new StreamReactor<Response>(context, executor, std::move(next));
  reactor->Start();
  return reactor;
}

}  // namespace meltingdoc::server
