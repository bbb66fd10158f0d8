// Verifies access tokens (see token_format.h) in every service, so that a request that
// bypasses the gateway is still checked.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/key_set.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"

namespace meltingdoc::auth {

class TokenVerifier {
 public:
  // `keys` and `clock` must outlive the verifier. Thread-safe (no mutable state).
  TokenVerifier(const KeySet* keys, const Clock* clock);

  // The token's principal, or UNAUTHENTICATED "invalid access token: <short reason>" when it
  // is too long, malformed, signed by an unknown key, badly signed, not EdDSA, for another
  // issuer or audience, expired (beyond kTokenClockSkew), issued in the future (beyond the
  // skew), or has a missing or invalid claim. The signature is checked before the claims are
  // parsed. The message never contains any part of the token. Revocation (session id) is the
  // caller's business.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

 private:
  const KeySet* keys_;
  const Clock* clock_;
};

}  // namespace meltingdoc::auth
