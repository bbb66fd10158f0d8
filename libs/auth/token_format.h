// The access token format shared by TokenSigner (identity) and TokenVerifier (every service).
//
// A JWT (RFC 7519) signed with Ed25519 (RFC 8037, "EdDSA"):
//   header  {"alg":"EdDSA","typ":"JWT","kid":"<key id>"}
//   claims  {"iss":"meltingdoc-identity","aud":"meltingdoc","sub":"<account uuid>",
//            "sid":"<session uuid>","role":"doctor|moderator|admin",
//            "verification":"pending_email|pending_verification|verified|rejected|suspended",
//            "iat":<unix seconds>,"exp":<unix seconds>}
#pragma once

#include <cstddef>

#include "absl/time/time.h"

namespace meltingdoc::auth {

inline constexpr char kTokenAlgorithm[] = "EdDSA";
inline constexpr char kTokenIssuer[] = "meltingdoc-identity";
inline constexpr char kTokenAudience[] = "meltingdoc";

// The verification status claim, as issue #3 names it.
inline constexpr char kVerificationClaim[] = "verification";
// Its name until 2026-11-30. TokenVerifier still accepts it when `verification` is absent, for
// one release: in a rolling upgrade the verifiers (gateway, services) are upgraded before
// identity, and until identity is, every token it signs carries `vst` (a refresh would not
// help: the old identity signs the new token too); after identity, tokens it signed before
// live up to 15 minutes. TokenSigner never writes it. Remove it, and its test, in the next
// release: by then no unexpired token can carry it.
inline constexpr char kLegacyVerificationClaim[] = "vst";

// Longer tokens are rejected before any decoding; ours are about 500 characters.
inline constexpr size_t kMaxTokenLength = 4096;

// Tolerated clock difference between identity and a verifying service, for exp and iat.
inline constexpr absl::Duration kTokenClockSkew = absl::Seconds(30);

}  // namespace meltingdoc::auth
