// The search index on a real PostgreSQL and Redis, for the integration tests of this
// directory: a scratch database migrated like the service's, an Indexer on test-only streams,
// and the service's handlers called in-process with real signed tokens.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "libs/server/executor.h"
#include "services/search/indexer.h"
#include "services/search/memory_search_store.h"
#include "services/search/pg_search_store.h"
#include "services/search/search_service.h"
#include "tests/integration/search/search_events.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"
#include "tests/unit/services/handler_fixture.h"

const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

namespace meltingdoc::search::testing {

class SearchFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ::meltingdoc::testing::ScratchDatabase::Create(::meltingdoc::testing::SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    pg::PoolOptions po;
    po.url = db_->Url("search");
    po.schema = "search";
    po.size = 3;
    pool_ = pg::Pool::Create(std::move(po));
    absl::StatusOr<int> applied = pg::ApplyMigrations(
        *pool_, "search", {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}});
    ASSERT_TRUE(applied.ok()) << applied.status();

    redis::RedisOptions ro;
    ro.port = ::meltingdoc::testing::SharedRedisPort();
    redis_ = std::make_unique<redis::RedisClient>(ro);
    const std::string tag = NewUuid();
    profiles_stream_ = "test.search.profiles." + tag;
    discussions_stream_ = "test.search.discussions." + tag;
    IndexerOptions io;
    io.streams = {profiles_stream_, discussions_stream_};
    io.consumer_name = "test";
    io.redis = ro;
    io.block = absl::Milliseconds(5);
    indexer_ = std::make_unique<Indexer>(pool_.get(), io, &Clock::Real());

    keys_ = auth::KeySet::LoadFromFile(tokens_.public_keys_file()).value();
    verifier_ = std::make_unique<auth::TokenVerifier>(&keys_, &Clock::Real());
    store_ = std::make_unique<PgSearchStore>(pool_.get());
    // What the service runs: SearchDoctors and Suggest from the in-memory replica, brought up
    // to date before each query of the helpers below (the service follows every 100 ms).
    memory_ = std::make_unique<MemorySearchStore>(pool_.get(), store_.get());
    service_ = std::make_unique<SearchServiceImpl>(memory_.get(), verifier_.get(), &executor_);
  }

  void TearDown() override {
    if (redis_) {
      (void)redis_->Command({"DEL", profiles_stream_});
      (void)redis_->Command({"DEL", discussions_stream_});
    }
  }

  void PublishProfile(const Event& e) { ASSERT_TRUE(Publish(*redis_, profiles_stream_, e).ok()); }
  void PublishDiscussion(const Event& e) {
    ASSERT_TRUE(Publish(*redis_, discussions_stream_, e).ok());
  }
  // Applies everything published so far.
  void Drain() {
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<int> n = indexer_->PollOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      absl::StatusOr<int64_t> waiting = indexer_->Backlog();
      ASSERT_TRUE(waiting.ok()) << waiting.status();
      if (*waiting == 0) return;
    }
    FAIL() << "events still waiting";
  }

  std::string Token(const std::string& account = NewUuid()) {
    return "Bearer " + tokens_.VerifiedDoctor(account);
  }

  // A reading can fail while a Reindex swaps the tables (the service's thread retries 100 ms
  // later, queries keep the replica meanwhile); here too, a few times.
  void CatchUp() {
    absl::Status s;
    for (int attempt = 0; attempt < 5; ++attempt) {
      s = memory_->CatchUp();
      if (s.ok()) return;
      absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_TRUE(s.ok()) << s;
  }
  v1::SearchDoctorsResponse Doctors(v1::SearchDoctorsRequest req) {
    CatchUp();
    v1::SearchDoctorsResponse resp;
    const absl::Status s = service_->DoSearchDoctors(::meltingdoc::testing::CallContext(Token()).get(), req, resp);
    EXPECT_TRUE(s.ok()) << s;
    return resp;
  }
  v1::SearchDoctorsResponse Doctors(const std::string& query) {
    v1::SearchDoctorsRequest req;
    req.set_query(query);
    return Doctors(req);
  }
  static std::vector<std::string> Ids(const v1::SearchDoctorsResponse& r) {
    std::vector<std::string> ids;
    for (const auto& d : r.doctors()) ids.push_back(d.profile_id());
    return ids;
  }
  v1::SearchCasesResponse Cases(const std::string& account, v1::SearchCasesRequest req) {
    v1::SearchCasesResponse resp;
    const absl::Status s = service_->DoSearchCases(::meltingdoc::testing::CallContext(Token(account)).get(), req, resp);
    EXPECT_TRUE(s.ok()) << s;
    return resp;
  }
  static std::vector<std::string> CaseIds(const v1::SearchCasesResponse& r) {
    std::vector<std::string> ids;
    for (const auto& c : r.cases()) ids.push_back(c.case_id());
    return ids;
  }
  std::vector<v1::Suggestion> Suggest(const std::string& prefix) {
    v1::SuggestRequest req;
    req.set_prefix(prefix);
    CatchUp();
    v1::SuggestResponse resp;
    const absl::Status s = service_->DoSuggest(::meltingdoc::testing::CallContext(Token()).get(), req, resp);
    EXPECT_TRUE(s.ok()) << s;
    return {resp.suggestions().begin(), resp.suggestions().end()};
  }
  int64_t Count(const std::string& sql) {
    absl::StatusOr<int64_t> n = pg::InTransaction<int64_t>(
        *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
          return txn.exec(sql)[0][0].as<int64_t>();
        });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<::meltingdoc::testing::ScratchDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::string profiles_stream_, discussions_stream_;
  std::unique_ptr<Indexer> indexer_;
  meltingdoc::testing::TestTokens tokens_;
  auth::KeySet keys_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  server::BoundedExecutor executor_{4, 64};
  std::unique_ptr<PgSearchStore> store_;
  std::unique_ptr<MemorySearchStore> memory_;
  std::unique_ptr<SearchServiceImpl> service_;
};

}  // namespace meltingdoc::search::testing
