#include "services/search/doctor_index.h"

#include <set>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/search/ranking.h"

namespace meltingdoc::search {
namespace {

std::string Id(int i) { return absl::StrCat("00000000-0000-0000-0000-", absl::StrFormat("%012d", i)); }

// A doctor whose document is `doc` (tsvector text), in `commune` at (lat, lon).
DoctorRow Doctor(int i, const std::string& specialty, const std::string& doc,
                 const std::string& commune, double lat, double lon) {
  DoctorRow d;
  d.profile_id = Id(i);
  d.version = 1;
  d.display_name = absl::StrCat("Dr ", i);
  d.specialty_code = specialty;
  d.specialty_label = specialty == "gyn" ? "Gynécologie" : "Cardiologie";
  d.languages = {"francais"};
  d.document = ParseTsVector(doc).value();
  for (const TsLexeme& l : d.document) d.words.push_back(l.lexeme + "xx");
  d.places.push_back({commune, commune == "Lyon" ? "lyon" : "paris", commune == "Lyon" ? "69001" : "75001", lat, lon});
  return d;
}

std::vector<std::string> Ids(const DoctorPage& p) {
  std::vector<std::string> out;
  for (const auto& h : p.hits) out.push_back(h.profile_id());
  return out;
}

ResolvedQuery Text(std::vector<std::vector<Operand>> terms) {
  ResolvedQuery r;
  r.has_text = true;
  r.terms = std::move(terms);
  return r;
}

class DoctorIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Upsert(Doctor(1, "gyn", "'gynecolog':1A 'lyon':5C", "Lyon", 45.76, 4.84));
    index_.Upsert(Doctor(2, "gyn", "'gynecolog':1A,3A 'paris':5C", "Paris", 48.86, 2.35));
    index_.Upsert(Doctor(3, "card", "'cardiolog':1A 'lyon':4C 'gynecolog':9", "Lyon", 45.70, 4.80));
    DoctorRow fertility = Doctor(4, "gyn", "'gynecolog':1A 'fertil':2A 'amp':3A 'pma':4A 'lyon':6C", "Lyon", 45.75, 4.85);
    fertility.filter_keys = {"gyn-fertilite", "label:fertilite et amp"};
    fertility.competences.push_back({"gyn-fertilite", "Fertilité et AMP", 40, {"fertil", "amp", "pma"}});
    fertility.endorsement_total = 40;
    index_.Upsert(fertility);
  }
  DoctorIndex index_;
};

TEST_F(DoctorIndexTest, WordsPrefixesAndEveryTermMustMatch) {
  DoctorQuery q;
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"gynecolog", false}}}))).size(), 4u);
  // Doctor 2 has the word twice, both weight A: first; doctor 3 has it once, weight D: last.
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"gynecolog", false}}}))),
            (std::vector<std::string>{Id(2), Id(1), Id(4), Id(3)}));
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"gynecolog", false}}, {{"lyon", false}}}))).size(), 3u);
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"card", true}}}))), std::vector<std::string>{Id(3)});
  EXPECT_TRUE(index_.Search(q, Text({{{"card", false}}})).hits.empty());
  // A term of alternatives (a typo's corrections): any of them.
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"nothing", false}, {"paris", false}}}))),
            std::vector<std::string>{Id(2)});
  // Text whose every word was a stop word matches nothing; no text matches everyone.
  ResolvedQuery empty;
  empty.has_text = true;
  EXPECT_TRUE(index_.Search(q, empty).hits.empty());
  EXPECT_EQ(index_.Search(q, ResolvedQuery()).hits.size(), 4u);
}

TEST_F(DoctorIndexTest, MatchedCompetenceEndorsementsRankAndShow) {
  DoctorQuery q;
  const DoctorPage p = index_.Search(q, Text({{{"pma", false}}}));
  ASSERT_EQ(p.hits.size(), 1u);
  EXPECT_EQ(p.hits[0].profile_id(), Id(4));
  ASSERT_EQ(p.hits[0].matched_competences_size(), 1);
  EXPECT_EQ(p.hits[0].matched_competences(0), "Fertilité et AMP");
  EXPECT_EQ(p.hits[0].endorsement_count(), 40);
  EXPECT_DOUBLE_EQ(p.hits[0].score(), BlendScore(1.0, 40, std::nullopt, 0));
  // "gynecolog" does not match the competence: no endorsement counted, none shown.
  const DoctorPage g = index_.Search(q, Text({{{"gynecolog", false}}}));
  for (const auto& h : g.hits) {
    EXPECT_EQ(h.endorsement_count(), 0);
    EXPECT_EQ(h.matched_competences_size(), 0);
  }
}

TEST_F(DoctorIndexTest, FiltersDistanceAndFacets) {
  DoctorQuery q;
  q.specialty_codes = {"gyn"};
  EXPECT_EQ(index_.Search(q, ResolvedQuery()).hits.size(), 3u);
  q.competence_keys = {"Fertilité et AMP"};  // by label
  EXPECT_EQ(Ids(index_.Search(q, ResolvedQuery())), std::vector<std::string>{Id(4)});
  q = DoctorQuery();
  q.origin = GeoPoint{45.7597, 4.8422};
  q.radius_km = 30;
  EXPECT_EQ(index_.Search(q, ResolvedQuery()).hits.size(), 3u);  // not Paris
  q.order = DoctorOrder::kDistance;
  const DoctorPage near = index_.Search(q, ResolvedQuery());
  ASSERT_EQ(near.hits.size(), 3u);
  EXPECT_EQ(near.hits[0].profile_id(), Id(1));
  EXPECT_LE(near.hits[0].distance_km(), near.hits[1].distance_km());
  EXPECT_LE(near.hits[1].distance_km(), near.hits[2].distance_km());
  q = DoctorQuery();
  q.languages = {"anglais"};
  EXPECT_TRUE(index_.Search(q, ResolvedQuery()).hits.empty());
  q = DoctorQuery();
  q.include_facets = true;
  const DoctorPage f = index_.Search(q, Text({{{"gynecolog", false}}}));
  EXPECT_EQ(f.total, 4);
  ASSERT_EQ(f.specialty_facets.size(), 2u);
  EXPECT_EQ(f.specialty_facets[0].value(), "gyn");
  EXPECT_EQ(f.specialty_facets[0].count(), 3);
  EXPECT_EQ(f.specialty_facets[0].label(), "Gynécologie");
  ASSERT_EQ(f.commune_facets.size(), 2u);
  EXPECT_EQ(f.commune_facets[0].value(), "lyon");
  EXPECT_EQ(f.commune_facets[0].count(), 3);
  ASSERT_EQ(f.competence_facets.size(), 1u);
  EXPECT_EQ(f.competence_facets[0].count(), 1);
}

TEST_F(DoctorIndexTest, KeysetPagesCoverEveryDoctorOnce) {
  for (int i = 10; i < 60; ++i) index_.Upsert(Doctor(i, "gyn", "'gynecolog':1A", "Lyon", 45.7, 4.8));
  for (DoctorOrder order : {DoctorOrder::kRelevance, DoctorOrder::kDistance}) {
    DoctorQuery q;
    q.limit = 7;
    q.order = order;
    q.origin = GeoPoint{45.0, 4.0};
    std::set<std::string> seen;
    for (int page = 0; page < 20; ++page) {
      const DoctorPage p = index_.Search(q, Text({{{"gynecolog", false}}}));
      for (const auto& h : p.hits) EXPECT_TRUE(seen.insert(h.profile_id()).second);
      if (!p.next.has_value()) break;
      q.after = p.next;
    }
    EXPECT_EQ(seen.size(), 54u);
  }
}

TEST_F(DoctorIndexTest, ChangesAndDeletionsUpdatePostingsLexiconAndPlaces) {
  DoctorQuery q;
  DoctorRow moved = Doctor(1, "gyn", "'gynecolog':1A 'paris':5C", "Paris", 48.86, 2.35);
  moved.version = 2;
  index_.Upsert(moved);
  EXPECT_EQ(index_.VersionOf(Id(1)), 2);
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"gynecolog", false}}, {{"lyon", false}}}))).size(), 2u);
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"paris", false}}}))).size(), 2u);
  EXPECT_TRUE(index_.HasWord("parisxx"));
  EXPECT_TRUE(index_.HasWordStartingWith("paris"));
  DoctorRow gone;
  gone.profile_id = Id(2);
  gone.version = 5;
  gone.deleted = true;
  index_.Upsert(gone);
  EXPECT_EQ(index_.doctor_count(), 3);
  EXPECT_EQ(index_.VersionOf(Id(2)), 5);
  EXPECT_EQ(Ids(index_.Search(q, Text({{{"paris", false}}}))), std::vector<std::string>{Id(1)});
  // Place centres follow: Paris now only doctor 1's place.
  const auto paris = index_.ResolvePlace("Paris");
  ASSERT_TRUE(paris.has_value());
  EXPECT_DOUBLE_EQ(paris->latitude, 48.86);
  EXPECT_FALSE(index_.ResolvePlace("Marseille").has_value());
  // Typo candidates: one edit away, present words only.
  EXPECT_EQ(index_.WordsOneEditAway("lyonxy"), std::vector<std::string>{"lyonxx"});
  EXPECT_TRUE(index_.WordsOneEditAway("cardiologxxxx").empty());
}

}  // namespace
}  // namespace meltingdoc::search
