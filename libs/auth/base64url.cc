#include "libs/auth/base64url.h"

#include "absl/strings/escaping.h"

namespace meltingdoc::auth {

std::string Base64UrlEncode(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

bool Base64UrlDecode(absl::string_view text, std::string* bytes) {
  bytes->clear();
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  // A length of 1 mod 4 cannot come from any byte string.
  if (text.size() % 4 == 1) return false;
  if (!absl::WebSafeBase64Unescape(text, bytes)) return false;
  // Re-encoding rejects texts whose unused trailing bits are not zero.
  if (absl::WebSafeBase64Escape(*bytes) != text) {
    bytes->clear();
    return false;
  }
  return true;
}

}  // namespace meltingdoc::auth
