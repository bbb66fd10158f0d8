#include "gateway/rate_limiter.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/server/executor.h"

namespace meltingdoc::gateway {
namespace {

// GCRA over all KEYS at once. ARGV[2i-1], ARGV[2i]: emission interval and tolerance of key i,
// in milliseconds. Time is Redis's own (TIME), so gateways need no synchronized clocks.
// Returns {1, 0} (allowed, every key charged) or {0, ms to wait} (nothing charged).
constexpr char kGcraScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local tolerance = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - tolerance
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
  tats[i] = new_tat
end
if wait > 0 then return {0, wait} end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%d', tats[i]), 'PX', tats[i] - now + 1)
end
return {1, 0}
)lua";

constexpr char kKeyPrefix[] = "meltingdoc:ratelimit:";

}  // namespace

absl::StatusOr<RateLimit> ParseRateLimit(absl::string_view text) {
  RateLimit limit;
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    if (absl::SimpleAtoi(text, &limit.count) && limit.count == 0) return limit;
    return absl::InvalidArgumentError(absl::StrCat("rate limit \"", text, "\": expected <count>/<period>, e.g. 600/1m"));
  }
  if (!absl::SimpleAtoi(text.substr(0, slash), &limit.count) || limit.count < 0 ||
      !absl::ParseDuration(std::string(text.substr(slash + 1)), &limit.period) ||
      limit.period < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat("rate limit \"", text, "\": expected <count>/<period>, e.g. 600/1m"));
  }
  return limit;
}

RateClass ClassifyMethod(absl::string_view method_name, const std::vector<std::string>& patterns) {
  const std::string lower = absl::AsciiStrToLower(method_name);
  for (const std::string& p : patterns) {
    if (!p.empty() && absl::StrContains(lower, p)) return RateClass::kStrict;
  }
  return RateClass::kDefault;
}

int64_t LocalRateCounters::Charge(const std::vector<Key>& keys, int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  int64_t wait = 0;
  std::vector<int64_t> new_tats;
  for (const Key& k : keys) {
    auto it = tat_ms_.find(k.name);
    const int64_t tat = std::max(it == tat_ms_.end() ? 0 : it->second, now_ms);
    const int64_t new_tat = tat + k.interval_ms;
    const int64_t allow_at = new_tat - k.tolerance_ms;
    if (allow_at > now_ms) wait = std::max(wait, allow_at - now_ms);
    new_tats.push_back(new_tat);
  }
  if (wait > 0) return wait;
  if (tat_ms_.size() + keys.size() > max_keys_) {
    absl::erase_if(tat_ms_, [now_ms](const auto& entry) { return entry.second <= now_ms; });
    if (tat_ms_.size() + keys.size() > max_keys_) tat_ms_.clear();
  }
  for (size_t i = 0; i < keys.size(); ++i) tat_ms_[keys[i].name] = new_tats[i];
  return 0;
}

struct RateLimiter::Impl {
  RateLimitConfig config;
  LocalRateCounters local;
  server::BoundedExecutor executor;
  absl::Mutex mu;
  std::vector<std::unique_ptr<redis::RedisClient>> idle ABSL_GUARDED_BY(mu);
  std::string sha ABSL_GUARDED_BY(mu);

  Impl(RateLimitConfig c, const redis::RedisOptions& options, int threads)
      : config(c), executor(threads, /*max_queue=*/1024) {
    for (int i = 0; i < threads; ++i) idle.push_back(std::make_unique<redis::RedisClient>(options));
  }

  std::unique_ptr<redis::RedisClient> Take() {
    absl::MutexLock lock(&mu);
    auto client = std::move(idle.back());
    idle.pop_back();
    return client;
  }
  void Give(std::unique_ptr<redis::RedisClient> client) {
    absl::MutexLock lock(&mu);
    idle.push_back(std::move(client));
  }

  absl::StatusOr<redis::RedisReply> Eval(redis::RedisClient& client, const std::vector<std::string>& keys,
                                         const std::vector<std::string>& args) {
    std::string sha_now;
    {
      absl::MutexLock lock(&mu);
      sha_now = sha;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (sha_now.empty()) {
        auto loaded = client.Command({"SCRIPT", "LOAD", kGcraScript});
        if (!loaded.ok()) return loaded.status();
        sha_now = loaded->str;
        absl::MutexLock lock(&mu);
        sha = sha_now;
      }
      std::vector<std::string> argv = {"EVALSHA", sha_now, std::to_string(keys.size())};
      argv.insert(argv.end(), keys.begin(), keys.end());
      argv.insert(argv.end(), args.begin(), args.end());
      auto reply = client.Command(argv);
      // After a Redis restart (or SCRIPT FLUSH) the script is gone: load it again once.
      if (!reply.ok() && absl::StrContains(reply.status().message(), "NOSCRIPT")) {
        sha_now.clear();
        continue;
      }
      return reply;
    }
    return absl::UnavailableError("rate limit script could not be loaded");
  }

  RateDecision Decide(RateClass rate_class, const std::string& ip, const std::string& account) {
    const bool strict = rate_class == RateClass::kStrict;
    const char* cls = strict ? "strict" : "default";
    std::vector<std::string> keys, args;
    auto add = [&](const RateLimit& limit, const std::string& kind, const std::string& id) {
      if (limit.count <= 0 || id.empty()) return;
      const int64_t period_ms = absl::ToInt64Milliseconds(limit.period);
      const int64_t interval_ms = std::max<int64_t>(1, period_ms / limit.count);
      keys.push_back(absl::StrCat(kKeyPrefix, cls, ":", kind, ":", id));
      args.push_back(std::to_string(interval_ms));
      args.push_back(std::to_string(interval_ms * limit.count));
    };
    add(strict ? config.strict_per_ip : config.default_per_ip, "ip", ip);
    add(strict ? config.strict_per_account : config.default_per_account, "account", account);
    if (keys.empty()) return {};
    auto client = Take();
    auto reply = Eval(*client, keys, args);
    Give(std::move(client));
    RateDecision d;
    if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != 2) {
      if (strict) return DecideLocally(keys, args);
      d.outcome = RateDecision::Outcome::kUnavailable;
      return d;
    }
    if (reply->elements[0].integer == 1) return d;
    d.outcome = RateDecision::Outcome::kDeny;
    d.retry_after = absl::Milliseconds(reply->elements[1].integer);
    return d;
  }

  // Redis could not answer: the same limits, counted in this process.
  RateDecision DecideLocally(const std::vector<std::string>& keys, const std::vector<std::string>& args) {
    std::vector<LocalRateCounters::Key> local_keys;
    for (size_t i = 0; i < keys.size(); ++i) {
      local_keys.push_back({keys[i], std::stoll(args[2 * i]), std::stoll(args[2 * i + 1])});
    }
    RateDecision d;
    const int64_t wait = local.Charge(local_keys, absl::ToUnixMillis(absl::Now()));
    if (wait > 0) {
      d.outcome = RateDecision::Outcome::kDeny;
      d.retry_after = absl::Milliseconds(wait);
    }
    return d;
  }
};

RateLimiter::RateLimiter(RateLimitConfig config, redis::RedisOptions redis, int threads)
    : impl_(std::make_unique<Impl>(config, redis, threads)) {}

RateLimiter::~RateLimiter() { impl_->executor.Stop(); }

void RateLimiter::Check(RateClass rate_class, const std::string& ip, const std::string& account,
                        std::function<void(RateDecision)> done) {
  auto shared_done = std::make_shared<std::function<void(RateDecision)>>(std::move(done));
  Impl* impl = impl_.get();
  if (!impl->executor.TrySubmit([impl, rate_class, ip, account, shared_done] {
        (*shared_done)(impl->Decide(rate_class, ip, account));
      })) {
    RateDecision d;
    d.outcome = RateDecision::Outcome::kUnavailable;
    (*shared_done)(d);
  }
}

RateDecision RateLimiter::CheckNow(RateClass rate_class, const std::string& ip, const std::string& account) {
  return impl_->Decide(rate_class, ip, account);
}

}  // namespace meltingdoc::gateway
