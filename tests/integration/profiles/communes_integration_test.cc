// SearchCommunes through the real profiles binary on a scratch database (the real commune table,
// 34,969 communes): name prefixes folded like the keys (accents, case, "St"), articles, La Poste
// names, postcodes, ordering, limits and bad input; every stored key equals the C++ folding of
// its name; the searches walk the key's index (no sequential scan); and the latency at the
// table's full size, next to ListSpecialties in the same run (printed, not asserted).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "libs/text/fold.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/private_profiles.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

using profiles::v1::Commune;
using profiles::v1::ProfilesService;

class CommunesIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    tokens_ = new TestTokens();
    auto profiles = PrivateProfiles::Start(SharedPostgresPort(), *tokens_);
    ASSERT_TRUE(profiles.ok()) << profiles.status();
    profiles_ = std::move(profiles).value().release();
    db_ = profiles_->db.get();
    service_ = profiles_->service.get();
    stub_ = ProfilesService::NewStub(service_->channel()).release();
    doctor_ = new std::string(tokens_->VerifiedDoctor(NewUuid()));
  }
  static void TearDownTestSuite() {
    delete doctor_;
    delete stub_;
    delete profiles_;
    delete tokens_;
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  static std::vector<Commune> Search(const std::string& query, int limit = 0, grpc::Status* status = nullptr,
                                     const std::string& token = "") {
    profiles::v1::SearchCommunesRequest req;
    req.set_query(query);
    req.set_limit(limit);
    profiles::v1::SearchCommunesResponse resp;
    const grpc::Status s = stub_->SearchCommunes(CallAs(token.empty() ? *doctor_ : token).get(), req, &resp);
    if (status != nullptr) *status = s;
    else EXPECT_TRUE(s.ok()) << query << ": " << s.error_message();
    return {resp.communes().begin(), resp.communes().end()};
  }
  static std::vector<std::string> Names(const std::vector<Commune>& communes) {
    std::vector<std::string> out;
    for (const Commune& c : communes) out.push_back(c.name());
    return out;
  }
  static std::string Sql(const std::string& sql) {
    auto out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::string(absl::StripAsciiWhitespace(*out)) : "";
  }

  static ScratchDatabase* db_;
  static PrivateProfiles* profiles_;
  static TestTokens* tokens_;
  static ServiceProcess* service_;
  static ProfilesService::Stub* stub_;
  static std::string* doctor_;
};

ScratchDatabase* CommunesIntegrationTest::db_ = nullptr;
PrivateProfiles* CommunesIntegrationTest::profiles_ = nullptr;
TestTokens* CommunesIntegrationTest::tokens_ = nullptr;
ServiceProcess* CommunesIntegrationTest::service_ = nullptr;
ProfilesService::Stub* CommunesIntegrationTest::stub_ = nullptr;
std::string* CommunesIntegrationTest::doctor_ = nullptr;

TEST_F(CommunesIntegrationTest, NamePrefixesAccentsCaseSaintArticlesAndPostcodes) {
  std::vector<Commune> lyon = Search("lyo", 3);
  ASSERT_FALSE(lyon.empty());
  const Commune& l = lyon[0];
  EXPECT_EQ(l.insee_code(), "69123");
  EXPECT_EQ(l.name(), "Lyon");
  EXPECT_EQ(l.departement(), "69");
  EXPECT_THAT(l.postcodes(), ::testing::ElementsAre("69001", "69002", "69003", "69004", "69005", "69006", "69007",
                                                    "69008", "69009"));
  EXPECT_EQ(l.postcode(), "") << "several postcodes, none typed";
  EXPECT_NEAR(l.latitude(), 45.76, 0.05);
  EXPECT_NEAR(l.longitude(), 4.84, 0.05);
  EXPECT_EQ(l.coordinates_source(), "commune");
  EXPECT_GT(l.population(), 400000);

  // Accents, case, hyphens and the saint abbreviation do not matter.
  for (const std::string q : {"Saint-Étienne", "ST ETIENNE", "st-étienne", "saint etien"}) {
    std::vector<Commune> found = Search(q, 5);
    ASSERT_FALSE(found.empty()) << q;
    EXPECT_EQ(found[0].insee_code(), "42218") << q;
  }
  // "st" being typed: saints and names starting with St (Strasbourg), by population.
  const std::vector<std::string> st = Names(Search("st", 20));
  EXPECT_THAT(st, ::testing::Contains("Strasbourg"));
  EXPECT_THAT(st, ::testing::Contains("Saint-Étienne"));
  // Without the article; a La Poste name gives its postcode.
  EXPECT_EQ(Search("havre", 1).at(0).name(), "Le Havre");
  const Commune lyon3 = Search("Lyon 3e", 1).at(0);
  EXPECT_EQ(lyon3.insee_code(), "69123");
  EXPECT_EQ(lyon3.postcode(), "69003");
  EXPECT_EQ(lyon3.matched_alias(), "Lyon 3e Arrondissement");
  // A commune with one postcode gives it.
  const Commune bron = Search("Bron", 1).at(0);
  EXPECT_EQ(bron.insee_code(), "69029");
  EXPECT_EQ(bron.postcode(), "69500");

  // Postcodes: the exact one first, prefixes by population.
  const Commune p = Search("69003").at(0);
  EXPECT_EQ(p.name(), "Lyon");
  EXPECT_EQ(p.postcode(), "69003");
  const std::vector<Commune> p690 = Search("690", 20);
  ASSERT_EQ(p690.size(), 1u) << "69001..69009 are all Lyon's: one commune";
  EXPECT_EQ(p690[0].name(), "Lyon");
  std::vector<Commune> p69 = Search("69", 20);
  ASSERT_EQ(p69.size(), 20u);
  EXPECT_EQ(p69[0].name(), "Lyon");
  for (const Commune& c : p69) EXPECT_TRUE(absl::StartsWith(c.postcode(), "69")) << c.name();
  for (size_t i = 1; i < p69.size(); ++i) EXPECT_GE(p69[i - 1].population(), p69[i].population());

  // An exact name before more populous prefixes: "Y" (87 inhabitants) before Yerres, Yvetot...
  EXPECT_EQ(Search("y", 20).at(0).name(), "Y");
  // Limits: 10 by default, 20 at most.
  EXPECT_EQ(Search("sa").size(), 10u);
  EXPECT_EQ(Search("sa", 20).size(), 20u);
  EXPECT_TRUE(Search("xqzw").empty());
}

TEST_F(CommunesIntegrationTest, BadInputAndCallers) {
  grpc::Status s;
  Search("", 0, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "query");
  Search(std::string(101, 'a'), 0, &s);
  EXPECT_EQ(ViolatedFields(s), "query");
  EXPECT_TRUE(absl::StrContains(s.error_message(), "100")) << s.error_message();
  Search("6900312", 0, &s);
  EXPECT_EQ(ViolatedFields(s), "query");
  Search("Lyon", 21, &s);
  EXPECT_EQ(ViolatedFields(s), "limit");
  EXPECT_TRUE(absl::StrContains(s.error_message(), "20")) << s.error_message();
  // Any signed-in account (open reference data); not anonymous callers.
  EXPECT_FALSE(Search("Lyon", 1, &s, tokens_->Pending(NewUuid())).empty());
  EXPECT_TRUE(s.ok()) << s.error_message();
  profiles::v1::SearchCommunesRequest req;
  req.set_query("Lyon");
  profiles::v1::SearchCommunesResponse resp;
  s = stub_->SearchCommunes(CallAs("").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// The keys are folded in SQL by the migration, queries in C++: both must agree on every name.
TEST_F(CommunesIntegrationTest, EveryStoredKeyIsTheQueryFoldingOfItsName) {
  pqxx::connection conn(db_->Url("postgres"));
  pqxx::work txn(conn);
  const pqxx::result rows = txn.exec(
      "SELECT c.name, k.key FROM profiles.communes c "
      "JOIN profiles.commune_search_keys k ON k.insee_code = c.insee_code AND k.kind = 0");
  ASSERT_EQ(rows.size(), 34969u);
  int mismatches = 0;
  for (const pqxx::row& r : rows) {
    const std::string name = r[0].as<std::string>();
    if (text::FoldForMatch(name) != r[1].as<std::string>() && ++mismatches <= 10) {
      ADD_FAILURE() << name << ": C++ " << text::FoldForMatch(name) << ", SQL " << r[1].as<std::string>();
    }
  }
  EXPECT_EQ(mismatches, 0);
  const pqxx::result aliases = txn.exec(
      "SELECT label, key FROM profiles.commune_search_keys WHERE kind = 2");
  EXPECT_GT(aliases.size(), 100u);
  for (const pqxx::row& r : aliases) {
    EXPECT_EQ(text::FoldForMatch(r[0].as<std::string>()), r[1].as<std::string>());
  }
}

// The figure for docs/architecture.md: latency through gRPC at the table's full size, for what a
// doctor types (2- and 3-letter prefixes, the heaviest: "sa" matches ~4,000 names; whole names;
// postcodes), beside ListSpecialties (an in-memory answer) in the same run. And the plan: the
// searches walk commune_search_keys' primary key, never a sequential scan.
TEST_F(CommunesIntegrationTest, LatencyAtFullSizeAndIndexUse) {
  const std::vector<std::string> queries = {"sa", "st", "la", "le", "ma", "be", "sai", "mon", "ch", "po",
                                            "Lyon", "Bron", "Saint-Étienne", "Marseille", "havre", "Lyon 3",
                                            "69", "690", "75015", "13"};
  auto percentiles = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return std::make_pair(v[v.size() / 2], v[v.size() * 99 / 100]);
  };
  // The table's scan counters before (other tests of the suite read every key on purpose; their
  // counts reach pg_stat_user_tables when their connection ends: wait until they are stable).
  auto counters = [&]() {
    const std::string line = Sql(
        "SELECT seq_scan || ',' || coalesce(idx_scan, 0) FROM pg_stat_user_tables "
        "WHERE schemaname = 'profiles' AND relname = 'commune_search_keys'");
    const std::vector<std::string> parts = absl::StrSplit(line, ',');
    EXPECT_EQ(parts.size(), 2u) << line;
    return parts.size() == 2 ? std::make_pair(std::stoll(parts[0]), std::stoll(parts[1])) : std::make_pair(-1LL, -1LL);
  };
  std::pair<long long, long long> before = counters();
  for (int i = 0; i < 10; ++i) {
    absl::SleepFor(absl::Milliseconds(300));
    const auto now = counters();
    if (now == before) break;
    before = now;
  }
  std::vector<double> search_ms, baseline_ms;
  const int rounds = 15;  // 300 searches, 300 baseline calls
  for (int round = 0; round < rounds; ++round) {
    for (const std::string& q : queries) {
      absl::Time start = absl::Now();
      Search(q, 10);
      search_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      start = absl::Now();
      profiles::v1::ListSpecialtiesResponse resp;
      ASSERT_TRUE(stub_->ListSpecialties(CallAs(*doctor_).get(), profiles::v1::ListSpecialtiesRequest(), &resp).ok());
      baseline_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    }
  }
  const auto [s50, s99] = percentiles(search_ms);
  const auto [b50, b99] = percentiles(baseline_ms);
  std::printf("SearchCommunes (34,969 communes, %zu calls): p50 %.2f ms, p99 %.2f ms; ListSpecialties: p50 %.2f ms, "
              "p99 %.2f ms; ratio p50 %.1f, p99 %.1f\n",
              search_ms.size(), s50, s99, b50, b99, s50 / b50, s99 / b99);

  // The service's counts reach pg_stat_user_tables within a second or so of its last query.
  std::pair<long long, long long> after = counters();
  for (int i = 0; i < 40 && after.second < before.second + static_cast<long long>(search_ms.size()); ++i) {
    absl::SleepFor(absl::Milliseconds(250));
    after = counters();
  }
  EXPECT_GE(after.second - before.second, static_cast<long long>(search_ms.size())) << "every search used the index";
  EXPECT_EQ(after.first, before.first) << "no sequential scan of commune_search_keys";
}

}  // namespace
}  // namespace meltingdoc::testing
