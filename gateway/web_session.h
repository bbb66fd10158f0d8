// Browser sessions at the gateway: the pure parts (cookie names and attributes, cookie
// parsing, the Origin check and the double-submit CSRF token). No I/O.
//
// A browser signs in through /v1/web/sessions:login (and :verifySecondFactor, :refresh,
// :logout). The gateway calls identity and, instead of returning the tokens in the body,
// sets them as cookies JavaScript cannot read:
//   __Host-md_at    the access token      HttpOnly, until the token expires (<= 15 min)
//   __Host-md_rt    the refresh token     HttpOnly, until the refresh token expires
//   __Host-md_csrf  a random CSRF token   readable by the page's JavaScript, same lifetime
// all `Secure; Path=/; SameSite=Strict` (the __Host- prefix makes the browser refuse them
// without Secure and Path=/ or with a Domain, so a sibling subdomain cannot plant them).
//
// A request authenticated by the access cookie (no Authorization header) with an unsafe
// method must carry (1) an Origin the gateway accepts and (2) an X-CSRF-Token header equal to
// the __Host-md_csrf cookie (double submit): another site can make the browser send the
// cookies but can neither read the CSRF cookie nor set a custom header without CORS, which
// the gateway never grants.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace meltingdoc::gateway {

inline constexpr char kAccessCookie[] = "__Host-md_at";
inline constexpr char kRefreshCookie[] = "__Host-md_rt";
inline constexpr char kCsrfCookie[] = "__Host-md_csrf";
inline constexpr char kCsrfHeader[] = "x-csrf-token";  // lower case, as HttpRequest stores names

// The value of cookie `name` among `cookie_headers` (every Cookie header of the request),
// or nullopt. The first occurrence wins.
std::optional<std::string> FindCookie(const std::vector<absl::string_view>& cookie_headers,
                                      absl::string_view name);

// A Set-Cookie value: `name=value; Max-Age=<s>; Path=/; Secure; [HttpOnly; ]SameSite=Strict`.
std::string SetCookie(absl::string_view name, absl::string_view value, absl::Duration max_age, bool http_only);
// A Set-Cookie value that makes the browser forget `name` (Max-Age=0, same attributes).
std::string ClearCookie(absl::string_view name, bool http_only);

// True when `origin` (the Origin header) is allowed: one of `allowed` (exact, e.g.
// "https://meltingdoc.fr") or, when `allowed` is empty, an origin whose host[:port] is the
// request's Host header. A missing Origin or "null" is refused.
bool OriginAllowed(std::optional<absl::string_view> origin, std::optional<absl::string_view> host,
                   const std::vector<std::string>& allowed);

// 256 random bits, base64url (43 characters).
std::string NewCsrfToken();

// Constant-time comparison of the CSRF cookie and header; false when either is missing or
// not 43 characters.
bool CsrfTokenMatches(const std::optional<std::string>& cookie, std::optional<absl::string_view> header);

}  // namespace meltingdoc::gateway
