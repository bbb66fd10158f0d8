// Validation of what clients send about themselves (pure): email addresses, names, client IP.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

inline constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit
inline constexpr int kMaxNameLength = 100;      // code points
inline constexpr int kMaxCivilityLength = 16;   // code points
inline constexpr int kMaxUserAgentLength = 200;

// OK when `email` has the shape local@domain (3-254 characters, one '@', a dot in the domain,
// no spaces or control characters); INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckEmail(absl::string_view field, absl::string_view email);

// The form under which addresses are compared and stored: surrounding spaces removed, lower
// case (addresses are case-insensitive in practice).
std::string NormalizeEmail(absl::string_view email);

// Valid UTF-8, no control characters, `min`..`max` code points after trimming.
absl::Status CheckText(absl::string_view field, absl::string_view text, int min, int max);

// The client's IP: the first address of `x-forwarded-for` when the gateway set it and it is
// trusted, else the gRPC peer ("ipv4:1.2.3.4:5678", "ipv6:[::1]:5678").
std::string ClientIp(absl::string_view forwarded_for, absl::string_view peer, bool trust_forwarded);

// Truncated to kMaxUserAgentLength code points, control characters dropped.
std::string CleanUserAgent(absl::string_view user_agent);

}  // namespace meltingdoc::identity
