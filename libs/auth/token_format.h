// The access token format shared by TokenSigner (identity) and TokenVerifier (every service).
//
// A JWT (RFC 7519) signed with Ed25519 (RFC 8037, "EdDSA"):
//   header  {"alg":"EdDSA","typ":"JWT","kid":"<key id>"}
//   claims  {"iss":"meltingdoc-identity","aud":"meltingdoc","sub":"<account uuid>",
//            "sid":"<session uuid>","role":"doctor|moderator|admin",
//            "vst":"pending_email|pending_verification|verified|rejected|suspended",
//            "iat":<unix seconds>,"exp":<unix seconds>}
#pragma once

#include <cstddef>

#include "absl/time/time.h"

namespace meltingdoc::auth {

inline constexpr char kTokenAlgorithm[] = "EdDSA";
inline constexpr char kTokenIssuer[] = "meltingdoc-identity";
inline constexpr char kTokenAudience[] = "meltingdoc";

// Longer tokens are rejected before any decoding; ours are about 500 characters.
inline constexpr size_t kMaxTokenLength = 4096;

// Tolerated clock difference between identity and a verifying service, for exp and iat.
inline constexpr absl::Duration kTokenClockSkew = absl::Seconds(30);

}  // namespace meltingdoc::auth
