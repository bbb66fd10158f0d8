// The pool against a real PostgreSQL (a scratch database on the shared test server, with the
// per-service schemas and roles of deploy/sql/bootstrap.sql).
#include "libs/pg/pool.h"

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/pg/migrations.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"

namespace meltingdoc::pg {
namespace {

using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::SharedPostgresPort;
using ::testing::HasSubstr;

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  // A pool connected as `role` (a service), with that service's schema.
  std::unique_ptr<Pool> PoolFor(const std::string& role, int size = 2) {
    PoolOptions options;
    options.url = db_->Url(role);
    options.schema = role;
    options.size = size;
    return Pool::Create(std::move(options));
  }

  absl::StatusOr<std::string> QueryString(Pool& pool, const std::string& sql) {
    return InTransaction<std::string>(
        pool, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
          return txn.exec1(sql)[0].as<std::string>();
        });
  }

  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(PoolTest, NewConnectionsGetSchemaSearchPathAndPreparedStatements) {
  PoolOptions options;
  options.url = db_->Url("profiles");
  options.schema = "profiles";
  options.prepare = [](pqxx::connection& conn) { conn.prepare("answer", "SELECT 41 + $1"); };
  auto pool = Pool::Create(std::move(options));

  EXPECT_EQ(QueryString(*pool, "SHOW search_path").value_or("error"), "profiles, extensions");
  EXPECT_EQ(QueryString(*pool, "SHOW statement_timeout").value_or("error"), "10s");
  absl::StatusOr<int> answer =
      InTransaction<int>(*pool, [](pqxx::transaction_base& txn) -> absl::StatusOr<int> {
        return txn.exec_prepared1("answer", 1)[0].as<int>();
      });
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, 42);
}

TEST_F(PoolTest, UniqueViolationIsAlreadyExistsAndRollsBack) {
  auto pool = PoolFor("profiles");
  std::vector<Migration> migrations = {
      {1, "0001_people", "CREATE TABLE people (email text PRIMARY KEY)"}};
  ASSERT_TRUE(ApplyMigrations(*pool, "profiles", {{"service", &migrations}}).ok());

  auto insert_twice = [](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params("INSERT INTO people (email) VALUES ($1)", "a@example.org");
    txn.exec_params("INSERT INTO people (email) VALUES ($1)", "SECRET@example.org");
    txn.exec_params("INSERT INTO people (email) VALUES ($1)", "SECRET@example.org");
    return absl::OkStatus();
  };
  absl::Status s = pool->InTransaction(insert_twice);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("23505"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("SECRET")));
  // The whole transaction was rolled back, and the connection is still usable.
  EXPECT_EQ(QueryString(*pool, "SELECT count(*) FROM people").value_or("error"), "0");
}

TEST_F(PoolTest, BodyErrorRollsBackAndOkCommits) {
  auto pool = PoolFor("profiles");
  std::vector<Migration> migrations = {{1, "0001_t", "CREATE TABLE t (x int)"}};
  ASSERT_TRUE(ApplyMigrations(*pool, "profiles", {{"service", &migrations}}).ok());

  absl::Status failed = pool->InTransaction([](pqxx::transaction_base& txn) {
    txn.exec("INSERT INTO t VALUES (1)");
    return absl::NotFoundError("changed my mind");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(pool->InTransaction([](pqxx::transaction_base& txn) {
                    txn.exec("INSERT INTO t VALUES (2)");
                    return absl::OkStatus();
                  }).ok());
  EXPECT_EQ(QueryString(*pool, "SELECT string_agg(x::text, ',') FROM t").value_or("error"), "2");
}

TEST_F(PoolTest, ReadOneStatementRunsWithoutATransactionAndMapsErrors) {
  auto pool = PoolFor("profiles", 1);
  std::vector<Migration> migrations = {{1, "0001_t", "CREATE TABLE t (x int); INSERT INTO t VALUES (7)"}};
  ASSERT_TRUE(ApplyMigrations(*pool, "profiles", {{"service", &migrations}}).ok());

  // Autocommit: no transaction block is open while the statement runs.
  auto read = ReadOneStatement<std::string>(
      *pool, [](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
        return txn.exec1("SELECT x::text || ' ' || (now() = statement_timestamp())::text FROM t")[0]
            .as<std::string>();
      });
  ASSERT_TRUE(read.ok()) << read.status();
  // Inside a transaction now() is the transaction's start, earlier than the statement's.
  EXPECT_EQ(*read, "7 true");

  absl::Status bad = pool->ReadOneStatement([](pqxx::transaction_base& txn) {
    txn.exec("SELECT x FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(bad.code(), absl::StatusCode::kInternal) << bad;
  EXPECT_THAT(std::string(bad.message()), ::testing::HasSubstr("42P01"));
  // The single connection is still usable afterwards.
  EXPECT_EQ(QueryString(*pool, "SELECT count(*)::text FROM t").value_or("error"), "1");
}

TEST_F(PoolTest, ServiceRoleCannotReadAnotherServicesSchema) {
  auto identity = PoolFor("identity");
  std::vector<Migration> migrations = {{1, "0001_users", "CREATE TABLE users (id int)"}};
  ASSERT_TRUE(ApplyMigrations(*identity, "identity", {{"service", &migrations}}).ok());

  auto profiles = PoolFor("profiles");
  absl::StatusOr<std::string> read =
      QueryString(*profiles, "SELECT count(*)::text FROM identity.schema_migrations");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied) << read.status();
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("permission denied"));
  // The owner can.
  EXPECT_EQ(QueryString(*identity, "SELECT count(*)::text FROM identity.schema_migrations")
                .value_or("error"),
            "1");
}

TEST_F(PoolTest, AcquireTimesOutWhenEveryConnectionIsHeld) {
  PoolOptions options;
  options.url = db_->Url("profiles");
  options.schema = "profiles";
  options.size = 1;
  options.acquire_timeout = absl::Milliseconds(300);
  auto pool = Pool::Create(std::move(options));

  absl::Notification held, release;
  std::thread holder([&] {
    EXPECT_TRUE(pool->WithConnection([&](pqxx::connection&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    }).ok());
  });
  held.WaitForNotification();
  const absl::Time start = absl::Now();
  absl::Status s = pool->Ping();
  const absl::Duration waited = absl::Now() - start;
  release.Notify();
  holder.join();

  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("no connection within 300ms"));
  EXPECT_GE(waited, absl::Milliseconds(290));
  EXPECT_LT(waited, absl::Seconds(2));
  // Once the connection is back, the pool serves again.
  EXPECT_TRUE(pool->Ping().ok());
}

TEST_F(PoolTest, WaiterGetsConnectionReleasedWhileItWaits) {
  PoolOptions options;
  options.url = db_->Url("profiles");
  options.schema = "profiles";
  options.size = 1;
  options.acquire_timeout = absl::Seconds(5);
  auto pool = Pool::Create(std::move(options));

  absl::Notification held;
  std::thread holder([&] {
    EXPECT_TRUE(pool->WithConnection([&](pqxx::connection&) {
                      held.Notify();
                      absl::SleepFor(absl::Milliseconds(200));
                      return absl::OkStatus();
                    }).ok());
  });
  held.WaitForNotification();
  EXPECT_TRUE(pool->Ping().ok());
  holder.join();
}

TEST_F(PoolTest, TerminatedBackendIsReplacedBeforeTheNextCall) {
  auto pool = PoolFor("profiles", 1);
  absl::StatusOr<std::string> pid = QueryString(*pool, "SELECT pg_backend_pid()::text");
  ASSERT_TRUE(pid.ok()) << pid.status();
  // Waits (up to 5 s) until the backend is gone, so its socket is closed when we go on.
  ASSERT_TRUE(db_->SuperuserSql(absl::StrCat("SELECT pg_terminate_backend(", *pid, ", 5000)")).ok());

  absl::StatusOr<std::string> next = QueryString(*pool, "SELECT pg_backend_pid()::text");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_NE(*next, *pid);
  EXPECT_EQ(QueryString(*pool, "SHOW search_path").value_or("error"), "profiles, extensions");
}

TEST_F(PoolTest, StatementTimeoutIsDeadlineExceeded) {
  PoolOptions options;
  options.url = db_->Url("profiles");
  options.schema = "profiles";
  options.size = 1;
  options.statement_timeout = absl::Milliseconds(100);
  auto pool = Pool::Create(std::move(options));

  absl::Status s = pool->InTransaction([](pqxx::transaction_base& txn) {
    txn.exec("SELECT pg_sleep(2)");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_TRUE(pool->Ping().ok());
}

TEST(PoolNoServerTest, ConnectFailureIsUnavailable) {
  PoolOptions options;
  options.url = meltingdoc::testing::PgUrl(meltingdoc::testing::FreeTcpPort(), "x", "x");
  options.size = 1;
  options.acquire_timeout = absl::Milliseconds(200);
  auto pool = Pool::Create(std::move(options));
  const absl::Time start = absl::Now();
  absl::Status s = pool->Ping();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // The failed attempt gave its slot back: a second try fails the same way, not by timeout.
  EXPECT_THAT(std::string(pool->Ping().message()), ::testing::Not(HasSubstr("no connection")));
}

}  // namespace
}  // namespace meltingdoc::pg
