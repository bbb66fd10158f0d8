// Verifies access tokens at the edge, with the same TokenVerifier every service uses, so that
// a bad token is refused (401) before any backend work. The services verify again: the
// gateway's check is an early answer, not the security boundary.
//
// Keys come from --public_keys_file (identity's published keys). A token signed by a key id
// the gateway does not know makes it re-read the file (at most once per `reload_interval`),
// so a key rotation needs no restart. An empty path means no key: every token is refused.
//
// Verified tokens are remembered by the TokenVerifier (exact token text -> principal, until
// the token expires; at most 10,000), so a client's next requests skip the Ed25519 check; a
// key reload makes a new verifier, which remembers nothing. A token never seen verified is
// always checked.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"

namespace meltingdoc::gateway {

class BearerAuth {
 public:
  // Loads the key file now (a missing or malformed file is an error: the gateway does not
  // start with keys it cannot read). `clock` must outlive the object.
  static absl::StatusOr<std::unique_ptr<BearerAuth>> Create(std::string public_keys_file,
                                                            const Clock* clock,
                                                            absl::Duration reload_interval = absl::Seconds(10));
  ~BearerAuth();

  // The token from an Authorization header value: "Bearer <token>" (scheme case-insensitive).
  // UNAUTHENTICATED for another scheme or an empty token.
  static absl::StatusOr<absl::string_view> TokenFromHeader(absl::string_view authorization);

  // The principal, or UNAUTHENTICATED with a short reason that never quotes the token.
  absl::StatusOr<auth::Principal> Verify(absl::string_view token);

 private:
  struct Keys;
  BearerAuth(std::string path, const Clock* clock, absl::Duration reload_interval);
  std::shared_ptr<const Keys> CurrentKeys();
  void MaybeReload();

  const std::string path_;
  const Clock* clock_;
  const absl::Duration reload_interval_;
  absl::Mutex mu_;
  std::shared_ptr<const Keys> keys_ ABSL_GUARDED_BY(mu_);
  absl::Time last_load_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meltingdoc::gateway
