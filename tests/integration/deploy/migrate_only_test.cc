// `<binary> --migrate_only`, the command of the Kubernetes migration Jobs: applies the
// service's migrations and exits 0 without serving, needing neither Redis nor keys; twice is
// harmless; a database that never answers is exit 1, so the Job fails visibly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs the binary with --migrate_only (set by environment, as the Job's container does) and
// returns its exit code and log.
std::pair<int, std::string> MigrateOnly(const std::string& service, const std::string& pg_url,
                                        std::map<std::string, std::string> env = {}) {
  const std::string p = absl::StrCat("MELTINGDOC_", absl::AsciiStrToUpper(service), "_");
  env[p + "MIGRATE_ONLY"] = "true";
  // No Redis listens there: --migrate_only must not need it.
  auto sp = ServiceProcess::Start({.service = service,
                                   .pg_url = pg_url,
                                   .redis_port = FreeTcpPort(),
                                   .public_keys_file = "/nonexistent/public_keys",
                                   .extra_env = env,
                                   .credentials = nullptr});
  EXPECT_TRUE(sp.ok()) << sp.status();
  if (!sp.ok()) return {-1, ""};
  absl::StatusOr<int> code = (*sp)->process().Wait(absl::Seconds(60));
  EXPECT_TRUE(code.ok()) << service << " still running after 60 s with --migrate_only";
  return {code.ok() ? *code : -1, (*sp)->ReadLog()};
}

TEST(MigrateOnlyTest, AppliesMigrationsAndExitsWithoutServing) {
  REQUIRE_SHARED_SERVERS();
  auto db = ScratchDatabase::Create(SharedPostgresPort());
  ASSERT_TRUE(db.ok()) << db.status();
  for (const char* service : {"identity", "profiles", "discussions", "search"}) {
    auto [code, log] = MigrateOnly(service, (*db)->Url(service));
    EXPECT_EQ(code, 0) << service << ":\n" << log;
    EXPECT_THAT(log, HasSubstr("migrate only: done")) << service;
    EXPECT_THAT(log, Not(HasSubstr("\"listening\""))) << service;
    absl::StatusOr<std::string> applied = (*db)->SuperuserSql(
        absl::StrCat("SELECT count(*) FROM ", service, ".schema_migrations"));
    ASSERT_TRUE(applied.ok()) << service << ": " << applied.status();
    EXPECT_GT(std::stoi(*applied), 0) << service;

    // A second run (the next deploy) finds nothing to do and succeeds.
    auto [again, again_log] = MigrateOnly(service, (*db)->Url(service));
    EXPECT_EQ(again, 0) << service << ":\n" << again_log;
    absl::StatusOr<std::string> still = (*db)->SuperuserSql(
        absl::StrCat("SELECT count(*) FROM ", service, ".schema_migrations"));
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(*still, *applied) << service;
  }
}

TEST(MigrateOnlyTest, FailsWhenTheDatabaseNeverAnswers) {
  REQUIRE_SHARED_SERVERS();
  const std::string url = PgUrl(FreeTcpPort(), "identity", "meltingdoc");
  auto [code, log] = MigrateOnly("identity", url, {{"MELTINGDOC_IDENTITY_STARTUP_TIMEOUT", "1s"}});
  EXPECT_EQ(code, 1) << log;
  EXPECT_THAT(log, HasSubstr("start-up failed"));
}

}  // namespace
}  // namespace meltingdoc::testing
