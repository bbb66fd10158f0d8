// Where the login throttling counters live, and the login throttle built on them.
//
// Redis holds the counters (fast, expiring by themselves). Redis being down must not take
// logins down nor switch throttling off, so FallbackThrottleStore uses PostgreSQL
// (PgIdentityStore) whenever Redis is unavailable; counts restart from zero in the other
// store when it switches (an attacker gains at most one extra hourly allowance per outage).
// Keys never contain an email address or an IP in clear (SHA-256, see ThrottleKey).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/redis/redis_client.h"
#include "services/identity/throttle.h"

namespace meltingdoc::identity {

struct FailureState {
  int64_t failures = 0;
  absl::Time last_failure = absl::InfinitePast();
};

class ThrottleStore {
 public:
  virtual ~ThrottleStore() = default;
  virtual absl::StatusOr<FailureState> GetFailures(const std::string& key, absl::Time now) = 0;
  // Two keys' states (the address's and the IP's before every password check); one round trip
  // where the store can.
  virtual absl::StatusOr<std::pair<FailureState, FailureState>> GetFailuresOfBoth(const std::string& a,
                                                                                  const std::string& b,
                                                                                  absl::Time now);
  // Adds one failure at `now`; the state is forgotten at `forget_at`. Returns the new count.
  virtual absl::StatusOr<int64_t> RecordFailure(const std::string& key, absl::Time now,
                                                absl::Time forget_at) = 0;
  virtual absl::Status ClearFailures(const std::string& key) = 0;
  // Counts one check in hour `window`; returns the count including this one.
  virtual absl::StatusOr<int64_t> CountCheck(const std::string& key, int64_t window) = 0;
};

class RedisThrottleStore final : public ThrottleStore {
 public:
  explicit RedisThrottleStore(redis::RedisClient* redis) : redis_(redis) {}
  absl::StatusOr<FailureState> GetFailures(const std::string& key, absl::Time now) override;
  absl::StatusOr<std::pair<FailureState, FailureState>> GetFailuresOfBoth(const std::string& a, const std::string& b,
                                                                          absl::Time now) override;
  absl::StatusOr<int64_t> RecordFailure(const std::string& key, absl::Time now,
                                        absl::Time forget_at) override;
  absl::Status ClearFailures(const std::string& key) override;
  absl::StatusOr<int64_t> CountCheck(const std::string& key, int64_t window) override;

 private:
  redis::RedisClient* const redis_;
};

// Uses `primary` (Redis) and, for any call it answers UNAVAILABLE, `fallback` (PostgreSQL).
class FallbackThrottleStore final : public ThrottleStore {
 public:
  FallbackThrottleStore(ThrottleStore* primary, ThrottleStore* fallback)
      : primary_(primary), fallback_(fallback) {}
  absl::StatusOr<FailureState> GetFailures(const std::string& key, absl::Time now) override;
  absl::StatusOr<std::pair<FailureState, FailureState>> GetFailuresOfBoth(const std::string& a, const std::string& b,
                                                                          absl::Time now) override;
  absl::StatusOr<int64_t> RecordFailure(const std::string& key, absl::Time now,
                                        absl::Time forget_at) override;
  absl::Status ClearFailures(const std::string& key) override;
  absl::StatusOr<int64_t> CountCheck(const std::string& key, int64_t window) override;

 private:
  ThrottleStore* const primary_;
  ThrottleStore* const fallback_;
};

// "acct:<hex>" for a (lower-cased) email address, "ip:<hex>" for a client IP.
std::string AccountThrottleKey(absl::string_view email);
std::string IpThrottleKey(absl::string_view ip);

class LoginThrottle {
 public:
  LoginThrottle(ThrottleStore* store, ThrottlePolicy policy, const Clock* clock)
      : store_(store), policy_(policy), clock_(clock) {}

  // Before a password check: RESOURCE_EXHAUSTED (with a google.rpc.RetryInfo) when the
  // address or the IP must still wait, or the address used up its checks of this hour;
  // otherwise counts the check and returns OK. `account_failures`: the address's failures,
  // for AfterSuccess.
  absl::Status BeforePasswordCheck(const std::string& account_key, const std::string& ip_key,
                                   int64_t* account_failures = nullptr);
  // After a wrong password (or an unknown address: the same thing, on purpose).
  absl::Status AfterFailure(const std::string& account_key, const std::string& ip_key);
  // After a right password: the address starts afresh (the IP does not). Nothing to clear when
  // BeforePasswordCheck saw no failure (one round trip less per sign-in); a failure recorded
  // by a concurrent attempt in between then stays counted, which only errs on the safe side.
  absl::Status AfterSuccess(const std::string& account_key, int64_t account_failures = 1);

  const ThrottlePolicy& policy() const { return policy_; }

 private:
  ThrottleStore* const store_;
  const ThrottlePolicy policy_;
  const Clock* const clock_;
};

}  // namespace meltingdoc::identity
