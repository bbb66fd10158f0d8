#include "libs/server/call_observer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "libs/common/uuid.h"
#include "libs/common/json_log.h"
#include "libs/common/request_id.h"

namespace meltingdoc::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr char kRequestIdKey[] = "x-request-id";

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, MetricsRegistry* metrics)
      : method_(info->method()),
        metrics_(metrics),
        // Health probes arrive every few seconds from orchestrators; they are counted, not logged.
        quiet_(absl::StartsWith(method_, "/grpc.health.v1.")),
        start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdKey);
      if (it != metadata->end()) {
        absl::string_view id(it->second.data(), it->second.size());
        if (IsSaneRequestId(id)) request_id_ = std::string(id);
      }
      if (request_id_.empty()) request_id_ = NewUuid();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      if (request_id_.empty()) request_id_ = NewUuid();
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const absl::Duration latency = absl::Now() - start_;
      const char* code = CodeName(status.error_code());
      metrics_->RecordCall(method_, code, latency);
      if (!quiet_) {
        LogJson({{"msg", absl::string_view("call")},
                 {"method", absl::string_view(method_)},
                 {"code", absl::string_view(code)},
                 {"latency_ms", absl::ToDoubleMilliseconds(latency)},
                 {"request_id", absl::string_view(request_id_)}});
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  MetricsRegistry* const metrics_;
  const bool quiet_;
  const absl::Time start_;
  std::string request_id_;
};

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(MetricsRegistry* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info, metrics_);  // owned and deleted by gRPC
  }

 private:
  MetricsRegistry* const metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallObserverFactory(
    MetricsRegistry* metrics) {
  return std::make_unique<CallObserverFactory>(metrics);
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kRequestIdKey);
  if (it == metadata.end()) return "";
  absl::string_view id(it->second.data(), it->second.size());
  return IsSaneRequestId(id) ? std::string(id) : "";
}

}  // namespace meltingdoc::server
