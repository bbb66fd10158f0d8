#include "gateway/web_session.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"
#include "libs/auth/sodium_init.h"

namespace meltingdoc::gateway {
namespace {
constexpr size_t kCsrfTokenLength = 43;  // 32 bytes, base64url unpadded
}  // namespace

std::optional<std::string> FindCookie(const std::vector<absl::string_view>& cookie_headers,
                                      absl::string_view name) {
  for (absl::string_view header : cookie_headers) {
    for (absl::string_view pair : absl::StrSplit(header, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      const size_t eq = pair.find('=');
      if (eq == absl::string_view::npos || pair.substr(0, eq) != name) continue;
      absl::string_view value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string SetCookie(absl::string_view name, absl::string_view value, absl::Duration max_age, bool http_only) {
  const int64_t seconds = std::max<int64_t>(0, absl::ToInt64Seconds(max_age));
  return absl::StrCat(name, "=", value, "; Max-Age=", seconds, "; Path=/; Secure; ", http_only ? "HttpOnly; " : "",
                      "SameSite=Strict");
}

std::string ClearCookie(absl::string_view name, bool http_only) {
  return SetCookie(name, "", absl::ZeroDuration(), http_only);
}

bool OriginAllowed(std::optional<absl::string_view> origin, std::optional<absl::string_view> host,
                   const std::vector<std::string>& allowed) {
  if (!origin.has_value() || origin->empty() || *origin == "null") return false;
  if (!allowed.empty()) {
    for (const std::string& a : allowed) {
      if (absl::EqualsIgnoreCase(a, *origin)) return true;
    }
    return false;
  }
  if (!host.has_value() || host->empty()) return false;
  const size_t scheme_end = origin->find("://");
  if (scheme_end == absl::string_view::npos) return false;
  const absl::string_view scheme = origin->substr(0, scheme_end);
  if (!absl::EqualsIgnoreCase(scheme, "https") && !absl::EqualsIgnoreCase(scheme, "http")) return false;
  return absl::EqualsIgnoreCase(origin->substr(scheme_end + 3), absl::StripAsciiWhitespace(*host));
}

std::string NewCsrfToken() {
  auth::EnsureSodiumInitialized();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return auth::Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool CsrfTokenMatches(const std::optional<std::string>& cookie, std::optional<absl::string_view> header) {
  if (!cookie.has_value() || !header.has_value()) return false;
  if (cookie->size() != kCsrfTokenLength || header->size() != kCsrfTokenLength) return false;
  return sodium_memcmp(cookie->data(), header->data(), kCsrfTokenLength) == 0;
}

}  // namespace meltingdoc::gateway
