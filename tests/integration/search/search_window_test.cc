// SearchCases' bounded ranking on a real PostgreSQL: a query that the lexicon says matches
// many cases is ranked over its matches among the newest cases only (PgSearchStore,
// ranked_candidates; bench/README.md has the measurements). Here ranked_candidates is tiny so
// that a hundred cases are "many": the window must keep every visibility rule (private groups,
// hidden, deleted), fall back to every case when a filter leaves it empty, and leave selective
// queries alone.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/common/uuid.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "services/search/pg_index_store.h"
#include "services/search/pg_search_store.h"
#include "tests/integration/search/search_events.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"

const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

namespace meltingdoc::search {
namespace {

using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::SharedPostgresPort;
using ::testing::Contains;
using ::testing::IsSubsetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using namespace ::meltingdoc::search::testing;  // NOLINT: event builders

class SearchWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    pg::PoolOptions po;
    po.url = db_->Url("search");
    po.schema = "search";
    po.size = 2;
    pool_ = pg::Pool::Create(std::move(po));
    absl::StatusOr<int> applied = pg::ApplyMigrations(
        *pool_, "search", {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}});
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  void Apply(const Event& e) {
    const absl::Status s = pool_->InTransaction(
        [&](pqxx::transaction_base& txn) { return ApplyEvent(txn, e).status(); });
    ASSERT_TRUE(s.ok()) << s;
  }

  std::vector<std::string> Search(PgSearchStore& store, const std::string& caller,
                                  const std::string& text, int limit,
                                  std::optional<bool> resolved = {}) {
    CaseQuery q;
    q.text = ParseQuery(text);
    q.caller_account_id = caller;
    q.resolved = resolved;
    q.limit = limit;
    absl::StatusOr<CasePage> page = store.SearchCases(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const v1::CaseHit& h : page->hits) ids.push_back(h.case_id());
    }
    return ids;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
};

TEST_F(SearchWindowTest, CommonWordsAreRankedAmongTheNewestCasesWithEveryVisibilityRule) {
  const std::string member = NewUuid(), outsider = NewUuid();
  const std::string group = NewUuid(), open_space = NewUuid();
  Apply(GroupMembershipChanged(group, member, true, 1));
  const int64_t t0 = 1'767'225'600;
  std::vector<std::string> open_ids, private_ids, hidden_ids, deleted_ids, resolved_ids;
  std::string rare_id;
  for (int i = 0; i < 100; ++i) {
    // Open cases say "douleur" more often: ranked over every case, they come first.
    CaseSpec c{.space_id = open_space, .title = "Douleur thoracique, douleur atypique",
               .context = "Patient avec une douleur persistante.", .question = "Quel bilan ?",
               .resolved = i < 2, .create_seconds = t0 + i * 60};
    if (i == 3) c.context += " Porphyrie aiguë intermittente ?";
    Apply(CaseChanged(c, 1));
    open_ids.push_back(c.id);
    if (i < 2) resolved_ids.push_back(c.id);
    if (i == 3) rare_id = c.id;
  }
  // The newest cases: a private group's, then hidden and deleted ones.
  for (int i = 0; i < 20; ++i) {
    CaseSpec c{.space_id = i < 10 ? group : open_space, .title = "Douleur abdominale",
               .context = "Douleur depuis trois jours.", .question = "Scanner ?",
               .hidden = i >= 10 && i < 15, .private_group = i < 10,
               .create_seconds = t0 + 10'000 + i * 60};
    Apply(CaseChanged(c, 1));
    if (i < 10) private_ids.push_back(c.id);
    if (i >= 10 && i < 15) hidden_ids.push_back(c.id);
    if (i >= 15) {
      Apply(CaseDeleted(c.id, 2));
      deleted_ids.push_back(c.id);
    }
  }
  ASSERT_TRUE(pool_->WithConnection([](pqxx::connection& c) {
                pqxx::nontransaction t(c);
                t.exec("ANALYZE cases");  // the window is sized from the table's row estimate
                return absl::OkStatus();
              }).ok());

  // Every case says "douleur": 115 expected matches of 115 visible cases. With 4 ranked
  // candidates the window is the 6 newest visible cases, all of them the private group's.
  PgSearchStore bounded(pool_.get(), PgSearchStoreOptions{.ranked_candidates = 4});
  const std::vector<std::string> for_member = Search(bounded, member, "douleur ", 3);
  EXPECT_EQ(for_member.size(), 3u);
  EXPECT_THAT(for_member, IsSubsetOf(private_ids)) << "not ranked within the newest cases";
  // Ranked over every case, the open cases (more "douleur") come first.
  PgSearchStore unbounded(pool_.get());
  EXPECT_THAT(Search(unbounded, member, "douleur ", 3), IsSubsetOf(open_ids));

  // An outsider's window holds nothing it may read: the page is read over every case, and
  // still never shows the group's, hidden or deleted cases.
  const std::vector<std::string> for_outsider = Search(bounded, outsider, "douleur ", 20);
  EXPECT_EQ(for_outsider.size(), 20u);
  EXPECT_THAT(for_outsider, IsSubsetOf(open_ids));

  // A filter that empties the window: the old resolved cases are still found.
  EXPECT_THAT(Search(bounded, member, "douleur ", 3, true),
              UnorderedElementsAre(resolved_ids[0], resolved_ids[1]));

  // A rare word is ranked over every case: the old case that has it is found.
  EXPECT_THAT(Search(bounded, outsider, "porphyrie ", 3), UnorderedElementsAre(rare_id));

  // Hidden and deleted cases never, through either path.
  for (const auto& ids : {for_member, for_outsider, Search(bounded, member, "abdominale ", 20)}) {
    for (const std::string& id : hidden_ids) EXPECT_THAT(ids, Not(Contains(id)));
    for (const std::string& id : deleted_ids) EXPECT_THAT(ids, Not(Contains(id)));
  }
}

// SearchCases looks the lexicon up without a transaction, with the trigram threshold and JIT
// setting of the session: on a fresh connection (neither set yet) the first query must still
// find a typo that only the 0.2 threshold finds ("guotte": similarity 0.27 to "goutte"), and a
// typo of a common word must still be ranked within the window of newest cases, which its
// alternatives' counts size (the look-up's own guess assumes no typo).
TEST_F(SearchWindowTest, TyposOnAFreshConnectionAndTheWindowTheirAlternativesSize) {
  const std::string member = NewUuid(), space = NewUuid();
  const int64_t t0 = 1'767'225'600;
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    CaseSpec c{.space_id = space, .title = "Goutte tophacée", .context = "Crise de goutte.",
               .question = "Colchicine ?", .create_seconds = t0 + i * 60};
    Apply(CaseChanged(c, 1));
    ids.push_back(c.id);
  }
  ASSERT_TRUE(pool_->WithConnection([](pqxx::connection& c) {
                pqxx::nontransaction t(c);
                t.exec("ANALYZE cases");
                return absl::OkStatus();
              }).ok());
  pg::PoolOptions po;
  po.url = db_->Url("search");
  po.schema = "search";
  po.size = 1;
  std::unique_ptr<pg::Pool> fresh = pg::Pool::Create(std::move(po));
  // 30 expected matches, 4 candidates: the window starts at the 7th newest case (OFFSET 6).
  PgSearchStore bounded(fresh.get(), PgSearchStoreOptions{.ranked_candidates = 4});
  const std::vector<std::string> newest(ids.end() - 7, ids.end());
  const std::vector<std::string> typo = Search(bounded, member, "guotte ", 3);
  EXPECT_EQ(typo.size(), 3u) << "the typo was not corrected on a fresh connection";
  EXPECT_THAT(typo, IsSubsetOf(newest)) << "not ranked within the newest cases";
  EXPECT_THAT(Search(bounded, member, "goutte ", 3), IsSubsetOf(newest));
  // The settings stay with the session for the next queries.
  absl::StatusOr<std::string> jit = pg::ReadOneStatement<std::string>(
      *fresh, [](pqxx::transaction_base& t) -> absl::StatusOr<std::string> {
        return t.exec1("SELECT current_setting('jit')")[0].as<std::string>();
      });
  ASSERT_TRUE(jit.ok()) << jit.status();
  EXPECT_EQ(*jit, "off");
}

// SearchDoctors probes the matched competences of the best score bounds only (the bound
// counts every endorsement, the score only the matched competences'): with 3 candidates and
// bounds that mislead (large endorsements of a competence the query does not match), every
// page must still be exactly the page of the store that probes every match.
TEST_F(SearchWindowTest, DoctorPagesFromTheBestBoundsAreExactlyThePagesOfEveryMatch) {
  for (int i = 0; i < 40; ++i) {
    DoctorSpec d;
    d.family = "Martin" + std::string(1, static_cast<char>('a' + i % 26));
    d.headline = i % 3 == 0 ? "Fertilité, bilan de fertilité" : "Gynécologue";
    d.competences = {{.code = "gyn-fertilite", .label = "Fertilité et AMP",
                      .synonyms = {"PMA"}, .endorsements = (i * 7) % 11},
                     {.code = "gyn-senologie", .label = "Sénologie",
                      .endorsements = (i * 13) % 50}};
    Apply(ProfileChanged(d, 1));
  }
  PgSearchStore few(pool_.get(), PgSearchStoreOptions{.doctor_candidates = 3});
  PgSearchStore all(pool_.get(), PgSearchStoreOptions{.doctor_candidates = 1000});
  const auto pages = [](PgSearchStore& store) {
    std::vector<std::vector<std::string>> out;
    DoctorQuery q;
    q.text = ParseQuery("fertilité ");
    q.limit = 5;
    for (int page = 0; page < 20; ++page) {
      absl::StatusOr<DoctorPage> p = store.SearchDoctors(q);
      EXPECT_TRUE(p.ok()) << p.status();
      if (!p.ok()) break;
      std::vector<std::string> ids;
      for (const v1::DoctorHit& h : p->hits) ids.push_back(h.profile_id());
      out.push_back(ids);
      if (!p->next.has_value()) break;
      q.after = p->next;
    }
    return out;
  };
  const std::vector<std::vector<std::string>> expected = pages(all);
  ASSERT_EQ(expected.size(), 8u);
  EXPECT_EQ(pages(few), expected);
}

}  // namespace
}  // namespace meltingdoc::search
