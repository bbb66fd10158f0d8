// The migration runner against a real PostgreSQL, as the "identity" service role on its own
// schema of a scratch database.
#include "libs/pg/migrations.h"

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/pg/pool.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"

namespace meltingdoc::pg {
namespace {

using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::SharedPostgresPort;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kSchema[] = "identity";

std::vector<Migration> ThreeMigrations() {
  return {
      {1, "0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"},
      {2, "0002_users_email", "CREATE UNIQUE INDEX users_email ON users (email);"},
      // Two statements in one migration; the second finds the table through search_path.
      {3, "0003_sessions",
       "CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"
       "ALTER TABLE sessions ADD COLUMN expires_at timestamptz;"},
  };
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pool_ = NewPool();
  }

  std::unique_ptr<Pool> NewPool() {
    PoolOptions options;
    options.url = db_->Url(kSchema);
    options.schema = kSchema;
    return Pool::Create(std::move(options));
  }

  // Tables and columns of the schema, for "nothing else changed" comparisons.
  std::string SchemaShape() {
    auto shape = db_->SuperuserSql(
        "SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, "
        "column_name) FROM information_schema.columns WHERE table_schema = 'identity'");
    EXPECT_TRUE(shape.ok()) << shape.status();
    return shape.value_or("error");
  }

  std::string Sql(const std::string& sql) { return db_->SuperuserSql(sql).value_or("error"); }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(MigrationsTest, AppliesInOrderAndSecondRunIsANoOp) {
  const std::vector<Migration> migrations = ThreeMigrations();
  absl::StatusOr<int> first = ApplyMigrations(*pool_, kSchema, {{"service", &migrations}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 3);
  const std::string shape = SchemaShape();
  EXPECT_THAT(shape, HasSubstr("sessions.expires_at"));
  EXPECT_EQ(Sql("SELECT string_agg(component || ':' || version || ':' || name, ',' ORDER BY "
                "version) FROM identity.schema_migrations"),
            "service:1:0001_users,service:2:0002_users_email,service:3:0003_sessions\n");

  absl::StatusOr<int> second = ApplyMigrations(*pool_, kSchema, {{"service", &migrations}});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(SchemaShape(), shape);
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.schema_migrations"), "3\n");
}

TEST_F(MigrationsTest, AppendedMigrationIsAppliedAlone) {
  std::vector<Migration> migrations = ThreeMigrations();
  migrations.pop_back();
  ASSERT_EQ(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).value_or(-1), 2);
  migrations = ThreeMigrations();
  EXPECT_EQ(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).value_or(-1), 1);
}

TEST_F(MigrationsTest, ComponentsAreNumberedIndependently) {
  const std::vector<Migration> service = ThreeMigrations();
  const std::vector<Migration> outbox = {
      {1, "0001_outbox", "CREATE TABLE outbox (id bigserial PRIMARY KEY, payload bytea);"}};
  absl::StatusOr<int> applied =
      ApplyMigrations(*pool_, kSchema, {{"service", &service}, {"outbox", &outbox}});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 4);
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.schema_migrations WHERE version = 1"), "2\n");
}

TEST_F(MigrationsTest, TwoRunnersAtOnceApplyEachMigrationOnce) {
  // The sleep keeps the first runner inside its transaction long enough for the second to
  // arrive while it holds the lock.
  std::vector<Migration> migrations = ThreeMigrations();
  migrations[0].sql += " SELECT pg_sleep(0.5);";
  auto other_pool = NewPool();

  absl::Notification go;
  absl::StatusOr<int> results[2] = {absl::UnknownError("not run"), absl::UnknownError("not run")};
  Pool* pools[2] = {pool_.get(), other_pool.get()};
  std::vector<std::thread> runners;
  for (int i = 0; i < 2; ++i) {
    runners.emplace_back([&, i] {
      go.WaitForNotification();
      results[i] = ApplyMigrations(*pools[i], kSchema, {{"service", &migrations}});
    });
  }
  go.Notify();
  for (std::thread& t : runners) t.join();

  ASSERT_TRUE(results[0].ok()) << results[0].status();
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_THAT((std::vector<int>{*results[0], *results[1]}), UnorderedElementsAre(3, 0));
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.schema_migrations"), "3\n");
}

TEST_F(MigrationsTest, ChangedMigrationIsRefused) {
  std::vector<Migration> migrations = ThreeMigrations();
  ASSERT_TRUE(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).ok());

  migrations[1].sql = "CREATE INDEX users_email ON users (email);";
  migrations.push_back({4, "0004_more", "CREATE TABLE more (id int);"});
  absl::StatusOr<int> changed = ApplyMigrations(*pool_, kSchema, {{"service", &migrations}});
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kFailedPrecondition) << changed.status();
  EXPECT_THAT(std::string(changed.status().message()), HasSubstr("0002_users_email"));
  // Refused before anything new ran.
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.schema_migrations"), "3\n");
  EXPECT_THAT(SchemaShape(), ::testing::Not(HasSubstr("more.id")));
}

TEST_F(MigrationsTest, MissingAppliedMigrationIsRefused) {
  std::vector<Migration> migrations = ThreeMigrations();
  ASSERT_TRUE(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).ok());
  migrations.erase(migrations.begin() + 1);
  absl::StatusOr<int> missing = ApplyMigrations(*pool_, kSchema, {{"service", &migrations}});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition) << missing.status();
}

TEST_F(MigrationsTest, FailingMigrationLeavesNothingApplied) {
  std::vector<Migration> migrations = ThreeMigrations();
  migrations.push_back({4, "0004_broken", "ALTER TABLE no_such_table ADD COLUMN x int;"});
  absl::StatusOr<int> failed = ApplyMigrations(*pool_, kSchema, {{"service", &migrations}});
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("0004_broken"));
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("42P01"));
  // Not even the bookkeeping table survived the rollback.
  EXPECT_EQ(SchemaShape(), "\n");

  migrations.back().sql = "ALTER TABLE users ADD COLUMN x int;";
  EXPECT_EQ(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).value_or(-1), 4);
}

TEST_F(MigrationsTest, OutOfOrderVersionsAreInvalidArgument) {
  std::vector<Migration> migrations = ThreeMigrations();
  std::swap(migrations[0], migrations[1]);
  EXPECT_EQ(ApplyMigrations(*pool_, kSchema, {{"service", &migrations}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meltingdoc::pg
