// INVALID_ARGUMENT with a google.rpc.BadRequest naming the field, so that the gateway can
// build its problem+json `errors` list and a client can point at the right input.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::server {

struct FieldViolation {
  std::string field;        // proto field path, e.g. "account_id" or "body.question"
  std::string description;  // what is wrong and the limit, e.g. "at most 200 characters"
};

// One or more violations; the status message lists them too (for grpcurl users).
absl::Status InvalidArgument(const std::vector<FieldViolation>& violations);
absl::Status InvalidField(absl::string_view field, absl::string_view description);

}  // namespace meltingdoc::server
