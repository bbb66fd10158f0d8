#include "services/identity/throttle_store.h"

#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "libs/common/status_macros.h"
#include "libs/server/grpc_status.h"
#include "services/identity/secrets.h"

namespace meltingdoc::identity {
namespace {

constexpr char kKeyPrefix[] = "meltingdoc:identity:throttle:";

// Atomic in Redis: one more failure, its time, and the expiry of the whole record.
constexpr char kRecordFailureScript[] =
    "local f = redis.call('HINCRBY', KEYS[1], 'f', 1) "
    "redis.call('HSET', KEYS[1], 't', ARGV[1]) "
    "redis.call('PEXPIREAT', KEYS[1], ARGV[2]) "
    "return f";
// Atomic in Redis: count one check; the window's key expires when the hour ends.
constexpr char kCountCheckScript[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end "
    "return n";

bool RedisUnavailable(const absl::Status& s) { return s.code() == absl::StatusCode::kUnavailable; }

absl::Status Throttled(absl::Duration wait, absl::string_view why) {
  const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))));
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat(why, ": retry in ", seconds, " s"));
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(seconds);
  server::AttachDetail(status, retry);
  return status;
}

}  // namespace

absl::StatusOr<std::pair<FailureState, FailureState>> ThrottleStore::GetFailuresOfBoth(const std::string& a, const std::string& b,
                                                               absl::Time now) {
  ASSIGN_OR_RETURN(const FailureState first, GetFailures(a, now));
  ASSIGN_OR_RETURN(const FailureState second, GetFailures(b, now));
  return std::make_pair(first, second);
}

namespace {

// The reply of HMGET <key> f t.
FailureState FailureStateOf(const redis::RedisReply& reply) {
  FailureState state;
  if (reply.type != redis::RedisReply::Type::kArray || reply.elements.size() != 2) return state;
  int64_t failures = 0, last_ms = 0;
  if (reply.elements[0].type == redis::RedisReply::Type::kString &&
      reply.elements[1].type == redis::RedisReply::Type::kString &&
      absl::SimpleAtoi(reply.elements[0].str, &failures) &&
      absl::SimpleAtoi(reply.elements[1].str, &last_ms)) {
    state.failures = failures;
    state.last_failure = absl::FromUnixMillis(last_ms);
  }
  return state;
}

// Both keys' HMGET in one round trip (Lua keeps nil values as false inside a table).
constexpr char kGetBothScript[] =
    "return {redis.call('HMGET', KEYS[1], 'f', 't'), redis.call('HMGET', KEYS[2], 'f', 't')}";

}  // namespace

absl::StatusOr<FailureState> RedisThrottleStore::GetFailures(const std::string& key, absl::Time) {
  ASSIGN_OR_RETURN(redis::RedisReply reply, redis_->Command({"HMGET", kKeyPrefix + key, "f", "t"}));
  return FailureStateOf(reply);
}

absl::StatusOr<std::pair<FailureState, FailureState>> RedisThrottleStore::GetFailuresOfBoth(const std::string& a,
                                                                                            const std::string& b,
                                                                                            absl::Time) {
  ASSIGN_OR_RETURN(redis::RedisReply reply,
                   redis_->Command({"EVAL", kGetBothScript, "2", kKeyPrefix + a, kKeyPrefix + b}));
  if (reply.type != redis::RedisReply::Type::kArray || reply.elements.size() != 2) {
    return absl::InternalError("throttle: unexpected reply from Redis");
  }
  return std::make_pair(FailureStateOf(reply.elements[0]), FailureStateOf(reply.elements[1]));
}

absl::StatusOr<int64_t> RedisThrottleStore::RecordFailure(const std::string& key, absl::Time now,
                                                          absl::Time forget_at) {
  ASSIGN_OR_RETURN(redis::RedisReply reply,
                   redis_->Command({"EVAL", kRecordFailureScript, "1", kKeyPrefix + key,
                                    absl::StrCat(absl::ToUnixMillis(now)),
                                    absl::StrCat(absl::ToUnixMillis(forget_at))}));
  return reply.integer;
}

absl::Status RedisThrottleStore::ClearFailures(const std::string& key) {
  return redis_->Command({"DEL", kKeyPrefix + key}).status();
}

absl::StatusOr<int64_t> RedisThrottleStore::CountCheck(const std::string& key, int64_t window) {
  ASSIGN_OR_RETURN(redis::RedisReply reply,
                   redis_->Command({"EVAL", kCountCheckScript, "1",
                                    absl::StrCat(kKeyPrefix, "checks:", key, ":", window),
                                    absl::StrCat(absl::ToUnixSeconds(HourWindowEnd(window)))}));
  return reply.integer;
}

absl::StatusOr<FailureState> FallbackThrottleStore::GetFailures(const std::string& key, absl::Time now) {
  absl::StatusOr<FailureState> r = primary_->GetFailures(key, now);
  if (!r.ok() && RedisUnavailable(r.status())) return fallback_->GetFailures(key, now);
  return r;
}

absl::StatusOr<std::pair<FailureState, FailureState>> FallbackThrottleStore::GetFailuresOfBoth(const std::string& a,
                                                                                               const std::string& b,
                                                                                               absl::Time now) {
  absl::StatusOr<std::pair<FailureState, FailureState>> r = primary_->GetFailuresOfBoth(a, b, now);
  if (!r.ok() && RedisUnavailable(r.status())) return fallback_->GetFailuresOfBoth(a, b, now);
  return r;
}

absl::StatusOr<int64_t> FallbackThrottleStore::RecordFailure(const std::string& key, absl::Time now,
                                                             absl::Time forget_at) {
  absl::StatusOr<int64_t> r = primary_->RecordFailure(key, now, forget_at);
  if (!r.ok() && RedisUnavailable(r.status())) return fallback_->RecordFailure(key, now, forget_at);
  return r;
}

absl::Status FallbackThrottleStore::ClearFailures(const std::string& key) {
  absl::Status s = primary_->ClearFailures(key);
  if (RedisUnavailable(s)) return fallback_->ClearFailures(key);
  return s;
}

absl::StatusOr<int64_t> FallbackThrottleStore::CountCheck(const std::string& key, int64_t window) {
  absl::StatusOr<int64_t> r = primary_->CountCheck(key, window);
  if (!r.ok() && RedisUnavailable(r.status())) return fallback_->CountCheck(key, window);
  return r;
}

std::string AccountThrottleKey(absl::string_view email) {
  return absl::StrCat("acct:", absl::BytesToHexString(SecretHash("throttle-account", email)).substr(0, 32));
}

std::string IpThrottleKey(absl::string_view ip) {
  return absl::StrCat("ip:", absl::BytesToHexString(SecretHash("throttle-ip", ip)).substr(0, 32));
}

absl::Status LoginThrottle::BeforePasswordCheck(const std::string& account_key, const std::string& ip_key,
                                                int64_t* account_failures) {
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(const auto states, store_->GetFailuresOfBoth(account_key, ip_key, now));
  const FailureState& account = states.first;
  const FailureState& ip = states.second;
  if (account_failures != nullptr) *account_failures = account.failures;
  const absl::Duration wait = std::max(
      RemainingWait(policy_.account, account.failures, account.last_failure, now),
      RemainingWait(policy_.ip, ip.failures, ip.last_failure, now));
  if (wait > absl::ZeroDuration()) return Throttled(wait, "too many failed sign-in attempts");
  const int64_t window = HourWindow(now);
  ASSIGN_OR_RETURN(const int64_t checks, store_->CountCheck(account_key, window));
  if (checks > policy_.max_checks_per_hour) {
    return Throttled(HourWindowEnd(window) - now, "too many sign-in attempts for this address this hour");
  }
  return absl::OkStatus();
}

absl::Status LoginThrottle::AfterFailure(const std::string& account_key, const std::string& ip_key) {
  const absl::Time now = clock_->Now();
  const absl::Time forget_at = now + policy_.failure_memory;
  RETURN_IF_ERROR(store_->RecordFailure(account_key, now, forget_at).status());
  return store_->RecordFailure(ip_key, now, forget_at).status();
}

absl::Status LoginThrottle::AfterSuccess(const std::string& account_key, int64_t account_failures) {
  if (account_failures == 0) return absl::OkStatus();
  return store_->ClearFailures(account_key);
}

}  // namespace meltingdoc::identity
