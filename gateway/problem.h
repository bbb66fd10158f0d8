// RFC 9457 problem details: every non-2xx answer of the gateway is
// `application/problem+json` with `type`, `title`, `status`, `detail`, `instance` (the request
// id), the gRPC `code` name, and `errors` built from google.rpc.BadRequest field violations
// (this is how the editor shows the patient-data guard's findings).
//
// Status mapping is the table Envoy and grpc-gateway share (DESIGN.md). For server-side
// failures (500, 503, 504) the detail is a fixed sentence: a backend's message may carry an
// internal address or a database error, which never reaches a client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::gateway {

int HttpStatusForCode(absl::StatusCode code);

struct ProblemFieldError {
  std::string field;
  std::string description;
};

struct Problem {
  int status = 500;
  std::string type;    // a URI: "urn:meltingdoc:problem:<slug>"
  std::string title;   // short, the same for every occurrence of the type
  std::string detail;  // this occurrence
  std::string instance;
  std::string code;    // gRPC code name, e.g. "INVALID_ARGUMENT"
  std::string reason;  // google.rpc.ErrorInfo reason, when the service gave one
  int64_t retry_after_seconds = 0;  // google.rpc.RetryInfo of a 429 (Retry-After), 0: none
  std::vector<ProblemFieldError> errors;
};

// A problem for a status from a service or from the gateway's own checks (with BadRequest /
// ErrorInfo payloads keyed by type URL, as server::FromGrpcStatus leaves them).
Problem ProblemFromStatus(const absl::Status& status, absl::string_view request_id);

// A problem the gateway raises itself (404 unknown path, 405, 413, 415, ...): `slug` becomes
// the type, the title is the HTTP reason phrase.
Problem GatewayProblem(int http_status, absl::string_view slug, absl::string_view detail,
                       absl::string_view request_id);

std::string ProblemJson(const Problem& problem);

// "Not Found" for 404, etc. ("Error" for unknown codes).
absl::string_view HttpReasonPhrase(int status);

}  // namespace meltingdoc::gateway
