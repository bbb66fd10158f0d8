// Refuses access tokens of revoked sessions (logout, "log out everywhere", password change,
// refresh-token reuse, demotion, suspension, account deletion) in every process that accepts
// them: the gateway (asynchronously, gateway.cc) and profiles, discussions and search
// (runtime::Authenticate through SessionGuard below, on the handler's executor thread). One
// implementation, so that both apply the same rules, within `live_cache` of the revocation.
// (identity checks its own mirror and PostgreSQL itself, services/identity/revocation.h.)
//
// Sources, in order:
//   1. what this process saw itself: a Logout or RevokeSession the gateway forwarded
//      successfully marks the session revoked at once, as does any revoked answer below
//      (kept `remember_revoked`, longer than any access token);
//   2. a recent "live" answer for the session (at most `live_cache` old), so a busy client
//      costs one Redis read per `live_cache`, not one per request;
//   3. identity's Redis mirror (libs/auth/revocation_keys.h): `MGET ready <sid>`, on a small
//      bounded executor (hiredis blocks; never on an I/O thread);
//   4. when the mirror cannot answer (Redis down or slow, the ready marker missing after a
//      Redis restart, executor full, queued over max_queue_wait): `probe`, which asks
//      identity (whose own check falls back to PostgreSQL). Its answer is cached like the
//      mirror's.
// If identity cannot answer either, the verdict is kUnknown and the request is refused (the
// gateway: 503; a service: UNAVAILABLE): fail closed, because a revoked session is typically
// a stolen laptop or a changed password, and the network's content is confidential.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/identity/v1/identity_service.pb.h"

namespace meltingdoc::sessions {

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
    // A check queued longer than this behind a slow Redis asks `probe` instead, as when the
    // executor is full: the wait a check adds to a request is bounded.
    absl::Duration max_queue_wait = absl::Seconds(1);
    // Redis clients CheckNow uses on the caller's own thread (no hop to the executor); when
    // all are busy it takes the executor's path.
    int inline_clients = 4;
    size_t max_remembered = 100000;  // per map; the live map is emptied when full
  };
  // `clock` must outlive the checker.
  RevocationChecker(Options options, redis::RedisOptions redis, Probe probe, const Clock* clock);
  ~RevocationChecker();

  // The verdict for `principal`'s session; `done` runs once, inline when memory answers,
  // else on an executor or gRPC thread.
  void Check(const auth::Principal& principal, const std::string& token, std::function<void(SessionState)> done);

  // The same, blocking until the verdict (at most the Redis command timeout plus the probe's
  // deadline): for a handler running on an executor thread, never an I/O or gRPC thread.
  // Reads the mirror on the calling thread when one of `inline_clients` is idle.
  SessionState CheckNow(const auth::Principal& principal, const std::string& token);

  // This process saw the session revoked (a successful Logout / RevokeSession).
  void MarkRevoked(const std::string& session_id);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// What identity's answer to GetAccount with the caller's own token says about the session:
// any answer of an authenticated call (OK, NOT_FOUND, PERMISSION_DENIED) means live,
// UNAUTHENTICATED revoked (or the account suspended or deleted), anything else unknown.
SessionState SessionStateOfIdentityAnswer(grpc::StatusCode code);

// Starts identity's GetAccount; `done` runs once, on a gRPC thread. `context`, `request`
// and `response` live until then.
using GetAccountCaller = std::function<void(grpc::ClientContext* context, const identity::v1::GetAccountRequest* request,
                                            identity::v1::GetAccountResponse* response,
                                            std::function<void(grpc::Status)> done)>;

// The probe: GetAccount of the token's own account with the token, within `deadline`,
// through `call` (the gateway passes its backend channels, with their rolling-restart
// handling).
RevocationChecker::Probe IdentityProbe(GetAccountCaller call, absl::Duration deadline);

// IdentityProbe over a channel to identity: what the services use.
RevocationChecker::Probe IdentityChannelProbe(std::shared_ptr<grpc::Channel> identity, absl::Duration deadline);

// auth::SessionCheck over a RevocationChecker, for TokenVerifier::set_session_check: kLive is
// OK, kRevoked UNAUTHENTICATED, kUnknown UNAVAILABLE (the caller may retry).
class SessionGuard : public auth::SessionCheck {
 public:
  explicit SessionGuard(RevocationChecker* checker) : checker_(checker) {}
  absl::Status CheckLive(const auth::Principal& principal, absl::string_view token) const override;

 private:
  RevocationChecker* const checker_;
};

}  // namespace meltingdoc::sessions
