// What tests/run.sh (or a developer) provides to the tests, read from the environment:
//   MELTINGDOC_TEST_PG_PORT     port of the shared throwaway PostgreSQL (trust auth on 127.0.0.1)
//   MELTINGDOC_TEST_REDIS_PORT  port of the shared throwaway Redis
//   MELTINGDOC_TEST_PG_BINDIR   PostgreSQL server binaries (default /usr/lib/postgresql/15/bin)
//   MELTINGDOC_BINARY_DIR, MELTINGDOC_SOURCE_DIR   set by CTest
// Integration tests call GTEST_SKIP when these are absent; tests/run.sh always sets them and
// fails the run if any test was skipped.
#pragma once

#include <string>

namespace meltingdoc::testing {

std::string EnvOr(const char* name, const std::string& fallback);
int SharedPostgresPort();  // 0 when not set
int SharedRedisPort();     // 0 when not set
std::string PostgresBinDir();
std::string BinaryDir();
std::string SourceDir();

// A TCP port on 127.0.0.1 that was free a moment ago, below the ephemeral range (see test_env.cc).
int FreeTcpPort();

// postgresql://<user>@127.0.0.1:<port>/<db>
std::string PgUrl(int port, const std::string& user, const std::string& db);

}  // namespace meltingdoc::testing

// Skips the current test unless the shared PostgreSQL and Redis are available.
#define REQUIRE_SHARED_SERVERS()                                                        \
  do {                                                                                  \
    if (::meltingdoc::testing::SharedPostgresPort() == 0 ||                            \
        ::meltingdoc::testing::SharedRedisPort() == 0)                                  \
      GTEST_SKIP() << "MELTINGDOC_TEST_PG_PORT / MELTINGDOC_TEST_REDIS_PORT not set; " \
                      "run through tests/run.sh";                                        \
  } while (false)
