// The relevance test set (issue #6 item 6): the 20 000 doctors of tests/data/relevance
// (tests/data/relevance/generate.py) loaded into a real index through ApplyEvents — the code
// that applies the stream's ProfileChanged and Reindex's pages, in transactions of 500 — then every query of
// queries.tsv through SearchDoctors. Prints recall@5 (the share of each query's relevant
// doctors found in the first 5, averaged), MRR (first relevant doctor in the first 10) and
// the queries that missed; fails below recall@5 = 0.9.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/search/pg_index_store.h"
#include "tests/integration/search/search_fixture.h"

namespace meltingdoc::search {
namespace {

using namespace ::meltingdoc::search::testing;  // NOLINT: fixture

constexpr double kMinRecallAt5 = 0.9;
constexpr size_t kBatch = 500;

std::vector<std::vector<std::string>> ReadTsv(const std::string& name) {
  std::ifstream in(::meltingdoc::testing::SourceDir() + "/tests/data/relevance/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(absl::StrSplit(line, '\t'));
  }
  return rows;
}

double Number(const std::string& s) {
  double v = 0;
  EXPECT_TRUE(absl::SimpleAtod(s, &v)) << s;
  return v;
}

struct Commune {
  std::string name, postcode, departement;
  double latitude = 0, longitude = 0;
};

// ProfileChanged events of doctors.tsv, as profiles would publish them.
std::vector<events::v1::Event> LoadDoctors() {
  std::vector<Commune> communes;
  for (const auto& r : ReadTsv("communes.tsv")) {
    communes.push_back({r[1], r[2], r[3], Number(r[4]), Number(r[5])});
  }
  std::map<std::string, std::vector<std::string>> competences;  // code -> label, synonyms...
  for (const auto& r : ReadTsv("competences.tsv")) {
    std::vector<std::string> v = {r[2]};
    for (absl::string_view s : absl::StrSplit(r[3], ',', absl::SkipEmpty())) v.emplace_back(s);
    competences[r[0]] = std::move(v);
  }
  std::vector<events::v1::Event> events;
  for (const auto& r : ReadTsv("doctors.tsv")) {
    EXPECT_EQ(r.size(), 12u);
    if (r.size() != 12) continue;
    events::v1::Event e = Envelope("profile", r[0], 1);
    events::v1::ProfileChanged* p = e.mutable_profile_changed();
    p->set_profile_id(r[0]);
    p->set_version(1);
    p->set_civility(r[1]);
    p->set_given_name(r[2]);
    p->set_family_name(r[3]);
    p->set_display_name(absl::StrCat(r[1], " ", r[2], " ", r[3]));
    p->set_specialty_code(r[4]);
    p->set_specialty_label(r[5]);
    p->set_headline(r[6]);
    p->set_bio(r[7]);
    for (absl::string_view c : absl::StrSplit(r[8], ',', absl::SkipEmpty())) {
      const std::vector<std::string> f = absl::StrSplit(c, ':');
      const std::vector<std::string>& taxonomy = competences[f[0]];
      auto* pc = p->add_competences();
      pc->set_code(f[0]);
      pc->set_label(taxonomy.at(0));
      for (size_t i = 1; i < taxonomy.size(); ++i) pc->add_synonyms(taxonomy[i]);
      pc->set_endorsement_count(static_cast<int>(Number(f[1])));
      pc->set_specialty_code(r[4]);
    }
    for (absl::string_view pl : absl::StrSplit(r[9], ';', absl::SkipEmpty())) {
      const std::vector<std::string> f = absl::StrSplit(pl, absl::MaxSplits(':', 2));
      const Commune& c = communes.at(static_cast<size_t>(Number(f[0])));
      auto* pp = p->add_places();
      pp->set_kind(f[1]);
      pp->set_name(f[2]);
      pp->set_commune(c.name);
      pp->set_postcode(c.postcode);
      pp->set_departement(c.departement);
      pp->set_latitude(c.latitude);
      pp->set_longitude(c.longitude);
      pp->set_has_coordinates(true);
      pp->set_accepts_referrals(r[11] == "1");
    }
    for (absl::string_view l : absl::StrSplit(r[10], ',', absl::SkipEmpty())) p->add_languages(std::string(l));
    p->set_accepting_referrals(r[11] == "1");
    events.push_back(std::move(e));
  }
  return events;
}

class RelevanceTest : public SearchFixture {};

TEST_F(RelevanceTest, RecallAt5AndMrrOverTheGeneratedPopulation) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<events::v1::Event> doctors = LoadDoctors();
  ASSERT_GE(doctors.size(), 20000u);
  for (size_t i = 0; i < doctors.size(); i += kBatch) {
    const absl::Status s = pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
      // As Reindex applies an export page.
      const std::vector<events::v1::Event> batch(
          doctors.begin() + static_cast<std::ptrdiff_t>(i),
          doctors.begin() + static_cast<std::ptrdiff_t>(std::min(doctors.size(), i + kBatch)));
      return ApplyEvents(txn, batch).status();
    });
    ASSERT_TRUE(s.ok()) << s;
    if (i == 0 || (i + kBatch) % 5000 == 0) {
      std::printf("loaded %zu doctors in %.1f s\n", i + kBatch,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      std::fflush(stdout);
    }
  }
  ASSERT_TRUE(pool_->InTransaction([](pqxx::transaction_base& txn) {
                     txn.exec("ANALYZE");
                     return absl::OkStatus();
                   }).ok());
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_EQ(Count("SELECT count(*) FROM doctors WHERE NOT deleted"), static_cast<int64_t>(doctors.size()));

  const auto queries = ReadTsv("queries.tsv");
  ASSERT_GE(queries.size(), 50u);
  double recall_sum = 0, rr_sum = 0;
  std::map<std::string, std::pair<double, int>> by_kind;  // recall sum, count
  std::string misses;
  std::vector<v1::SearchDoctorsRequest> requests;
  std::vector<std::vector<std::string>> found_in_memory;
  for (const auto& q : queries) {
    ASSERT_EQ(q.size(), 7u);
    v1::SearchDoctorsRequest req;
    req.set_query(q[2]);
    req.set_page_size(10);
    if (!q[3].empty()) {
      req.mutable_near()->set_place(q[3]);
      req.mutable_near()->set_radius_km(Number(q[4]));
    }
    const std::vector<std::string> found = Ids(Doctors(req));
    requests.push_back(req);
    found_in_memory.push_back(found);
    const std::set<std::string> relevant = absl::StrSplit(q[5], ',', absl::SkipEmpty());
    int hits = 0, first = 0;
    std::string ranks;
    for (size_t i = 0; i < found.size(); ++i) {
      if (relevant.count(found[i]) == 0) continue;
      if (i < 5) ++hits;
      if (first == 0) first = static_cast<int>(i) + 1;
      absl::StrAppend(&ranks, ranks.empty() ? "" : ",", i + 1);
    }
    const double recall = static_cast<double>(hits) / relevant.size();
    recall_sum += recall;
    rr_sum += first == 0 ? 0 : 1.0 / first;
    by_kind[q[1]].first += recall;
    ++by_kind[q[1]].second;
    if (recall < 1) {
      absl::StrAppend(&misses, "  #", q[0], " ", q[1], " \"", q[2], "\"",
                      q[3].empty() ? "" : absl::StrCat(" near ", q[3], " ", q[4], " km"), ": ", hits,
                      "/", relevant.size(), " in top 5; relevant at ranks [", ranks, "] of ",
                      found.size(), " (", q[6], ")\n");
    }
  }
  const auto t2 = std::chrono::steady_clock::now();
  // The figures are the in-memory index's, what the service runs.
  EXPECT_TRUE(memory_->loaded());
  const double recall_at_5 = recall_sum / queries.size();
  const double mrr = rr_sum / queries.size();
  std::string kinds;
  for (const auto& [kind, v] : by_kind) {
    absl::StrAppend(&kinds, "  ", kind, ": ", v.first / v.second, " (", v.second, " queries)\n");
  }
  const auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("relevance: %zu doctors, %zu queries: recall@5 %.3f, MRR %.3f (load %.1f s, queries %.1f s)\n"
              "by kind:\n%sbelow full recall:\n%s",
              doctors.size(), queries.size(), recall_at_5, mrr, seconds(t0, t1), seconds(t1, t2),
              kinds.c_str(), misses.c_str());
  std::fflush(stdout);
  EXPECT_GE(recall_at_5, kMinRecallAt5);

  // The same queries through PostgreSQL's SearchDoctors (PgSearchStore, what the service ran
  // before the in-memory index): the pages should be the same.
  SearchServiceImpl database(store_.get(), verifier_.get(), &executor_);
  int same_pages = 0;
  double db_recall_sum = 0, db_rr_sum = 0;
  const auto t3 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < requests.size(); ++i) {
    v1::SearchDoctorsResponse resp;
    const absl::Status s = database.DoSearchDoctors(
        ::meltingdoc::testing::CallContext(Token()).get(), requests[i], resp);
    ASSERT_TRUE(s.ok()) << s;
    const std::vector<std::string> found = Ids(resp);
    if (found == found_in_memory[i]) ++same_pages;
    const std::set<std::string> relevant = absl::StrSplit(queries[i][5], ',', absl::SkipEmpty());
    int hits = 0, first = 0;
    for (size_t k = 0; k < found.size(); ++k) {
      if (relevant.count(found[k]) == 0) continue;
      if (k < 5) ++hits;
      if (first == 0) first = static_cast<int>(k) + 1;
    }
    db_recall_sum += static_cast<double>(hits) / relevant.size();
    db_rr_sum += first == 0 ? 0 : 1.0 / first;
  }
  std::printf("PostgreSQL path (PgSearchStore): recall@5 %.3f, MRR %.3f (queries %.1f s); "
              "%d of %zu pages identical to the in-memory index's\n",
              db_recall_sum / queries.size(), db_rr_sum / queries.size(),
              seconds(t3, std::chrono::steady_clock::now()), same_pages, requests.size());
}

}  // namespace
}  // namespace meltingdoc::search
