// HTTP request -> request message, response message -> JSON, by the route's HttpRule and
// Protobuf's JSON mapping (lowerCamelCase names out, either name in, enum names, RFC 3339
// timestamps, 64-bit integers as strings).
//
// Errors are INVALID_ARGUMENT with a google.rpc.BadRequest naming the field (an unknown field,
// a value of the wrong type, invalid UTF-8, invalid JSON), so the caller answers 400 with the
// same problem+json `errors` list a service's own validation produces.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"

namespace google::protobuf {
class Message;
}

namespace meltingdoc::gateway {

// Fills `request` (an empty message of the route's input type) from the path bindings, the
// raw query string (without '?') and the body (JSON; empty means "{}").
absl::Status BuildRequest(const Route& route, const PathTemplate::Bindings& bindings,
                          absl::string_view query, absl::string_view body,
                          google::protobuf::Message* request);

// The response (or its response_body field) as JSON. Fields with default values are
// written too (empty lists as [], zero numbers, UNSPECIFIED enums), so clients need not know
// proto3's defaults; unset message fields are omitted.
absl::StatusOr<std::string> ResponseToJson(const Route& route, const google::protobuf::Message& response);

}  // namespace meltingdoc::gateway
