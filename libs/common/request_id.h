// Request ids travel from the HTTP client through the gateway to every service (x-request-id)
// and appear in every log line, so a doctor's bug report can be traced across processes.
#pragma once

#include "absl/strings/string_view.h"

namespace meltingdoc {

// A client-chosen id is kept only if it is short and plain (1-64 characters from
// [A-Za-z0-9._-]), so it is safe in logs and headers; otherwise callers make a new UUID.
bool IsSaneRequestId(absl::string_view id);

}  // namespace meltingdoc
