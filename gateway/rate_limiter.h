// Rate limits in Redis: GCRA (the generic cell rate algorithm) in one Lua script, so that
// every gateway instance shares the same counters and a check is one round trip.
//
// Two classes: kDefault for every route, kStrict for routes whose RPC name matches one of
// --strict_methods (login, registration, verification, code entry). Each class has a limit
// per client IP and one per account (when the caller is authenticated); a request passes only
// if every applicable limit passes, and only then is it counted.
//
// Redis is called from a small bounded executor (hiredis blocks), never from an I/O thread.
// When Redis cannot answer (down, slow past the command timeout, executor full) the decision
// is kUnavailable: the gateway refuses strict routes (fail closed: no unthrottled password
// guessing) and lets default routes through (fail open: reads keep working).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
