// Random secrets handed to users (refresh tokens, email codes, recovery codes, login
// challenges) and the hashes under which they are stored: the database never holds one in
// clear. These secrets have enough entropy (or are short-lived with few attempts) that a fast
// keyed hash is enough; passwords use argon2id instead (password_hasher.h).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

// 256 random bits, base64url without padding: 43 characters.
std::string NewOpaqueToken();
inline constexpr size_t kOpaqueTokenLength = 43;

// SHA-256 of a token with a purpose tag ("refresh", "challenge", ...), 32 raw bytes, so that
// a hash of one kind is never accepted as another.
std::string SecretHash(absl::string_view purpose, absl::string_view secret);

// Six decimal digits, uniformly random, zero-padded.
std::string NewEmailCode();

// Recovery codes: 10 characters from a 31-letter alphabet without look-alikes (49 bits),
// shown as "xxxxx-xxxxx".
std::vector<std::string> NewRecoveryCodes(int count);
// Lower case, dashes and spaces removed: what SecretHash("recovery", ...) is taken of.
std::string NormalizeRecoveryCode(absl::string_view code);

// True when a and b are equal, in time that depends only on their lengths.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace meltingdoc::identity
