// The pool survives a PostgreSQL crash and restart without being recreated: calls fail fast
// while the server is down and succeed again as soon as it is back.
#include <pqxx/pqxx>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/pg/pool.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"

namespace meltingdoc::pg {
namespace {

using ::meltingdoc::testing::LocalPostgres;

// Fills the pool with `n` open connections by holding them all at the same time.
void OpenConnections(Pool& pool, int n) {
  absl::Notification all_held;
  std::atomic<int> held{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(pool.WithConnection([&](pqxx::connection&) {
                        if (++held == n) all_held.Notify();
                        all_held.WaitForNotification();
                        return absl::OkStatus();
                      }).ok());
    });
  }
  for (std::thread& t : threads) t.join();
}

absl::Status InsertRow(Pool& pool) {
  return pool.InTransaction([](pqxx::transaction_base& txn) {
    txn.exec("INSERT INTO survivors VALUES (1)");
    return absl::OkStatus();
  });
}

TEST(PoolRestartTest, RecoversAfterPostgresRestart) {
  auto pg = LocalPostgres::Create();
  ASSERT_TRUE(pg.ok()) << pg.status();
  PoolOptions options;
  options.url = meltingdoc::testing::PgUrl((*pg)->port(), "postgres", "postgres");
  options.schema = "public";
  options.size = 3;
  options.acquire_timeout = absl::Seconds(2);
  auto pool = Pool::Create(std::move(options));
  ASSERT_TRUE(pool->InTransaction([](pqxx::transaction_base& txn) {
                    txn.exec("CREATE TABLE survivors (x int)");
                    return absl::OkStatus();
                  }).ok());
  OpenConnections(*pool, 3);

  ASSERT_TRUE((*pg)->StopImmediate().ok());
  // Down: every call fails at once with UNAVAILABLE (no hang until some timeout).
  for (int i = 0; i < 2; ++i) {
    const absl::Time start = absl::Now();
    absl::Status down = InsertRow(*pool);
    EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
    EXPECT_LT(absl::Now() - start, absl::Seconds(1)) << down;
  }

  ASSERT_TRUE((*pg)->Start().ok());
  // Back: one stale connection may still surface as UNAVAILABLE, the next call must work.
  const absl::Time back = absl::Now();
  absl::Status first = InsertRow(*pool);
  if (!first.ok()) {
    EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable) << first;
    absl::Status second = InsertRow(*pool);
    EXPECT_TRUE(second.ok()) << second;
  }
  EXPECT_LT(absl::Now() - back, absl::Seconds(5));
  // Every pooled connection works again, also when they are all in use at once.
  OpenConnections(*pool, 3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(pool->Ping().ok());
}

}  // namespace
}  // namespace meltingdoc::pg
