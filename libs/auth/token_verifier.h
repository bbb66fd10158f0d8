// Verifies access tokens (see token_format.h) in every service, so that a request that
// bypasses the gateway is still checked.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "libs/auth/key_set.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"

namespace meltingdoc::auth {

// Whether the session of a verified token is still live (not logged out, revoked, suspended).
// The services' implementation is libs/sessions' SessionGuard (identity's Redis mirror, then
// identity itself); runtime::Authenticate applies it after the signature check.
class SessionCheck {
 public:
  virtual ~SessionCheck() = default;
  // OK when live; UNAUTHENTICATED when the session has ended; UNAVAILABLE when nobody can say.
  virtual absl::Status CheckLive(const Principal& principal, absl::string_view token) const = 0;
};

class TokenVerifier {
 public:
  // `keys` and `clock` must outlive the verifier; `keys` must not change while it lives (a
  // new key set needs a new verifier). Thread-safe.
  TokenVerifier(const KeySet* keys, const Clock* clock);

  // The token's principal, or UNAUTHENTICATED "invalid access token: <short reason>" when it
  // is too long, malformed, signed by an unknown key, badly signed, not EdDSA, for another
  // issuer or audience, expired (beyond kTokenClockSkew), issued in the future (beyond the
  // skew), or has a missing or invalid claim. The signature is checked before the claims are
  // parsed. The message never contains any part of the token. Revocation (session id) is the
  // caller's business.
  //
  // Verified tokens are remembered (exact token text -> principal) and accepted again without
  // the Ed25519 check and the claims' JSON parsing until they expire (the same limit, skew
  // included), at most kMaxRemembered of them, forgotten all at once when full. A client
  // presents the same token for up to 15 minutes, and the check was most of a service's CPU
  // per call (bench/README.md, "load"). A token never seen verified is always checked.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  static constexpr size_t kMaxRemembered = 10000;

  // The session check runtime::Authenticate applies after Verify (null: none, the signature
  // alone decides, as in unit tests). Set once, before any call; `check` must outlive this.
  void set_session_check(const SessionCheck* check) { session_check_ = check; }
  const SessionCheck* session_check() const { return session_check_; }

 private:
  absl::StatusOr<Principal> VerifyUncached(absl::string_view token) const;

  const KeySet* keys_;
  const Clock* clock_;
  const SessionCheck* session_check_ = nullptr;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Principal> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meltingdoc::auth
