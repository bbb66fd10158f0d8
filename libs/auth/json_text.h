// Minimal JSON writing for token headers and claims: deterministic member order and exact
// integers, which a generic Struct serializer (doubles, map order) does not give.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace meltingdoc::auth {

// `value` as a JSON string literal, with quotes and escapes (RFC 8259 §7).
std::string JsonQuote(absl::string_view value);

}  // namespace meltingdoc::auth
