// absl::Status -> grpc::Status, keeping error details.
//
// Services attach google.rpc error details (BadRequest, ErrorInfo, ...) to an absl::Status as
// payloads keyed by their type URL (see AttachDetail). The conversion packs them into a
// google.rpc.Status in the `grpc-status-details-bin` trailer, where the gateway and any gRPC
// client find them.
#pragma once

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace meltingdoc::server {

// Adds `detail` (e.g. a google::rpc::BadRequest) to `status` as a payload.
void AttachDetail(absl::Status& status, const google::protobuf::Message& detail);

grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients of other services: keeps code, message and detail payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace meltingdoc::server
