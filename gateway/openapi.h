// /openapi.json, generated at start-up from the route table and the message descriptors
// (OpenAPI 3.1). Descriptions are the proto comments, taken from a descriptor set compiled
// with source info and embedded in the binary (the generated pool carries no comments).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "gateway/route_table.h"

namespace meltingdoc::gateway {

absl::StatusOr<std::string> BuildOpenApi(const RouteTable& routes);

}  // namespace meltingdoc::gateway
