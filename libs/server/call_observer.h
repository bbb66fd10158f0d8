// A server interceptor that observes every call: one JSON log line (method, code, latency,
// request id — never message content), and the call metrics. It also gives every call a
// request id: the client's `x-request-id` when it is sane, else a new UUID, echoed back in
// the response's initial metadata so a doctor's bug report can be traced across services.
#pragma once

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "libs/server/metrics.h"

namespace meltingdoc::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallObserverFactory(
    MetricsRegistry* metrics);

// The request id of the current call, as chosen by the interceptor (for handlers that call
// other services and want to pass it on). Empty if the metadata has none.
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace meltingdoc::server
