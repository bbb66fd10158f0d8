// Strict, unpadded base64url (RFC 4648 §5), as JWTs use it.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace meltingdoc::auth {

std::string Base64UrlEncode(absl::string_view bytes);

// Decodes only the canonical unpadded encoding: no padding, no whitespace, no non-zero
// trailing bits. One byte string has exactly one accepted text, so a token cannot be altered
// into another string that still verifies.
bool Base64UrlDecode(absl::string_view text, std::string* bytes);

}  // namespace meltingdoc::auth
