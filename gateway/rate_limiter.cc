#include "gateway/rate_limiter.h"

#include <atomic>
#include <cmath>
#include <thread>

#include "absl/container/inlined_vector.h"
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

// The default class's write-behind: adds ARGV[2i-1] requests of ARGV[2i] ms each to key i,
// whatever its counter says (they were admitted already), and returns every key's counter as
// ms ahead of now (its debt). Same keys and values as kGcraScript.
constexpr char kChargeScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[2 * i - 1])
  local interval = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  tat = tat + count * interval
  redis.call('SET', key, string.format('%d', tat), 'PX', tat - now + 1)
  out[i] = tat - now
end
return out
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

int64_t RateMirror::Admit(const std::vector<Key>& keys, int64_t now_ms, bool enforce) {
  absl::MutexLock lock(&mu_);
  int64_t wait = 0;
  absl::InlinedVector<int64_t, 4> tats(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = keys_.find(keys[i].name);
    const int64_t tat = std::max(it == keys_.end() ? 0 : it->second.tat_ms, now_ms);
    tats[i] = tat + keys[i].interval_ms;
    const int64_t allow_at = tats[i] - keys[i].tolerance_ms;
    if (allow_at > now_ms) wait = std::max(wait, allow_at - now_ms);
  }
  if (wait > 0 && enforce) return wait;
  if (keys_.size() + keys.size() > max_keys_) {
    // Keys with nothing to write and nothing owed are what an absent key means anyway.
    absl::erase_if(keys_, [now_ms](const auto& e) { return e.second.tat_ms <= now_ms && e.second.pending == 0; });
    if (keys_.size() + keys.size() > max_keys_) {
      keys_.clear();
      dirty_.clear();
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    State& st = keys_[keys[i].name];
    st.tat_ms = tats[i];
    st.interval_ms = keys[i].interval_ms;
    if (st.pending++ == 0) dirty_.push_back(keys[i].name);
  }
  return 0;
}

std::vector<RateMirror::Pending> RateMirror::TakePending() {
  absl::MutexLock lock(&mu_);
  std::vector<Pending> out;
  out.reserve(dirty_.size());
  for (std::string& name : dirty_) {
    auto it = keys_.find(name);
    if (it == keys_.end() || it->second.pending == 0) continue;
    out.push_back({std::move(name), it->second.pending, it->second.interval_ms});
    it->second.pending = 0;
  }
  dirty_.clear();
  return out;
}

bool RateMirror::HasPending() {
  absl::MutexLock lock(&mu_);
  return !dirty_.empty();
}

void RateMirror::Synced(const std::vector<Pending>& sent, const std::vector<int64_t>& debt_ms, int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < sent.size() && i < debt_ms.size(); ++i) {
    auto it = keys_.find(sent[i].name);
    if (it == keys_.end()) continue;  // dropped meanwhile (the map was full)
    State& st = it->second;
    // Redis's counter (which includes the other instances' counts), then what this process
    // admitted since it took `sent`.
    st.tat_ms = now_ms + std::max<int64_t>(0, debt_ms[i]);
    if (st.pending > 0) st.tat_ms += st.pending * st.interval_ms;
  }
}

struct RateLimiter::Impl {
  RateLimitConfig config;
  LocalRateCounters local;
  RateMirror mirror;
  server::BoundedExecutor executor;
  absl::Mutex mu;
  std::vector<std::unique_ptr<redis::RedisClient>> idle ABSL_GUARDED_BY(mu);
  std::string gcra_sha ABSL_GUARDED_BY(mu);
  std::string charge_sha ABSL_GUARDED_BY(mu);
  std::atomic<bool> answering{true};
  // The default class's writer: its own connection, woken when counts wait and it is idle.
  std::unique_ptr<redis::RedisClient> writer_client;
  absl::Mutex writer_mu;
  absl::CondVar writer_wake;
  bool writer_idle ABSL_GUARDED_BY(writer_mu) = false;
  bool stopping ABSL_GUARDED_BY(writer_mu) = false;
  std::thread writer;

  Impl(RateLimitConfig c, const redis::RedisOptions& options, int threads)
      : config(c), executor(threads, /*max_queue=*/1024) {
    for (int i = 0; i < threads; ++i) idle.push_back(std::make_unique<redis::RedisClient>(options));
    writer_client = std::make_unique<redis::RedisClient>(options);
    writer = std::thread([this] { WriteLoop(); });
  }

  void Stop() {
    {
      absl::MutexLock lock(&writer_mu);
      stopping = true;
      writer_wake.Signal();
    }
    if (writer.joinable()) writer.join();
    executor.Stop();
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

  absl::StatusOr<redis::RedisReply> Eval(redis::RedisClient& client, const char* script, std::string* sha,
                                         const std::vector<std::string>& keys, const std::vector<std::string>& args) {
    std::string sha_now;
    {
      absl::MutexLock lock(&mu);
      sha_now = *sha;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (sha_now.empty()) {
        auto loaded = client.Command({"SCRIPT", "LOAD", script});
        if (!loaded.ok()) return loaded.status();
        sha_now = loaded->str;
        absl::MutexLock lock(&mu);
        *sha = sha_now;
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

  // The keys of one request: its client IP's and (when signed in) its account's, each with
  // its emission interval and tolerance (the burst) in ms.
  std::vector<LocalRateCounters::Key> KeysOf(RateClass rate_class, const std::string& ip, const std::string& account) {
    const bool strict = rate_class == RateClass::kStrict;
    const char* cls = strict ? "strict" : "default";
    std::vector<LocalRateCounters::Key> keys;
    auto add = [&](const RateLimit& limit, const char* kind, const std::string& id) {
      if (limit.count <= 0 || id.empty()) return;
      const int64_t period_ms = absl::ToInt64Milliseconds(limit.period);
      const int64_t interval_ms = std::max<int64_t>(1, period_ms / limit.count);
      keys.push_back({absl::StrCat(kKeyPrefix, cls, ":", kind, ":", id), interval_ms, interval_ms * limit.count});
    };
    add(strict ? config.strict_per_ip : config.default_per_ip, "ip", ip);
    add(strict ? config.strict_per_account : config.default_per_account, "account", account);
    return keys;
  }

  static RateDecision FromWait(int64_t wait_ms) {
    RateDecision d;
    if (wait_ms > 0) {
      d.outcome = RateDecision::Outcome::kDeny;
      d.retry_after = absl::Milliseconds(wait_ms);
    }
    return d;
  }

  // kDefault: in this process, against the mirror; the writer takes the counts to Redis.
  RateDecision DecideDefault(const std::string& ip, const std::string& account) {
    const std::vector<LocalRateCounters::Key> keys = KeysOf(RateClass::kDefault, ip, account);
    if (keys.empty()) return {};
    const bool enforce = answering.load(std::memory_order_relaxed);
    const int64_t wait = mirror.Admit(keys, absl::ToUnixMillis(absl::Now()), enforce);
    if (wait == 0) WakeWriter();
    if (!enforce) {
      RateDecision d;
      d.outcome = RateDecision::Outcome::kUnavailable;
      return d;
    }
    return FromWait(wait);
  }

  // kStrict: exactly, by the GCRA script in Redis; this process's counters while Redis cannot
  // answer.
  RateDecision DecideStrict(const std::string& ip, const std::string& account, bool ask_redis = true) {
    const std::vector<LocalRateCounters::Key> keys = KeysOf(RateClass::kStrict, ip, account);
    if (keys.empty()) return {};
    if (!ask_redis) return FromWait(local.Charge(keys, absl::ToUnixMillis(absl::Now())));
    std::vector<std::string> names, args;
    for (const auto& k : keys) {
      names.push_back(k.name);
      args.push_back(std::to_string(k.interval_ms));
      args.push_back(std::to_string(k.tolerance_ms));
    }
    auto client = Take();
    auto reply = Eval(*client, kGcraScript, &gcra_sha, names, args);
    Give(std::move(client));
    if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != 2) {
      answering = false;
      return FromWait(local.Charge(keys, absl::ToUnixMillis(absl::Now())));
    }
    answering = true;
    return FromWait(reply->elements[0].integer == 1 ? 0 : std::max<int64_t>(1, reply->elements[1].integer));
  }

  void WakeWriter() {
    absl::MutexLock lock(&writer_mu);
    if (writer_idle) {
      writer_idle = false;
      writer_wake.Signal();
    }
  }

  // Every sync_interval while there are counts: one script call for all of them. Idle (no
  // wake-ups at all) while there are none.
  void WriteLoop() {
    for (;;) {
      {
        absl::MutexLock lock(&writer_mu);
        while (!stopping && !mirror.HasPending()) {
          writer_idle = true;
          writer_wake.Wait(&writer_mu);
        }
        writer_idle = false;
        if (stopping) return;
        // Gather the counts of one interval into one call.
        writer_wake.WaitWithTimeout(&writer_mu, config.sync_interval);
        if (stopping) return;
      }
      WritePending();
    }
  }

  // Takes the pending counts to Redis and refreshes the mirror from its answer. Only the writer
  // thread (or SyncNow in tests) calls it, on writer_client.
  void WritePending() {
    absl::MutexLock write_lock(&write_mu);
    const std::vector<RateMirror::Pending> sent = mirror.TakePending();
    if (sent.empty()) return;
    std::vector<std::string> names, args;
    for (const auto& p : sent) {
      names.push_back(p.name);
      args.push_back(std::to_string(p.count));
      args.push_back(std::to_string(p.interval_ms));
    }
    auto reply = Eval(*writer_client, kChargeScript, &charge_sha, names, args);
    if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != sent.size()) {
      answering = false;  // fail open until a write succeeds; these counts are lost
      return;
    }
    std::vector<int64_t> debts;
    debts.reserve(sent.size());
    for (const auto& e : reply->elements) debts.push_back(e.integer);
    mirror.Synced(sent, debts, absl::ToUnixMillis(absl::Now()));
    answering = true;
  }
  absl::Mutex write_mu;
};

RateLimiter::RateLimiter(RateLimitConfig config, redis::RedisOptions redis, int threads)
    : impl_(std::make_unique<Impl>(config, redis, threads)) {}

RateLimiter::~RateLimiter() { impl_->Stop(); }

void RateLimiter::Check(RateClass rate_class, const std::string& ip, const std::string& account,
                        std::function<void(RateDecision)> done) {
  Impl* impl = impl_.get();
  if (rate_class == RateClass::kDefault) return done(impl->DecideDefault(ip, account));
  auto shared_done = std::make_shared<std::function<void(RateDecision)>>(std::move(done));
  const absl::Time queued = absl::Now();
  if (!impl->executor.TrySubmit([impl, ip, account, shared_done, queued] {
        const bool waited_too_long = absl::Now() - queued > impl->config.max_queue_wait;
        (*shared_done)(impl->DecideStrict(ip, account, /*ask_redis=*/!waited_too_long));
      })) {
    RateDecision d;
    d.outcome = RateDecision::Outcome::kUnavailable;
    (*shared_done)(d);
  }
}

RateDecision RateLimiter::CheckNow(RateClass rate_class, const std::string& ip, const std::string& account) {
  return rate_class == RateClass::kDefault ? impl_->DecideDefault(ip, account) : impl_->DecideStrict(ip, account);
}

bool RateLimiter::RedisAnswering() const { return impl_->answering.load(); }

void RateLimiter::SyncNow() { impl_->WritePending(); }

}  // namespace meltingdoc::gateway
