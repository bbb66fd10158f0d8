// Rate limits in Redis: GCRA (the generic cell rate algorithm) in one Lua script, so that
// every gateway instance shares the same counters and a check is one round trip.
//
// Two classes: kDefault for every route, kStrict for routes whose RPC name matches one of
// --strict_methods (login, registration, verification, code entry). Each class has a limit
// per client IP and one per account (when the caller is authenticated); a request passes only
// if every applicable limit passes, and only then is it counted.
//
// Redis is called from a small bounded executor (hiredis blocks), never from an I/O thread.
// When Redis cannot answer (down, slow past the command timeout, executor full), default routes
// get kUnavailable and pass (fail open: reads keep working), and strict routes are limited by
// the same GCRA in this process's memory (LocalRateCounters): logins keep working while Redis
// is away, and password or code guessing stays throttled — per gateway instance, so N
// instances allow up to N times the limit until Redis is back (identity's own per-address
// throttle, kept in PostgreSQL while Redis is down, still applies). Failing closed, as this
// gateway first did, stopped every login whenever Redis restarted (found by tests/chaos).
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

class RateLimiter {
 public:
  // `threads` executor threads, each with its own Redis connection.
  RateLimiter(RateLimitConfig config, redis::RedisOptions redis, int threads = 4);
  ~RateLimiter();

  // Decides for one request; `done` runs once, on an executor thread (or inline when the
  // executor is full, with kUnavailable). `account` is "" for anonymous callers.
  void Check(RateClass rate_class, const std::string& ip, const std::string& account,
             std::function<void(RateDecision)> done);

  // The same, blocking (tests).
  RateDecision CheckNow(RateClass rate_class, const std::string& ip, const std::string& account);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meltingdoc::gateway
