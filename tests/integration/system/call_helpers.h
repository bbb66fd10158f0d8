// Small helpers shared by the system tests: authenticated client contexts and field-violation
// extraction from error details.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/client_context.h"

namespace meltingdoc::testing {

inline std::unique_ptr<grpc::ClientContext> CallAs(const std::string& token,
                                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

// The fields named by a google.rpc.BadRequest in the status details, comma-separated.
inline std::string ViolatedFields(const grpc::Status& status) {
  google::rpc::Status rich;
  std::string fields;
  if (!rich.ParseFromString(status.error_details())) return fields;
  for (const auto& any : rich.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) fields += (fields.empty() ? "" : ",") + v.field();
    }
  }
  return fields;
}

}  // namespace meltingdoc::testing
