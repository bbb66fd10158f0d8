// A small, thread-safe Redis client over hiredis (synchronous).
//
// - Connect and command timeouts (a dead Redis costs a caller at most those, never a hang).
// - Reconnects lazily on the next command after an error, at most once per
//   `reconnect_interval`, so a Redis outage does not turn into a connect storm.
// - Never throws, never crashes on a dead server: every failure is an absl::Status
//   (UNAVAILABLE when Redis cannot be reached, INTERNAL for an error reply).
// Blocking: call from an executor thread, not a gRPC callback thread. Commands on one client
// are serialized by a mutex; a consumer that blocks (XREADGROUP BLOCK) uses its own client.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meltingdoc::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration command_timeout = absl::Milliseconds(500);
  absl::Duration reconnect_interval = absl::Milliseconds(500);
};

// Parses "host:port" (the --redis flag of every service).
absl::StatusOr<RedisOptions> ParseRedisAddress(const std::string& address);

struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // kString and kStatus
  std::vector<RedisReply> elements;  // kArray
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command, e.g. Command({"XADD", stream, "*", "event", bytes}). Arguments are
  // binary-safe. An error reply from Redis is INTERNAL with its message.
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& argv);
  // Same, with a per-call timeout (for blocking commands such as XREADGROUP ... BLOCK).
  absl::StatusOr<RedisReply> CommandWithTimeout(const std::vector<std::string>& argv,
                                                absl::Duration timeout);

  const RedisOptions& options() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace meltingdoc::redis
