// A profiles service of a test suite's own: its scratch database and a private Redis, so that
// the stream meltingdoc.identity and the consumer group "profiles" are that suite's alone,
// whatever else runs on the shared Redis.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

struct PrivateProfiles {
  // Declared in start order: destruction stops the service before its Redis and database.
  std::unique_ptr<ScratchDatabase> db;
  std::unique_ptr<LocalRedis> redis;
  std::unique_ptr<ServiceProcess> service;

  // A scratch database on the shared PostgreSQL, a new Redis, and profiles verifying `tokens`'
  // keys, SERVING before this returns.
  static absl::StatusOr<std::unique_ptr<PrivateProfiles>> Start(int pg_port, const TestTokens& tokens);
};

}  // namespace meltingdoc::testing
