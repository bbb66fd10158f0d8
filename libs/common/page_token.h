// Opaque keyset page tokens. A token carries the sort key of the last row of a page, so the
// next page starts strictly after it: stable under concurrent inserts, never OFFSET.
// The encoding is private to this file; clients must treat tokens as opaque.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc {

// Longest token we accept, in characters. A longer one is INVALID_ARGUMENT.
inline constexpr size_t kMaxPageTokenLength = 1024;

// Encodes the sort-key values of the last row, tagged with `kind` so that a token from one
// list cannot be replayed against another.
std::string EncodePageToken(absl::string_view kind, const std::vector<std::string>& keys);

// Decodes a token produced by EncodePageToken for the same `kind` with `expected_keys` values.
// Any other input (garbage, truncation, another kind) is INVALID_ARGUMENT naming page_token.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view kind,
                                                         absl::string_view token,
                                                         size_t expected_keys);

}  // namespace meltingdoc
