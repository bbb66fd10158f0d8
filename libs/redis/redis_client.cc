#include "libs/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <cerrno>
#include <cstddef>
#include <limits>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace meltingdoc::redis {
namespace {

// Host names longer than this are not DNS names (RFC 1035); reject them at flag parsing.
constexpr size_t kMaxHostLength = 253;

absl::Status BadAddress(const std::string& address, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--redis: expected host:port, got \"", address, "\" (", why, ")"));
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

timeval TimeoutTimeval(absl::Duration d) {
  // A zero timeout means "block forever" to hiredis; never hand it one by accident.
  if (d < absl::Milliseconds(1)) d = absl::Milliseconds(1);
  return absl::ToTimeval(d);
}

// Converts a hiredis reply tree. An error reply anywhere in it (only possible nested inside
// EXEC or script results) makes the whole call fail: RedisReply cannot carry it, and a caller
// must not mistake a failed step for a value.
absl::StatusOr<RedisReply> Convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_NIL:
      out.type = RedisReply::Type::kNil;
      return out;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r.integer;
      return out;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r.str, r.len);
      return out;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r.str, r.len);
      return out;
    case REDIS_REPLY_ERROR:
      return absl::InternalError(absl::StrCat("redis: ", absl::string_view(r.str, r.len)));
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r.elements);
      for (size_t i = 0; i < r.elements; ++i) {
        absl::StatusOr<RedisReply> element = Convert(*r.element[i]);
        if (!element.ok()) return element.status();
        out.elements.push_back(std::move(element).value());
      }
      return out;
    default:
      return absl::InternalError(absl::StrCat("redis: unexpected reply type ", r.type));
  }
}

// hiredis writes with write(2), not send(MSG_NOSIGNAL): writing to a connection Redis has
// just reset raises SIGPIPE, whose default action kills the whole service. A Redis outage must
// only degrade it, so ignore SIGPIPE once per process, unless the program installed its own
// handler (then the write fails with EPIPE, which we turn into UNAVAILABLE).
void IgnoreSigpipeOnce() {
  static const bool done = [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
    return true;
  }();
  (void)done;
}

}  // namespace

absl::StatusOr<RedisOptions> ParseRedisAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return BadAddress(address, "missing port");
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  // "[::1]:6379": brackets keep an IPv6 literal's colons apart from the port separator.
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return BadAddress(address, "unterminated '['");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return BadAddress(address, "write IPv6 addresses as [addr]:port");
  }
  if (host.empty()) return BadAddress(address, "empty host");
  if (host.size() > kMaxHostLength) return BadAddress(address, "host too long");
  for (char c : host) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '.' && c != '-' && c != '_' && c != ':') {
      return BadAddress(address, "invalid character in host");
    }
  }
  if (port_text.empty()) return BadAddress(address, "empty port");
  for (char c : port_text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return BadAddress(address, "port is not a number");
    }
  }
  int port = 0;
  if (port_text.size() > 5 || !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
    return BadAddress(address, "port out of range 1-65535");
  }
  RedisOptions options;
  options.host = std::move(host);
  options.port = port;
  return options;
}

struct RedisClient::State {
  explicit State(RedisOptions o) : options(std::move(o)) {}

  const RedisOptions options;
  absl::Mutex mu;
  ContextPtr context ABSL_GUARDED_BY(mu);
  // No connection attempt before this time: an outage costs callers one failed connect per
  // interval, not one per command (which would stack connect timeouts behind the mutex).
  absl::Time next_connect_attempt ABSL_GUARDED_BY(mu) = absl::InfinitePast();

  std::string Where() const { return absl::StrCat(options.host, ":", options.port); }

  absl::Status EnsureConnected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (context != nullptr) return absl::OkStatus();
    const absl::Time now = absl::Now();
    if (now < next_connect_attempt) {
      return absl::UnavailableError(absl::StrCat(
          "redis: ", Where(), " unreachable, next reconnect attempt in ",
          absl::FormatDuration(absl::Ceil(next_connect_attempt - now, absl::Milliseconds(1)))));
    }
    next_connect_attempt = now + options.reconnect_interval;
    ContextPtr c(redisConnectWithTimeout(options.host.c_str(), options.port,
                                         TimeoutTimeval(options.connect_timeout)));
    if (c == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("redis: cannot allocate a connection to ", Where()));
    }
    if (c->err != 0) {
      return absl::UnavailableError(
          absl::StrCat("redis: connect to ", Where(), " failed: ", c->errstr));
    }
    if (redisSetTimeout(c.get(), TimeoutTimeval(options.command_timeout)) != REDIS_OK) {
      return absl::UnavailableError(
          absl::StrCat("redis: cannot set the command timeout on ", Where()));
    }
    context = std::move(c);
    // A healthy connection may reconnect at once the next time it breaks.
    next_connect_attempt = absl::InfinitePast();
    return absl::OkStatus();
  }

  // Drops the connection after an I/O error: the stream is in an unknown state (a reply may
  // still be in flight), so it can never be reused.
  absl::Status Broken(int saved_errno, absl::Duration timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::string why;
    if (context == nullptr) {
      why = "no reply";
    } else if (context->err == REDIS_ERR_IO &&
               (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
      why = absl::StrCat("timed out after ", absl::FormatDuration(timeout));
    } else if (context->err != 0) {
      why = context->errstr;
    } else {
      why = "no reply";
    }
    context.reset();
    next_connect_attempt = absl::Now() + options.reconnect_interval;
    return absl::UnavailableError(absl::StrCat("redis: ", Where(), ": ", why));
  }

  absl::StatusOr<RedisReply> Run(const std::vector<std::string>& argv, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (argv.empty()) return absl::InvalidArgumentError("redis: empty command");
    if (argv.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return absl::InvalidArgumentError("redis: too many arguments");
    }
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;

    const bool custom_timeout = timeout != options.command_timeout;
    if (custom_timeout && redisSetTimeout(context.get(), TimeoutTimeval(timeout)) != REDIS_OK) {
      return Broken(errno, timeout);
    }

    std::vector<const char*> args;
    std::vector<size_t> lengths;
    args.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const std::string& a : argv) {
      args.push_back(a.data());
      lengths.push_back(a.size());
    }
    errno = 0;
    ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
        context.get(), static_cast<int>(args.size()), args.data(), lengths.data())));
    const int saved_errno = errno;
    if (reply == nullptr || context->err != 0) return Broken(saved_errno, timeout);

    if (custom_timeout &&
        redisSetTimeout(context.get(), TimeoutTimeval(options.command_timeout)) != REDIS_OK) {
      // The reply is good, but a connection left with the wrong timeout is not: drop it.
      absl::Status dropped = Broken(errno, timeout);
      (void)dropped;
    }
    return Convert(*reply);
  }
};

RedisClient::RedisClient(RedisOptions options)
    : state_(std::make_unique<State>(std::move(options))) {
  IgnoreSigpipeOnce();
}

RedisClient::~RedisClient() = default;

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  absl::MutexLock lock(&state_->mu);
  return state_->Run(argv, state_->options.command_timeout);
}

absl::StatusOr<RedisReply> RedisClient::CommandWithTimeout(const std::vector<std::string>& argv,
                                                           absl::Duration timeout) {
  absl::MutexLock lock(&state_->mu);
  return state_->Run(argv, timeout);
}

const RedisOptions& RedisClient::options() const { return state_->options; }

}  // namespace meltingdoc::redis
