// TOTP second factor (RFC 6238 over RFC 4226 HOTP), as authenticator apps implement it:
// HMAC-SHA1 (OpenSSL), 6 digits, 30-second steps from the Unix epoch, one step of drift
// accepted either way. Replay protection: a code is accepted only for a step later than the
// last step already used (the caller stores that step). Pure: no I/O, the time is a parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace meltingdoc::identity {

inline constexpr int kTotpDigits = 6;
inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDriftSteps = 1;
// 160 bits: RFC 4226's recommended key length for HMAC-SHA1.
inline constexpr size_t kTotpSecretBytes = 20;

// RFC 4226 §5.3: HMAC-SHA1(key, counter) dynamically truncated to `digits` decimal digits,
// zero-padded.
std::string Hotp(absl::string_view key, uint64_t counter, int digits = kTotpDigits);

// The step number of time `t` (floor(unix seconds / 30)).
int64_t TotpStep(absl::Time t);

// The code for time `t`.
std::string TotpCode(absl::string_view key, absl::Time t, int digits = kTotpDigits);

// The step that `code` matches at time `now`, within one step of drift, and strictly after
// `last_used_step` (replay refused); nullopt otherwise. Constant-time comparison.
std::optional<int64_t> MatchTotp(absl::string_view key, absl::string_view code, absl::Time now,
                                 int64_t last_used_step);

// RFC 4648 base32 without padding (what authenticator apps expect), and its inverse
// (case-insensitive, spaces ignored); nullopt on any other character.
std::string Base32Encode(absl::string_view bytes);
std::optional<std::string> Base32Decode(absl::string_view text);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
// (Google Authenticator key URI format), label and issuer percent-encoded.
std::string OtpauthUri(absl::string_view issuer, absl::string_view account_name,
                       absl::string_view key);

}  // namespace meltingdoc::identity
