// Rate limits shared by every gateway instance through Redis, GCRA (the generic cell rate
// algorithm), per client IP and per account.
//
// Two classes: kDefault for every route, kStrict for routes whose RPC name matches one of
// --strict_methods (login, registration, verification, code entry). Each class has a limit
// per client IP and one per account (when the caller is authenticated); a request passes only
// if every applicable limit passes, and only then is it counted.
//
// Strict routes are decided exactly, per request, by one Lua script in Redis (one round trip,
// from a small bounded executor: hiredis blocks, never an I/O thread). When Redis cannot
// answer (down, slow past the command timeout), they are limited by the same GCRA in this
// process's memory (LocalRateCounters): logins keep working while Redis is away, and password
// or code guessing stays throttled — per gateway instance, so N instances allow up to N times
// the limit until Redis is back (identity's own per-address throttle, kept in PostgreSQL while
// Redis is down, still applies). Failing closed, as this gateway first did, stopped every
// login whenever Redis restarted (found by tests/chaos). If the executor is full, 503; a check
// queued longer than max_queue_wait (a slow Redis) uses this process's counters.
//
// Default routes (everything else: reads, posts) are decided in this process, on the calling
// thread, against a mirror of Redis's counters (RateMirror), and their counts are written to
// Redis behind, by one background thread, in one script call per `sync_interval` for every
// key counted meanwhile; each reply brings back Redis's counter of every key sent, which
// includes what the other instances counted. No request waits for Redis (at one request in
// flight the per-request round trip plus its executor hop cost ~160 us p50). Exactness: one
// instance alone decides exactly as the per-request script would (its mirror holds every
// count it made); with N instances, an instance learns the others' counts of a key only when
// it next writes that key, so a key can get past its limit by at most what the instances
// other than the one that counted last admit for it in one sync window (`sync_interval` + a
// Redis round trip, ~10 ms), each time they had not written it for a while — a few requests,
// never a sustained excess (every admitted request is written, and debts refuse further
// requests everywhere once known). When Redis cannot answer, default routes pass (fail open:
// reads keep working) until a write succeeds again; those counts are not kept.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::gateway {

struct RateLimit {
  int64_t count = 0;  // requests per period, also the burst; 0: unlimited
  absl::Duration period = absl::Minutes(1);
};

// "600/1m", "10/30s", "0" (unlimited).
absl::StatusOr<RateLimit> ParseRateLimit(absl::string_view text);

enum class RateClass { kDefault, kStrict };

// kStrict when the lower-cased method name contains one of `patterns` (lower case).
RateClass ClassifyMethod(absl::string_view method_name, const std::vector<std::string>& patterns);

struct RateLimitConfig {
  RateLimit default_per_ip{1200, absl::Minutes(1)};
  RateLimit default_per_account{600, absl::Minutes(1)};
  RateLimit strict_per_ip{10, absl::Minutes(1)};
  RateLimit strict_per_account{10, absl::Minutes(1)};
  // How often the default class's counts are written to Redis (and the mirror refreshed).
  absl::Duration sync_interval = absl::Milliseconds(10);
  // A strict check queued longer than this behind a slow Redis is decided by this process's
  // counters, as when Redis cannot answer: the wait a check adds to a request is bounded.
  absl::Duration max_queue_wait = absl::Seconds(1);
};

struct RateDecision {
  enum class Outcome { kAllow, kDeny, kUnavailable };
  Outcome outcome = Outcome::kAllow;
  absl::Duration retry_after;  // for kDeny
};

// GCRA counters in process memory, the strict routes' fallback while Redis cannot answer.
// Thread-safe. Holds at most `max_keys` keys: expired ones are dropped when it is full, and
// if none has expired it starts over empty (an attacker who owns that many addresses is not
// slowed by a per-address limit anyway).
class LocalRateCounters {
 public:
  explicit LocalRateCounters(size_t max_keys = 100000) : max_keys_(max_keys) {}
  struct Key {
    std::string name;
    int64_t interval_ms;   // period / count
    int64_t tolerance_ms;  // interval * count: the burst
  };
  // Same contract as the Redis script: 0 when allowed (every key charged), else the
  // milliseconds to wait (nothing charged).
  int64_t Charge(const std::vector<Key>& keys, int64_t now_ms);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> tat_ms_ ABSL_GUARDED_BY(mu_);
  size_t max_keys_;
};

// The default class's counters in this process: a mirror of Redis's GCRA counters (each key's
// theoretical arrival time, in this process's clock) plus the counts not yet written to Redis.
// Thread-safe. Bounded like LocalRateCounters.
class RateMirror {
 public:
  explicit RateMirror(size_t max_keys = 100000) : max_keys_(max_keys) {}
  using Key = LocalRateCounters::Key;
  // 0 when allowed (every key counted, also as pending), else the milliseconds to wait
  // (nothing counted). `enforce` false: counted and allowed whatever the counters say (Redis
  // is away: fail open).
  int64_t Admit(const std::vector<Key>& keys, int64_t now_ms, bool enforce = true);

  struct Pending {
    std::string name;
    int64_t count;        // admitted since the last TakePending
    int64_t interval_ms;  // per request
  };
  // The counts to write, now no longer pending.
  std::vector<Pending> TakePending();
  bool HasPending();
  // Redis took `sent` and answered each key's counter as `debt_ms` (its theoretical arrival
  // time minus its now, >= 0 when behind) at `now_ms`: the mirror becomes Redis's counter
  // plus what was admitted here since `sent` was taken.
  void Synced(const std::vector<Pending>& sent, const std::vector<int64_t>& debt_ms, int64_t now_ms);

 private:
  struct State {
    int64_t tat_ms = 0;
    int64_t pending = 0;
    int64_t interval_ms = 1;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, State> keys_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> dirty_ ABSL_GUARDED_BY(mu_);  // the keys with pending counts
  size_t max_keys_;
};

class RateLimiter {
 public:
  // `threads` executor threads, each with its own Redis connection.
  RateLimiter(RateLimitConfig config, redis::RedisOptions redis, int threads = 4);
  ~RateLimiter();

  // Decides for one request; `done` runs once: for kDefault inline, on the calling thread; for
  // kStrict on an executor thread (or inline when the executor is full, with kUnavailable).
  // `account` is "" for anonymous callers.
  void Check(RateClass rate_class, const std::string& ip, const std::string& account,
             std::function<void(RateDecision)> done);

  // The same, blocking (tests).
  RateDecision CheckNow(RateClass rate_class, const std::string& ip, const std::string& account);

  // Whether the last exchange with Redis (a strict check or a default-class write) succeeded.
  bool RedisAnswering() const;
  // Writes the default class's pending counts now and refreshes the mirror (tests; the
  // background thread does it every sync_interval).
  void SyncNow();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meltingdoc::gateway
