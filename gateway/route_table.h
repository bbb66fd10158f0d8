// The gateway's routing table, built at start-up from the google.api.http annotations of the
// services' compiled descriptors: adding an annotated RPC needs no gateway code.
//
// Each HttpRule (and each of its additional_bindings) becomes a Route. Build() refuses, with
// a message naming both RPCs, two routes of the same HTTP method whose templates match exactly
// the same paths (same shape; see PathTemplate::Shape). Overlapping but different templates
// are resolved by specificity (literal > "*" > "**", verb first). It also refuses routes that
// cannot work: a variable or body naming no field, a streaming RPC, a body on GET/DELETE.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class MethodDescriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace meltingdoc::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PUT", "PATCH", "DELETE" or a custom verb
  PathTemplate path;
  // "" (no body: every field not in the path comes from the query), "*" (the whole request
  // message is the body; no query parameters) or a top-level field name.
  std::string body;
  std::string response_body;  // "" for the whole response, else a top-level field name
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;  // "/meltingdoc.identity.v1.IdentityService/GetAccount"
  std::string service;    // full service name, e.g. "meltingdoc.identity.v1.IdentityService"
  // For logs and metrics labels: "GET /v1/accounts/{account_id}".
  std::string label;
  // Whether the request message can hold a google.protobuf.FieldMask anywhere inside (the
  // transcoder then checks the mask paths it was given).
  bool request_may_hold_field_mask = false;
};

class RouteTable {
 public:
  // Routes of every method of `services` that has a google.api.http option.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  struct Lookup {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    PathTemplate::Bindings bindings;
    std::vector<std::string> allowed_methods;  // for kMethodNotAllowed (the Allow header)
  };
  // `path` without the query string.
  Lookup Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return *routes_; }

 private:
  std::shared_ptr<const std::vector<Route>> routes_;
};

// The field named by a dotted path ("book.name") in `message`, following message fields;
// by proto name or JSON name. nullptr when some part names no field.
const google::protobuf::FieldDescriptor* FindFieldPath(
    const google::protobuf::Descriptor* message, absl::string_view path,
    std::vector<const google::protobuf::FieldDescriptor*>* chain = nullptr);

}  // namespace meltingdoc::gateway
