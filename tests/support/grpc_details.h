// The google.rpc details a service attaches to a gRPC status (libs/server/grpc_status.h), read
// back by tests.
#pragma once

#include <cstdint>
#include <string>

#include "grpcpp/support/status.h"

namespace meltingdoc::testing {

// The google.rpc.ErrorInfo reason of `status` ("" when it has none).
std::string ErrorInfoReason(const grpc::Status& status);

// The google.rpc.RetryInfo delay of `status`, in whole seconds (-1 when it has none).
int64_t RetryInfoSeconds(const grpc::Status& status);

}  // namespace meltingdoc::testing
