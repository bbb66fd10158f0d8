// The search index on a real PostgreSQL and Redis: events published to Redis Streams (as the
// outbox relay writes them) are consumed by the Indexer and become searchable through the
// service's handlers (called in-process, with real signed tokens).
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "libs/common/uuid.h"
#include "services/search/pg_index_store.h"
#include "services/search/ranking.h"
#include "tests/integration/search/search_fixture.h"

namespace meltingdoc::search {
namespace {

using ::meltingdoc::testing::CallContext;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace ::meltingdoc::search::testing;  // NOLINT: event builders

// Coordinates of a few real places.
const PlaceSpec kLyon3{"Lyon", "69003", 45.7597, 4.8422};
const PlaceSpec kVilleurbanne{"Villeurbanne", "69100", 45.7719, 4.8902};
const PlaceSpec kSaintEtienne{"Saint-Étienne", "42000", 45.4397, 4.3872};
const PlaceSpec kParis{"Paris", "75005", 48.8443, 2.3500};

class SearchIndexTest : public SearchFixture {
 protected:
  // Three doctors around Lyon and one in Paris.
  void IndexSampleDoctors() {
    gyneco_.given = "Claire";
    gyneco_.family = "Martin";
    gyneco_.headline = "Gynécologue, fertilité et endométriose";
    gyneco_.competences = {{"gyn-fertilite", "Fertilité et AMP", {"PMA", "FIV", "infertilité"}, 12},
                           {"gyn-endometriose", "Endométriose", {}, 3}};
    gyneco_.places = {kLyon3};
    gyneco_.languages = {"fr", "en"};
    cardio_.given = "Paul";
    cardio_.family = "Durand";
    cardio_.specialty_code = "SM04";
    cardio_.specialty_label = "Cardiologie et maladies vasculaires";
    cardio_.headline = "Cardiologue interventionnel";
    cardio_.competences = {{"cardio-rythmo", "Rythmologie", {"arythmie", "FA"}, 2}};
    cardio_.places = {kParis};
    cardio_.accepting_referrals = false;
    pediatre_.given = "Lucie";
    pediatre_.family = "Bernard";
    pediatre_.specialty_code = "SM40";
    pediatre_.specialty_label = "Pédiatrie";
    pediatre_.headline = "Pédiatre";
    pediatre_.competences = {{"", "Allergologie pédiatrique", {}, 0}};
    pediatre_.places = {kVilleurbanne};
    gyneco2_.given = "Hélène";
    gyneco2_.family = "Roux";
    gyneco2_.headline = "Gynécologue obstétricienne";
    gyneco2_.competences = {{"gyn-fertilite", "Fertilité et AMP", {"PMA", "FIV"}, 0}};
    gyneco2_.places = {kSaintEtienne};
    for (const DoctorSpec* d : {&gyneco_, &cardio_, &pediatre_, &gyneco2_}) {
      PublishProfile(ProfileChanged(*d, 1));
    }
    Drain();
  }

  DoctorSpec gyneco_, cardio_, pediatre_, gyneco2_;
};

TEST_F(SearchIndexTest, FrenchTextPluralsAccentsSynonymsTyposAndPrefixes) {
  IndexSampleDoctors();
  // Plural and accents: "gynécologues" finds the "Gynécologue" headlines.
  EXPECT_THAT(Ids(Doctors("gynécologues ")), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  EXPECT_THAT(Ids(Doctors("GYNECOLOGUE ")), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  // A taxonomy synonym: "PMA" finds the doctors with "Fertilité et AMP".
  EXPECT_THAT(Ids(Doctors("PMA ")), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  EXPECT_THAT(Ids(Doctors("fiv lyon ")), ElementsAre(gyneco_.id));
  // One typo in a long word.
  EXPECT_THAT(Ids(Doctors("gynecolgue")), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  EXPECT_THAT(Ids(Doctors("cardiolgoue ")), ElementsAre(cardio_.id));
  // ... but not two.
  EXPECT_THAT(Ids(Doctors("gynecolgoe ")), IsEmpty());
  // Prefixes, as typed.
  EXPECT_THAT(Ids(Doctors("gynéco")), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  EXPECT_THAT(Ids(Doctors("cardio")), ElementsAre(cardio_.id));
  EXPECT_THAT(Ids(Doctors("pédiatre villeur")), ElementsAre(pediatre_.id));
  // Names and communes.
  EXPECT_THAT(Ids(Doctors("Hélène Roux ")), ElementsAre(gyneco2_.id));
  EXPECT_THAT(Ids(Doctors("saint etienne ")), ElementsAre(gyneco2_.id));
  // The matched competence is reported, with its endorsements.
  const v1::SearchDoctorsResponse pma = Doctors("PMA ");
  ASSERT_EQ(pma.doctors_size(), 2);
  EXPECT_EQ(pma.doctors(0).profile_id(), gyneco_.id);  // 12 endorsements vs 0
  EXPECT_THAT(pma.doctors(0).matched_competences(), ElementsAre("Fertilité et AMP"));
  EXPECT_EQ(pma.doctors(0).endorsement_count(), 12);
}

TEST_F(SearchIndexTest, FiltersDistanceSortAndFacets) {
  IndexSampleDoctors();
  v1::SearchDoctorsRequest req;
  // Within 20 km of Lyon: Lyon and Villeurbanne, not Saint-Étienne (~50 km) nor Paris.
  req.mutable_near()->mutable_point()->set_latitude(45.7578);
  req.mutable_near()->mutable_point()->set_longitude(4.8320);
  req.mutable_near()->set_radius_km(20);
  req.set_sort(v1::DOCTOR_SORT_DISTANCE);
  v1::SearchDoctorsResponse r = Doctors(req);
  EXPECT_THAT(Ids(r), ElementsAre(gyneco_.id, pediatre_.id));
  ASSERT_TRUE(r.doctors(0).has_distance_km());
  EXPECT_NEAR(r.doctors(0).distance_km(), 0.83, 0.1);
  EXPECT_LT(r.doctors(0).distance_km(), r.doctors(1).distance_km());
  // A commune or a postcode as origin.
  req.mutable_near()->set_place("villeurbanne");
  req.mutable_near()->set_radius_km(60);
  EXPECT_THAT(Ids(Doctors(req)), ElementsAre(pediatre_.id, gyneco_.id, gyneco2_.id));
  req.mutable_near()->set_place("75005");
  req.mutable_near()->set_radius_km(5);
  EXPECT_THAT(Ids(Doctors(req)), ElementsAre(cardio_.id));

  // Competence + radius, by code or by label; specialty; language; referrals.
  v1::SearchDoctorsRequest f;
  f.add_competences("gyn-fertilite");
  EXPECT_THAT(Ids(Doctors(f)), UnorderedElementsAre(gyneco_.id, gyneco2_.id));
  f.mutable_near()->set_place("Lyon");
  f.mutable_near()->set_radius_km(30);
  EXPECT_THAT(Ids(Doctors(f)), ElementsAre(gyneco_.id));
  f.Clear();
  f.add_competences("allergologie pédiatrique");
  EXPECT_THAT(Ids(Doctors(f)), ElementsAre(pediatre_.id));
  f.Clear();
  f.add_specialty_codes("SM04");
  f.add_specialty_codes("SM40");
  EXPECT_THAT(Ids(Doctors(f)), UnorderedElementsAre(cardio_.id, pediatre_.id));
  f.Clear();
  f.add_languages("EN");
  EXPECT_THAT(Ids(Doctors(f)), ElementsAre(gyneco_.id));
  f.Clear();
  f.set_accepting_referrals(true);
  EXPECT_EQ(Doctors(f).doctors_size(), 3);

  // Facets count every match, not just the page.
  v1::SearchDoctorsRequest facets;
  facets.set_include_facets(true);
  facets.set_page_size(1);
  r = Doctors(facets);
  EXPECT_EQ(r.doctors_size(), 1);
  EXPECT_EQ(r.total_size(), 4);
  ASSERT_GE(r.specialty_facets_size(), 1);
  EXPECT_EQ(r.specialty_facets(0).value(), "SM20");
  EXPECT_EQ(r.specialty_facets(0).count(), 2);
  ASSERT_GE(r.competence_facets_size(), 1);
  EXPECT_EQ(r.competence_facets(0).value(), "gyn-fertilite");
  EXPECT_EQ(r.competence_facets(0).label(), "Fertilité et AMP");
  EXPECT_EQ(r.competence_facets(0).count(), 2);
  EXPECT_EQ(r.commune_facets_size(), 4);
  facets.set_query("gynécologue ");
  r = Doctors(facets);
  EXPECT_EQ(r.total_size(), 2);
  EXPECT_EQ(r.specialty_facets_size(), 1);
}

TEST_F(SearchIndexTest, KeysetPagesCoverEveryDoctorOnce) {
  for (int i = 0; i < 23; ++i) {
    DoctorSpec d;
    d.family = absl::StrCat("Interne", i);
    d.headline = "Rhumatologue";
    d.competences = {{"rhumato-rachis", "Pathologie rachidienne", {"lombalgie"}, i % 7}};
    d.places = {{"Lyon", "69003", 45.75 + i * 0.001, 4.84}};
    PublishProfile(ProfileChanged(d, 1));
  }
  Drain();
  for (const v1::DoctorSort sort : {v1::DOCTOR_SORT_RELEVANCE, v1::DOCTOR_SORT_DISTANCE}) {
    v1::SearchDoctorsRequest req;
    req.set_query("lombalgie ");
    req.set_page_size(10);
    req.set_sort(sort);
    req.mutable_near()->set_place("Lyon");
    std::set<std::string> seen;
    int pages = 0;
    double previous = sort == v1::DOCTOR_SORT_RELEVANCE ? 2.0 : -1.0;
    while (true) {
      const v1::SearchDoctorsResponse r = Doctors(req);
      ++pages;
      for (const auto& d : r.doctors()) {
        EXPECT_TRUE(seen.insert(d.profile_id()).second) << "duplicate";
        if (sort == v1::DOCTOR_SORT_RELEVANCE) {
          EXPECT_LE(d.score(), previous);
          previous = d.score();
        } else {
          EXPECT_GE(d.distance_km(), previous);
          previous = d.distance_km();
        }
      }
      if (r.next_page_token().empty()) break;
      req.set_page_token(r.next_page_token());
      ASSERT_LT(pages, 5);
    }
    EXPECT_EQ(seen.size(), 23u);
    EXPECT_EQ(pages, 3);
  }
}

TEST_F(SearchIndexTest, EventsApplyOnceAndAnOlderVersionNeverOverwritesANewerOne) {
  DoctorSpec d;
  d.headline = "Néphrologue";
  const Event v1 = ProfileChanged(d, 1);
  d.headline = "Dermatologue";
  const Event v2 = ProfileChanged(d, 2);
  // Out of order: v2 first, then the late v1, and v2 again (a relay republishing it).
  PublishProfile(v2);
  PublishProfile(v1);
  PublishProfile(v2);
  Drain();
  EXPECT_THAT(Ids(Doctors("dermatologue ")), ElementsAre(d.id));
  EXPECT_THAT(Ids(Doctors("nephrologue ")), IsEmpty());
  EXPECT_EQ(Count("SELECT version FROM doctors"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events"), 2);  // the duplicate was skipped
  // The lexicon forgot the older text's words.
  EXPECT_EQ(Count("SELECT count(*) FROM lexicon WHERE word = 'nephrologue'"), 0);

  // Deleted: never returned, and an older change arriving later does not bring it back.
  PublishProfile(ProfileDeleted(d.id, 3));
  Drain();
  EXPECT_THAT(Ids(Doctors("dermatologue ")), IsEmpty());
  PublishProfile(v2);
  PublishProfile(ProfileChanged(d, 2));  // a new event id with the old version
  Drain();
  EXPECT_THAT(Ids(Doctors("dermatologue ")), IsEmpty());
  EXPECT_TRUE(Suggest("mart").empty());
  EXPECT_EQ(Count("SELECT count(*) FROM lexicon WHERE scope = 'd'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM doctors WHERE deleted AND display_name = ''"), 1);
}

TEST_F(SearchIndexTest, SuggestCompetencesSynonymsSpecialtiesNamesAndCommunes) {
  IndexSampleDoctors();
  const auto texts = [](const std::vector<v1::Suggestion>& s) {
    std::vector<std::string> out;
    for (const auto& x : s) out.push_back(x.text());
    return out;
  };
  std::vector<v1::Suggestion> s = Suggest("PM");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].text(), "PMA");
  EXPECT_EQ(s[0].kind(), v1::SUGGESTION_KIND_COMPETENCE);
  EXPECT_EQ(s[0].detail(), "Fertilité et AMP");
  EXPECT_EQ(s[0].value(), "gyn-fertilite");
  EXPECT_THAT(texts(Suggest("gynéco")), ElementsAre("Gynécologie-obstétrique"));
  EXPECT_THAT(texts(Suggest("fert")), ElementsAre("Fertilité et AMP"));
  EXPECT_THAT(texts(Suggest("AMP")), ElementsAre("Fertilité et AMP"));  // a later word
  EXPECT_THAT(texts(Suggest("villeur")), ElementsAre("Villeurbanne"));
  EXPECT_THAT(texts(Suggest("saint-e")), ElementsAre("Saint-Étienne"));
  s = Suggest("mart");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind(), v1::SUGGESTION_KIND_DOCTOR);
  EXPECT_EQ(s[0].value(), gyneco_.id);
  // At most 10, even when more match.
  for (int i = 0; i < 15; ++i) {
    DoctorSpec d;
    d.family = absl::StrCat("Marchand", i);
    PublishProfile(ProfileChanged(d, 1));
  }
  Drain();
  EXPECT_EQ(Suggest("mar").size(), 10u);
}

TEST_F(SearchIndexTest, PrivateGroupCasesOnlyForMembersHiddenAndDeletedNeverReturned) {
  const std::string member = NewUuid(), outsider = NewUuid();
  const std::string group = NewUuid(), open_space = NewUuid();
  const std::string owner = NewUuid();
  PublishDiscussion(GroupMembershipChanged(group, owner, true, 1));
  PublishDiscussion(GroupMembershipChanged(group, member, true, 2));
  CaseSpec secret{.space_id = group, .title = "Endométriose profonde et désir de grossesse",
                  .context = "Patiente de 34 ans, deux échecs de FIV.",
                  .question = "Chirurgie avant une nouvelle tentative ?",
                  .private_group = true};
  CaseSpec open{.space_id = open_space, .title = "Endométriose et douleurs pelviennes",
                .context = "Douleurs résistantes aux antalgiques.",
                .question = "Quel bilan d'imagerie ?", .tags = {"gyn-endometriose"}};
  CaseSpec hidden{.space_id = open_space, .title = "Endométriose : cas masqué",
                  .context = "Texte masqué par un modérateur.", .hidden = true};
  CaseSpec gone{.space_id = open_space, .title = "Endométriose : cas supprimé",
                .context = "Texte supprimé."};
  for (const CaseSpec* c : {&secret, &open, &hidden, &gone}) PublishDiscussion(CaseChanged(*c, 1));
  PublishDiscussion(CaseDeleted(gone.id, 2));
  Drain();

  v1::SearchCasesRequest req;
  req.set_query("endometriose ");
  EXPECT_THAT(CaseIds(Cases(member, req)), UnorderedElementsAre(secret.id, open.id));
  EXPECT_THAT(CaseIds(Cases(outsider, req)), ElementsAre(open.id));
  // Not even through a direct filter on the group, nor without text.
  req.add_space_ids(group);
  EXPECT_THAT(CaseIds(Cases(outsider, req)), IsEmpty());
  EXPECT_THAT(CaseIds(Cases(member, req)), ElementsAre(secret.id));
  v1::SearchCasesRequest all;
  EXPECT_THAT(CaseIds(Cases(outsider, all)), ElementsAre(open.id));
  // The deleted case's text is gone from the index, not just filtered.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM cases WHERE case_id = '", gone.id,
                               "' AND title = '' AND body = ''")), 1);

  // Leaving the group; the late, older "joined" is ignored.
  PublishDiscussion(GroupMembershipChanged(group, member, false, 3));
  PublishDiscussion(GroupMembershipChanged(group, member, true, 2));
  // A case hidden later disappears; a late older event does not bring back the text.
  open.hidden = true;
  PublishDiscussion(CaseChanged(open, 2));
  open.hidden = false;
  PublishDiscussion(CaseChanged(open, 1));
  Drain();
  req.clear_space_ids();
  EXPECT_THAT(CaseIds(Cases(member, req)), IsEmpty());
  EXPECT_THAT(CaseIds(Cases(owner, req)), ElementsAre(secret.id));
}

TEST_F(SearchIndexTest, CaseTextRepliesSnippetsAndFilters) {
  const std::string space = NewUuid();
  CaseSpec a{.space_id = space, .title = "Hypertension résistante chez le sujet jeune",
             .context = "Homme de 28 ans, triple thérapie inefficace.",
             .question = "Faut-il rechercher un hyperaldostéronisme primaire ?",
             .tags = {"cardio-hta"}, .resolved = true, .create_seconds = 1'767'225'600};
  CaseSpec b{.space_id = space, .title = "Fibrillation atriale et anticoagulation",
             .context = "Femme de 80 ans, chutes répétées.", .question = "AOD ou abstention ?",
             .tags = {"cardio-rythmo"}, .create_seconds = 1'770'000'000};
  PublishDiscussion(CaseChanged(a, 1));
  PublishDiscussion(CaseChanged(b, 1));
  const std::string reply = NewUuid(), hidden_reply = NewUuid();
  PublishDiscussion(ReplyChanged(reply, b.id, "Discuter une fermeture de l'auricule gauche.", false, 1));
  PublishDiscussion(ReplyChanged(hidden_reply, b.id, "Message déplacé sur la cryoablation.", true, 1));
  Drain();

  const std::string me = NewUuid();
  v1::SearchCasesRequest req;
  req.set_query("hyperaldosteronisme ");
  v1::SearchCasesResponse r = Cases(me, req);
  ASSERT_THAT(CaseIds(r), ElementsAre(a.id));
  // The snippet is plain text; the highlight points at the matched word.
  const auto& hit = r.cases(0);
  ASSERT_EQ(hit.highlights_size(), 1);
  EXPECT_NE(hit.snippet().find("hyperaldostéronisme"), std::string::npos) << hit.snippet();
  EXPECT_EQ(hit.snippet().find('\x01'), std::string::npos);
  EXPECT_EQ(hit.highlights(0).end() - hit.highlights(0).start(), 19);
  EXPECT_TRUE(hit.resolved());

  // Replies are searchable, hidden replies are not.
  req.set_query("auricule ");
  EXPECT_THAT(CaseIds(Cases(me, req)), ElementsAre(b.id));
  req.set_query("cryoablation ");
  EXPECT_THAT(CaseIds(Cases(me, req)), IsEmpty());

  // A typo in a case word.
  req.set_query("fibrilation ");
  EXPECT_THAT(CaseIds(Cases(me, req)), ElementsAre(b.id));

  // Filters: tags, resolved, dates; newest first without text.
  v1::SearchCasesRequest f;
  EXPECT_THAT(CaseIds(Cases(me, f)), ElementsAre(b.id, a.id));
  f.add_tags("cardio-hta");
  EXPECT_THAT(CaseIds(Cases(me, f)), ElementsAre(a.id));
  f.clear_tags();
  f.set_resolved(false);
  EXPECT_THAT(CaseIds(Cases(me, f)), ElementsAre(b.id));
  f.clear_resolved();
  f.mutable_start_time()->set_seconds(1'768'000'000);
  EXPECT_THAT(CaseIds(Cases(me, f)), ElementsAre(b.id));
  f.clear_start_time();
  f.mutable_end_time()->set_seconds(1'768'000'000);
  EXPECT_THAT(CaseIds(Cases(me, f)), ElementsAre(a.id));
  f.clear_end_time();
  f.set_page_size(1);
  r = Cases(me, f);
  EXPECT_THAT(CaseIds(r), ElementsAre(b.id));
  f.set_page_token(r.next_page_token());
  r = Cases(me, f);
  EXPECT_THAT(CaseIds(r), ElementsAre(a.id));
  EXPECT_TRUE(r.next_page_token().empty());
}

TEST_F(SearchIndexTest, SqlBlendIsTheSameFunctionAsTheCode) {
  for (const double rank : {-1.0, 0.0, 0.05, 0.5, 3.0}) {
    for (const int endorsements : {0, 1, 7, 50, 400}) {
      for (const double distance : {-1.0, 0.0, 12.5, 80.0}) {
        for (const double proximity : {0.0, 30.0, 100.0}) {
          const std::optional<double> d =
              distance < 0 ? std::nullopt : std::optional<double>(distance);
          const double expected = BlendScore(rank < 0 ? std::nullopt : std::optional<double>(rank),
                                             endorsements, d, proximity);
          absl::StatusOr<double> got = pg::InTransaction<double>(
              *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<double> {
                return txn
                    .exec_params1("SELECT doctor_score($1::float8, $2, $3::float8, $4)",
                                  rank < 0 ? nullptr : std::to_string(rank).c_str(), endorsements,
                                  d.has_value() ? std::to_string(*d).c_str() : nullptr, proximity)[0]
                    .as<double>();
              });
          ASSERT_TRUE(got.ok()) << got.status();
          EXPECT_NEAR(*got, expected, 1e-12)
              << rank << " " << endorsements << " " << distance << " " << proximity;
        }
      }
    }
  }
}

// Two empty indexes: one for ApplyEvents, one for ApplyEvent on each event.
void TwoIndexes(std::vector<std::unique_ptr<::meltingdoc::testing::ScratchDatabase>>& dbs,
                std::vector<std::unique_ptr<pg::Pool>>& pools) {
  for (int i = 0; i < 2; ++i) {
    auto db = ::meltingdoc::testing::ScratchDatabase::Create(::meltingdoc::testing::SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    pg::PoolOptions po;
    po.url = (*db)->Url("search");
    po.schema = "search";
    po.size = 1;
    pools.push_back(pg::Pool::Create(std::move(po)));
    dbs.push_back(std::move(db).value());
    ASSERT_TRUE(pg::ApplyMigrations(*pools.back(), "search",
                                    {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}})
                    .ok());
  }
}

// ApplyEvents (Reindex's pages, bulk loads) leaves the index as applying each event alone
// would: in a batch, the newest version of a profile wins, an older one is stale whatever its
// place, and the lexicon counts each document once.
TEST(SearchIndexBatchTest, ApplyEventsEqualsOneByOne) {
  REQUIRE_SHARED_SERVERS();
  std::vector<std::unique_ptr<::meltingdoc::testing::ScratchDatabase>> dbs;
  std::vector<std::unique_ptr<pg::Pool>> pools;
  TwoIndexes(dbs, pools);
  ASSERT_EQ(pools.size(), 2u);
  DoctorSpec a, b;
  a.family = "Premiere";
  a.headline = "Ancienne version";
  DoctorSpec a2 = a;
  a2.headline = "Nouvelle version";
  b.family = "Seconde";
  const std::vector<Event> events = {ProfileChanged(a2, 2), ProfileChanged(a, 1), ProfileChanged(b, 1),
                                     ProfileDeleted(b.id, 2), ProfileChanged(b, 1)};
  std::vector<ApplyResult> batch;
  ASSERT_TRUE(pools[0]->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
                         absl::StatusOr<std::vector<ApplyResult>> r = ApplyEvents(txn, events);
                         if (!r.ok()) return r.status();
                         batch = *r;
                         return absl::OkStatus();
                       }).ok());
  EXPECT_THAT(batch, ElementsAre(ApplyResult::kApplied, ApplyResult::kStale, ApplyResult::kApplied,
                                 ApplyResult::kApplied, ApplyResult::kStale));
  for (const Event& e : events) {
    ASSERT_TRUE(pools[1]->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
                           return ApplyEvent(txn, e).status();
                         }).ok());
  }
  const auto dump = [](pg::Pool& pool) {
    absl::StatusOr<std::string> s = pg::InTransaction<std::string>(
        pool, [](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
          return txn
              .exec("SELECT concat_ws('|', (SELECT string_agg(concat_ws(',', profile_id, version, "
                    "deleted, headline, document::text), ';' ORDER BY profile_id) FROM doctors), "
                    "(SELECT string_agg(word || doc_count, ',' ORDER BY word) FROM lexicon), "
                    "(SELECT string_agg(concat_ws(',', kind, key, value), ';' ORDER BY kind, key, value) "
                    "FROM suggestions), (SELECT count(*) FROM doctor_places), "
                    "(SELECT count(*) FROM doctor_competences))")[0][0]
              .as<std::string>();
        });
    EXPECT_TRUE(s.ok()) << s.status();
    return s.value_or("");
  };
  const std::string batched = dump(*pools[0]);
  EXPECT_EQ(batched, dump(*pools[1]));
  EXPECT_NE(batched.find("Nouvelle version"), std::string::npos);
  EXPECT_EQ(batched.find("Ancienne"), std::string::npos);
}

// The same for cases (what one read of the discussions stream returns goes through
// ApplyEvents): consecutive CaseChanged are written by one statement, the newest version of a
// case wins whatever its place, a reply indexed before its case is in the case's document, a
// deleted case stays deleted, and the lexicon counts each document once.
TEST(SearchIndexBatchTest, ApplyEventsOfCasesEqualsOneByOne) {
  REQUIRE_SHARED_SERVERS();
  std::vector<std::unique_ptr<::meltingdoc::testing::ScratchDatabase>> dbs;
  std::vector<std::unique_ptr<pg::Pool>> pools;
  TwoIndexes(dbs, pools);
  ASSERT_EQ(pools.size(), 2u);
  const std::string space = NewUuid();
  CaseSpec a{.space_id = space, .title = "Ancienne douleur", .context = "Version une.",
             .tags = {"cardio"}};
  CaseSpec a2 = a;
  a2.title = "Nouvelle douleur thoracique";
  a2.tags = {"cardio", "pneumo"};
  a2.resolved = true;
  CaseSpec b{.space_id = space, .title = "Amylose cardiaque", .context = "Bilan ?",
             .create_seconds = 1'767'300'000};
  CaseSpec c{.space_id = space, .title = "Cas supprimé", .context = "Texte effacé."};
  CaseSpec d{.space_id = space, .title = "Cas masqué", .context = "Texte masqué.", .hidden = true};
  const std::string reply = NewUuid();
  const std::vector<Event> events = {
      ReplyChanged(reply, b.id, "Penser à la scintigraphie", false, 1), CaseChanged(a2, 2),
      CaseChanged(a, 1), CaseChanged(b, 1), CaseDeleted(c.id, 2), CaseChanged(c, 1),
      CaseChanged(d, 1)};
  std::vector<ApplyResult> batch;
  ASSERT_TRUE(pools[0]->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
                         absl::StatusOr<std::vector<ApplyResult>> r = ApplyEvents(txn, events);
                         if (!r.ok()) return r.status();
                         batch = *r;
                         return absl::OkStatus();
                       }).ok());
  EXPECT_THAT(batch, ElementsAre(ApplyResult::kApplied, ApplyResult::kApplied, ApplyResult::kStale,
                                 ApplyResult::kApplied, ApplyResult::kApplied, ApplyResult::kStale,
                                 ApplyResult::kApplied));
  for (const Event& e : events) {
    ASSERT_TRUE(pools[1]->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
                           return ApplyEvent(txn, e).status();
                         }).ok());
  }
  const auto dump = [](pg::Pool& pool) {
    absl::StatusOr<std::string> s = pg::InTransaction<std::string>(
        pool, [](pqxx::transaction_base& txn) -> absl::StatusOr<std::string> {
          return txn
              .exec("SELECT concat_ws('|', (SELECT string_agg(concat_ws(',', case_id, version, "
                    "deleted, hidden, space_id, private_group, title, body, replies_text, tags, "
                    "resolved, reply_count, create_time, last_activity_time, words, "
                    "document::text, occur_time), ';' ORDER BY case_id) FROM cases), "
                    "(SELECT string_agg(word || doc_count, ',' ORDER BY word) FROM lexicon))")[0][0]
              .as<std::string>();
        });
    EXPECT_TRUE(s.ok()) << s.status();
    return s.value_or("");
  };
  const std::string batched = dump(*pools[0]);
  EXPECT_EQ(batched, dump(*pools[1]));
  EXPECT_NE(batched.find("Nouvelle douleur"), std::string::npos);
  EXPECT_NE(batched.find("scintigraph"), std::string::npos) << "the reply is in the document";
  EXPECT_EQ(batched.find("Ancienne"), std::string::npos);
  EXPECT_EQ(batched.find("supprim"), std::string::npos) << "a deleted case came back";
}

}  // namespace
}  // namespace meltingdoc::search
