#include "libs/sessions/revocation_check.h"

#include "absl/synchronization/notification.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/synchronization/mutex.h"
#include "libs/auth/revocation_keys.h"
#include "libs/server/executor.h"

namespace meltingdoc::sessions {

struct RevocationChecker::Impl : std::enable_shared_from_this<Impl> {
  Options options;
  Probe probe;
  const Clock* clock;
  server::BoundedExecutor executor;
  absl::Mutex mu;
  std::vector<std::unique_ptr<redis::RedisClient>> idle ABSL_GUARDED_BY(mu);         // the executor's
  std::vector<std::unique_ptr<redis::RedisClient>> inline_idle ABSL_GUARDED_BY(mu);  // CheckNow's
  // session id -> until when the answer holds
  absl::flat_hash_map<std::string, absl::Time> revoked ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, absl::Time> live ABSL_GUARDED_BY(mu);

  Impl(Options o, const redis::RedisOptions& r, Probe p, const Clock* c)
      : options(o), probe(std::move(p)), clock(c), executor(o.threads, /*max_queue=*/1024) {
    for (int i = 0; i < o.threads; ++i) idle.push_back(std::make_unique<redis::RedisClient>(r));
    for (int i = 0; i < o.inline_clients; ++i) inline_idle.push_back(std::make_unique<redis::RedisClient>(r));
  }

  std::optional<SessionState> FromMemory(const std::string& sid) {
    const absl::Time now = clock->Now();
    absl::MutexLock lock(&mu);
    if (auto it = revoked.find(sid); it != revoked.end()) {
      if (it->second > now) return SessionState::kRevoked;
      revoked.erase(it);
    }
    if (auto it = live.find(sid); it != live.end()) {
      if (it->second > now) return SessionState::kLive;
      live.erase(it);
    }
    return std::nullopt;
  }

  void Remember(const std::string& sid, SessionState state) {
    const absl::Time now = clock->Now();
    absl::MutexLock lock(&mu);
    if (state == SessionState::kRevoked) {
      if (revoked.size() >= options.max_remembered) {
        absl::erase_if(revoked, [now](const auto& kv) { return kv.second <= now; });
        if (revoked.size() >= options.max_remembered) revoked.clear();  // Redis still knows them
      }
      revoked[sid] = now + options.remember_revoked;
      live.erase(sid);
    } else if (state == SessionState::kLive && options.live_cache > absl::ZeroDuration()) {
      if (live.size() >= options.max_remembered) live.clear();
      live[sid] = now + options.live_cache;
    }
  }

  // true/false from a complete mirror, nullopt when it cannot answer.
  static std::optional<bool> AskRedisWith(redis::RedisClient& client, const std::string& sid) {
    auto reply = client.Command({"MGET", auth::kRevokedReadyKey, absl::StrCat(auth::kRevokedKeyPrefix, sid)});
    if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != 2 ||
        reply->elements[0].type == redis::RedisReply::Type::kNil) {
      return std::nullopt;
    }
    return reply->elements[1].type != redis::RedisReply::Type::kNil;
  }

  // On an executor thread: each thread has a client of `idle`.
  std::optional<bool> AskRedis(const std::string& sid) {
    std::unique_ptr<redis::RedisClient> client;
    {
      absl::MutexLock lock(&mu);
      client = std::move(idle.back());
      idle.pop_back();
    }
    std::optional<bool> revoked = AskRedisWith(*client, sid);
    absl::MutexLock lock(&mu);
    idle.push_back(std::move(client));
    return revoked;
  }

  // On the caller's thread with an idle client of `inline_idle`; no answer (the outer
  // optional empty) when none is idle.
  std::optional<std::optional<bool>> AskRedisInline(const std::string& sid) {
    std::unique_ptr<redis::RedisClient> client;
    {
      absl::MutexLock lock(&mu);
      if (inline_idle.empty()) return std::nullopt;
      client = std::move(inline_idle.back());
      inline_idle.pop_back();
    }
    std::optional<bool> revoked = AskRedisWith(*client, sid);
    absl::MutexLock lock(&mu);
    inline_idle.push_back(std::move(client));
    return revoked;
  }

  void AskIdentity(const std::string& sid, const std::string& token, const std::string& account,
                   std::shared_ptr<std::function<void(SessionState)>> done) {
    probe(token, account, [self = shared_from_this(), sid, done](SessionState state) {
      self->Remember(sid, state);
      (*done)(state);
    });
  }
};

RevocationChecker::RevocationChecker(Options options, redis::RedisOptions redis, Probe probe, const Clock* clock)
    : impl_(std::make_shared<Impl>(options, redis, std::move(probe), clock)) {}

RevocationChecker::~RevocationChecker() { impl_->executor.Stop(); }

void RevocationChecker::Check(const auth::Principal& principal, const std::string& token,
                              std::function<void(SessionState)> done) {
  const std::string& sid = principal.session_id;
  if (auto known = impl_->FromMemory(sid)) return done(*known);
  auto shared_done = std::make_shared<std::function<void(SessionState)>>(std::move(done));
  std::shared_ptr<Impl> impl = impl_;
  const std::string account = principal.account_id;
  const absl::Time queued = absl::Now();
  if (!impl->executor.TrySubmit([impl, sid, token, account, shared_done, queued] {
        if (absl::Now() - queued > impl->options.max_queue_wait) return impl->AskIdentity(sid, token, account, shared_done);
        std::optional<bool> revoked = impl->AskRedis(sid);
        if (!revoked.has_value()) return impl->AskIdentity(sid, token, account, shared_done);
        const SessionState state = *revoked ? SessionState::kRevoked : SessionState::kLive;
        impl->Remember(sid, state);
        (*shared_done)(state);
      })) {
    impl->AskIdentity(sid, token, account, shared_done);
  }
}

SessionState RevocationChecker::CheckNow(const auth::Principal& principal, const std::string& token) {
  const std::string& sid = principal.session_id;
  if (auto known = impl_->FromMemory(sid)) return *known;
  struct Verdict {
    absl::Notification ready;
    SessionState state = SessionState::kUnknown;
  };
  auto verdict = std::make_shared<Verdict>();
  auto done = [verdict](SessionState state) {
    verdict->state = state;
    verdict->ready.Notify();
  };
  // The mirror read on this thread saves two thread wake-ups per read (bench/README.md).
  if (std::optional<std::optional<bool>> asked = impl_->AskRedisInline(sid); asked.has_value()) {
    if (asked->has_value()) {
      const SessionState state = **asked ? SessionState::kRevoked : SessionState::kLive;
      impl_->Remember(sid, state);
      return state;
    }
    impl_->AskIdentity(sid, token, principal.account_id,
                       std::make_shared<std::function<void(SessionState)>>(std::move(done)));
  } else {
    Check(principal, token, std::move(done));
  }
  verdict->ready.WaitForNotification();
  return verdict->state;
}

void RevocationChecker::MarkRevoked(const std::string& session_id) {
  impl_->Remember(session_id, SessionState::kRevoked);
}

SessionState SessionStateOfIdentityAnswer(grpc::StatusCode code) {
  switch (code) {
    // Authenticated: the session is live (NOT_FOUND: a token of no stored account, which
    // only tests make).
    case grpc::StatusCode::OK:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::PERMISSION_DENIED:
      return SessionState::kLive;
    case grpc::StatusCode::UNAUTHENTICATED:
      return SessionState::kRevoked;
    default:
      return SessionState::kUnknown;
  }
}

RevocationChecker::Probe IdentityProbe(GetAccountCaller call_identity, absl::Duration deadline) {
  return [call_identity = std::move(call_identity), deadline](const std::string& token, const std::string& account_id,
                                                              std::function<void(SessionState)> done) {
    struct Call {
      grpc::ClientContext context;
      identity::v1::GetAccountRequest request;
      identity::v1::GetAccountResponse response;
    };
    auto call = std::make_shared<Call>();
    call->request.set_account_id(account_id);
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    call->context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    call_identity(&call->context, &call->request, &call->response,
                  [call, done = std::move(done)](grpc::Status status) {
                    done(SessionStateOfIdentityAnswer(status.error_code()));
                  });
  };
}

RevocationChecker::Probe IdentityChannelProbe(std::shared_ptr<grpc::Channel> identity, absl::Duration deadline) {
  std::shared_ptr<identity::v1::IdentityService::Stub> stub = identity::v1::IdentityService::NewStub(identity);
  return IdentityProbe(
      [stub](grpc::ClientContext* context, const identity::v1::GetAccountRequest* request,
             identity::v1::GetAccountResponse* response, std::function<void(grpc::Status)> done) {
        stub->async()->GetAccount(context, request, response,
                                  [stub, done = std::move(done)](grpc::Status status) { done(status); });
      },
      deadline);
}

absl::Status SessionGuard::CheckLive(const auth::Principal& principal, absl::string_view token) const {
  switch (checker_->CheckNow(principal, std::string(token))) {
    case SessionState::kLive:
      return absl::OkStatus();
    case SessionState::kRevoked:
      return absl::UnauthenticatedError("this session has ended (signed out or revoked): sign in again");
    case SessionState::kUnknown:
      break;
  }
  return absl::UnavailableError("the session cannot be checked for a moment: try again shortly");
}

}  // namespace meltingdoc::sessions
