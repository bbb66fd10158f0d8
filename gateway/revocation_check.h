// Refuses access tokens of revoked sessions (logout, "log out everywhere", password change,
// account deletion) at the gateway, within `live_cache` of the revocation.
//
// Sources, in order:
//   1. what this gateway saw itself: a Logout or RevokeSession it forwarded successfully marks
//      the session revoked at once (kept `remember_revoked`, longer than any access token);
//   2. a recent "live" answer for the session (at most `live_cache` old), so a busy client
//      costs one Redis read per `live_cache`, not one per request;
//   3. identity's Redis mirror (libs/auth/revocation_keys.h): `MGET ready <sid>`, on a small
//      bounded executor (hiredis blocks; never on an I/O thread);
//   4. when the mirror cannot answer (Redis down or slow, the ready marker missing after a
//      Redis restart, executor full): `probe`, which asks identity (whose own check falls
//      back to PostgreSQL). Its answer is cached like the mirror's.
// If identity cannot answer either, the verdict is kUnknown and the gateway refuses the
// request (503): fail closed, because a revoked session is typically a stolen laptop or a
// changed password, and the network's content is confidential.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::gateway {

enum class SessionState { kLive, kRevoked, kUnknown };

class RevocationChecker {
 public:
  // Asks identity whether the session of `token` is live; calls `done` once, from any thread.
  using Probe = std::function<void(const std::string& token, const std::string& account_id,
                                   std::function<void(SessionState)> done)>;
  struct Options {
    absl::Duration live_cache = absl::Seconds(1);
    absl::Duration remember_revoked = absl::Minutes(20);  // > access-token lifetime + skew
    int threads = 2;
    size_t max_remembered = 100000;  // per map; the live map is emptied when full
  };
  // `clock` must outlive the checker.
  RevocationChecker(Options options, redis::RedisOptions redis, Probe probe, const Clock* clock);
  ~RevocationChecker();

  // The verdict for `principal`'s session; `done` runs once, inline when memory answers,
  // else on an executor or gRPC thread.
  void Check(const auth::Principal& principal, const std::string& token, std::function<void(SessionState)> done);

  // This gateway saw the session revoked (a successful Logout / RevokeSession).
  void MarkRevoked(const std::string& session_id);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace meltingdoc::gateway
