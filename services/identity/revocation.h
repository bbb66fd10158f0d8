// The Redis mirror of revoked sessions, for fast checks on every authenticated call.
//
// PostgreSQL (identity.revoked_sessions) is the truth: a revocation is committed there first
// and survives anything that happens to Redis. The mirror is one key per revoked session,
//   meltingdoc:revoked:<session uuid>   expiring when no access token of that session can
//                                       still be valid (access-token lifetime + clock skew)
// plus a marker key `meltingdoc:revoked:ready` that exists only while the mirror is complete.
// A Redis that restarted empty has no marker, so checkers fall back to PostgreSQL until the
// resync loop has reloaded the recent revocations and set the marker again. When this process
// fails to write a revocation to Redis, it stops trusting the mirror (and the next resync
// deletes the marker first), so a lost write cannot hide a revocation.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/revocation_keys.h"
#include "libs/common/clock.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::identity {

// The key names are shared with the other readers of the mirror (the gateway).
using auth::kRevokedKeyPrefix;
using auth::kRevokedReadyKey;

struct RevokedSession {
  std::string session_id;
  absl::Time revoked_at;
};

class RevocationMirror {
 public:
  // `keep`: how long after its revocation a session must stay in the mirror.
  RevocationMirror(redis::RedisClient* redis, absl::Duration keep, const Clock* clock)
      : redis_(redis), keep_(keep), clock_(clock) {}

  // Mirrors committed revocations. Failures are not errors for the caller (PostgreSQL has the
  // revocation): the mirror is marked untrusted until the next successful resync. Returns
  // whether Redis has them (a process with no resync loop, the CLI, acts on false).
  bool Add(const std::vector<RevokedSession>& revoked);

  // true/false from a complete mirror; nullopt when the mirror cannot answer (Redis down, not
  // yet synced, or a write was lost): the caller asks PostgreSQL.
  std::optional<bool> IsRevoked(const std::string& session_id);

  // Brings the mirror up to date when needed: `load(since)` returns the revocations committed
  // since that time. OK when the mirror is complete afterwards.
  absl::Status Resync(
      const std::function<absl::StatusOr<std::vector<RevokedSession>>(absl::Time since)>& load);

  bool trusted() const { return !dirty_.load(); }
  absl::Duration keep() const { return keep_; }

 private:
  absl::Status Write(const std::vector<RevokedSession>& revoked);

  redis::RedisClient* const redis_;
  const absl::Duration keep_;
  const Clock* const clock_;
  // True until a resync succeeded, and again after any failed write.
  std::atomic<bool> dirty_{true};
  // Set by a write failure, so that the next resync deletes the shared marker first.
  std::atomic<bool> lost_write_{false};
};

}  // namespace meltingdoc::identity
