// The profiles service as operators run it (real binary, real PostgreSQL, private Redis):
// identity's AccountVerified creates a profile and AccountDeleted removes everything of the
// account; UpdateProfile with a field mask bumps the version and publishes ProfileChanged in
// the same transaction, and refuses bad input naming the fields without writing anything;
// stale etags, authorization, the connection state machine, endorsements, suggestions,
// taxonomy and export.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "libs/redis/redis_client.h"
#include "libs/taxonomy/ordinal_specialties.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/identity_events.h"
#include "tests/support/local_postgres.h"
#include "tests/support/private_profiles.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

using profiles::v1::ProfilesService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class ProfilesIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    tokens_ = new TestTokens();
    auto profiles = PrivateProfiles::Start(SharedPostgresPort(), *tokens_);
    ASSERT_TRUE(profiles.ok()) << profiles.status();
    profiles_ = std::move(profiles).value().release();
    db_ = profiles_->db.get();
    redis_server_ = profiles_->redis.get();
    service_ = profiles_->service.get();
    redis::RedisOptions options;
    options.port = redis_server_->port();
    redis_ = new redis::RedisClient(options);
    stub_ = ProfilesService::NewStub(service_->channel()).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    delete redis_;
    delete profiles_;
    delete tokens_;
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  // --- identity's side ---
  static void Publish(const events::v1::Event& event) {
    absl::Status s = PublishIdentityEvent(*redis_, event);
    ASSERT_TRUE(s.ok()) << s;
  }
  static events::v1::Event Verified(const std::string& id, const std::string& given, const std::string& family,
                                    const std::string& specialty, int64_t version = 1) {
    static int counter = 0;
    return AccountVerifiedEvent(
        id, absl::StrCat("100", 10000000 + (++counter) + (std::hash<std::string>{}(id) % 1000) * 1000), given,
        family, specialty, version);
  }
  static events::v1::Event Deleted(const std::string& id, int64_t version) {
    events::v1::Event e;
    e.set_event_id(NewUuid());
    e.set_aggregate_type("account");
    e.set_aggregate_id(id);
    e.set_aggregate_version(version);
    e.mutable_account_deleted()->set_account_id(id);
    return e;
  }

  // Waits until `predicate` holds on the profile (read as its own doctor) or 15 s pass.
  template <typename Pred>
  static bool WaitForProfile(const std::string& id, Pred predicate) {
    const absl::Time give_up = absl::Now() + absl::Seconds(15);
    while (absl::Now() < give_up) {
      profiles::v1::GetProfileRequest req;
      req.set_profile_id(id);
      profiles::v1::GetProfileResponse resp;
      grpc::Status s = stub_->GetProfile(CallAs(tokens_->VerifiedDoctor(id)).get(), req, &resp);
      if (predicate(s, resp.profile())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // A verified doctor with a profile.
  static std::string NewDoctor(const std::string& given, const std::string& family,
                               const std::string& specialty = "SM20") {
    const std::string id = NewUuid();
    Publish(Verified(id, given, family, specialty));
    EXPECT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile&) { return s.ok(); }))
        << "profile of " << given << " never appeared";
    return id;
  }

  // The events in the profiles outbox about one profile, oldest first.
  static std::vector<events::v1::Event> Outbox(const std::string& profile_id) {
    pqxx::connection conn(db_->Url("postgres"));
    pqxx::work txn(conn);
    std::vector<events::v1::Event> events;
    for (const pqxx::row& r : txn.exec_params(
             "SELECT payload FROM profiles.outbox WHERE aggregate_id = $1 ORDER BY id", profile_id)) {
      pqxx::binarystring bytes(r[0]);
      events::v1::Event e;
      EXPECT_TRUE(e.ParseFromString(bytes.str()));
      events.push_back(e);
    }
    return events;
  }
  static std::string Sql(const std::string& sql) {
    auto out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::string(absl::StripAsciiWhitespace(*out)) : "";
  }

  static profiles::v1::Profile Get(const std::string& id, const std::string& token, grpc::Status* status = nullptr) {
    profiles::v1::GetProfileRequest req;
    req.set_profile_id(id);
    profiles::v1::GetProfileResponse resp;
    grpc::Status s = stub_->GetProfile(CallAs(token).get(), req, &resp);
    if (status != nullptr) *status = s;
    return resp.profile();
  }
  static grpc::Status Update(const std::string& id, const profiles::v1::Profile& values,
                             const std::vector<std::string>& paths, profiles::v1::Profile* out = nullptr,
                             const std::string& etag = "", const std::string& token = "") {
    profiles::v1::UpdateProfileRequest req;
    *req.mutable_profile() = values;
    req.mutable_profile()->set_profile_id(id);
    for (const auto& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_etag(etag);
    profiles::v1::UpdateProfileResponse resp;
    grpc::Status s = stub_->UpdateProfile(CallAs(token.empty() ? tokens_->VerifiedDoctor(id) : token).get(), req, &resp);
    if (out != nullptr) *out = resp.profile();
    return s;
  }
  static grpc::Status Connect(const std::string& from, const std::string& to) {
    profiles::v1::RequestConnectionRequest req;
    req.set_profile_id(to);
    req.set_message("Bonjour, nous nous sommes croisés au congrès.");
    profiles::v1::RequestConnectionResponse resp;
    return stub_->RequestConnection(CallAs(tokens_->VerifiedDoctor(from)).get(), req, &resp);
  }
  static grpc::Status Respond(const std::string& me, const std::string& requester, bool accept) {
    profiles::v1::RespondToConnectionRequest req;
    req.set_profile_id(requester);
    req.set_accept(accept);
    profiles::v1::RespondToConnectionResponse resp;
    return stub_->RespondToConnection(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp);
  }
  static grpc::Status Endorse(const std::string& me, const std::string& profile, const std::string& key,
                              int32_t* count = nullptr) {
    profiles::v1::EndorseCompetenceRequest req;
    req.set_profile_id(profile);
    req.set_competence_key(key);
    profiles::v1::EndorseCompetenceResponse resp;
    grpc::Status s = stub_->EndorseCompetence(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp);
    if (count != nullptr) *count = resp.endorsement_count();
    return s;
  }

  static PrivateProfiles* profiles_;
  static ScratchDatabase* db_;
  static LocalRedis* redis_server_;
  static redis::RedisClient* redis_;
  static TestTokens* tokens_;
  static ServiceProcess* service_;
  static ProfilesService::Stub* stub_;
};

PrivateProfiles* ProfilesIntegrationTest::profiles_ = nullptr;
ScratchDatabase* ProfilesIntegrationTest::db_ = nullptr;
LocalRedis* ProfilesIntegrationTest::redis_server_ = nullptr;
redis::RedisClient* ProfilesIntegrationTest::redis_ = nullptr;
TestTokens* ProfilesIntegrationTest::tokens_ = nullptr;
ServiceProcess* ProfilesIntegrationTest::service_ = nullptr;
ProfilesService::Stub* ProfilesIntegrationTest::stub_ = nullptr;

TEST_F(ProfilesIntegrationTest, AccountVerifiedCreatesTheProfileOnceAndInOrder) {
  const std::string id = NewUuid();
  const events::v1::Event first = Verified(id, "Claire", "Martin", "SM26", 3);
  Publish(first);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile&) { return s.ok(); }));
  profiles::v1::Profile p = Get(id, tokens_->VerifiedDoctor(NewUuid()));
  EXPECT_EQ(p.given_name(), "Claire");
  EXPECT_EQ(p.family_name(), "Martin");
  EXPECT_EQ(p.specialty_code(), "SM26");
  EXPECT_EQ(p.specialty_label(), "Qualifié en Médecine générale") << "label from the taxonomy when identity sends none";
  EXPECT_EQ(p.version(), 1);
  EXPECT_EQ(p.etag(), "\"1\"");

  std::vector<events::v1::Event> events = Outbox(id);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].has_profile_changed());
  EXPECT_EQ(events[0].aggregate_type(), "profile");
  EXPECT_EQ(events[0].aggregate_version(), 1);
  EXPECT_EQ(events[0].profile_changed().specialty_code(), "SM54") << "general practice is one specialty";
  EXPECT_EQ(events[0].profile_changed().display_name(), "Dr Claire Martin");

  // The same event again (relay republished it) and an older version: nothing changes.
  Publish(first);
  Publish(Verified(id, "Old", "Name", "SM26", 2));
  // A newer one (register correction) applies.
  Publish(Verified(id, "Claire", "Martin-Durand", "SM26", 4));
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile& p) {
    return s.ok() && p.family_name() == "Martin-Durand";
  }));
  p = Get(id, tokens_->VerifiedDoctor(id));
  EXPECT_EQ(p.given_name(), "Claire");
  EXPECT_EQ(p.version(), 2);
  EXPECT_EQ(Outbox(id).size(), 2u);
}

TEST_F(ProfilesIntegrationTest, RegisterSavoirFaireFromIdentityIsShownAndPublished) {
  const std::string id = NewUuid();
  events::v1::Event e = Verified(id, "Agnès", "Douleur", "SM01", 1);
  auto add = [&](const char* type, const char* code, const char* label) {
    events::v1::SavoirFaire* sf = e.mutable_account_verified()->add_savoir_faire();
    sf->set_type_code(type);
    sf->set_code(code);
    sf->set_label(label);
  };
  add("S", "SM01", "Anesthésie-réanimation");
  add("CAPA", "CAPA12", "Évaluation et traitement de la douleur");
  add("XX", "X1", "Un type que nous ne connaissons pas");
  Publish(e);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile&) { return s.ok(); }));
  profiles::v1::Profile p = Get(id, tokens_->VerifiedDoctor(NewUuid()));
  ASSERT_EQ(p.savoir_faire_size(), 3) << p.DebugString();
  EXPECT_EQ(p.savoir_faire(0).code(), "SM01");
  EXPECT_EQ(p.savoir_faire(0).type_label(), "Spécialité ordinale");
  EXPECT_EQ(p.savoir_faire(1).type_code(), "CAPA");
  EXPECT_EQ(p.savoir_faire(1).label(), "Évaluation et traitement de la douleur");
  EXPECT_EQ(p.savoir_faire(2).type_label(), "") << "unknown type: kept, without a label";
  std::vector<events::v1::Event> events = Outbox(id);
  ASSERT_FALSE(events.empty());
  EXPECT_THAT(events.back().profile_changed().savoir_faire_labels(),
              ::testing::Contains("Évaluation et traitement de la douleur"))
      << "search indexes the register's savoir-faire";

  // A register correction replaces them; the doctor cannot edit them.
  events::v1::Event corrected = Verified(id, "Agnès", "Douleur", "SM01", 2);
  events::v1::SavoirFaire* sf = corrected.mutable_account_verified()->add_savoir_faire();
  sf->set_type_code("S");
  sf->set_code("SM01");
  sf->set_label("Anesthésie-réanimation");
  Publish(corrected);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile& p) {
    return s.ok() && p.savoir_faire_size() == 1;
  }));
  profiles::v1::Profile values;
  values.add_savoir_faire()->set_label("self-declared");
  EXPECT_EQ(Update(id, values, {"savoir_faire"}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ProfilesIntegrationTest, RegisterSitesBecomeTheFirstPlacesAndStayTheDoctors) {
  const std::string id = NewUuid();
  events::v1::Event verified = Verified(id, "Jeanne", "Lieu", "SM20");
  for (const auto& [postcode, city] : std::vector<std::pair<std::string, std::string>>{
           {"69003", "LYON"}, {"42000", "ST ETIENNE"}, {"99999", "NULLE PART"}, {"69003", "LYON 3E ARRONDISSEMENT"}}) {
    auto* site = verified.mutable_account_verified()->add_practice_places();
    site->set_postcode(postcode);
    site->set_city(city);
  }
  Publish(verified);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile&) { return s.ok(); }));
  profiles::v1::Profile p = Get(id, tokens_->VerifiedDoctor(id));
  // One place per commune, geocoded by the commune table; the unknown postcode left out.
  ASSERT_EQ(p.practice_places_size(), 2) << p.DebugString();
  EXPECT_EQ(p.practice_places(0).name(), "Lyon");
  EXPECT_EQ(p.practice_places(0).commune(), "Lyon");
  EXPECT_EQ(p.practice_places(0).insee_code(), "69123");
  EXPECT_NEAR(p.practice_places(0).latitude(), 45.76, 0.05);
  EXPECT_NEAR(p.practice_places(0).longitude(), 4.84, 0.05);
  EXPECT_EQ(p.practice_places(1).commune(), "Saint-Étienne");
  EXPECT_EQ(p.practice_places(1).insee_code(), "42218");
  // In the snapshot for search, in the same transaction as the profile.
  std::vector<events::v1::Event> events = Outbox(id);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[0].profile_changed().places_size(), 2);
  EXPECT_EQ(events[0].profile_changed().places(1).insee_code(), "42218");

  // The doctor edits them like any place...
  profiles::v1::Profile values;
  auto* place = values.add_practice_places();
  place->set_name("Hôpital de la Croix-Rousse");
  place->set_kind(profiles::v1::PLACE_KIND_HOSPITAL);
  place->set_postcode("69004");
  place->set_accepts_referrals(true);
  ASSERT_TRUE(Update(id, values, {"practice_places"}).ok());
  // ...and a later register refresh (newer account version) leaves them alone.
  events::v1::Event refresh = Verified(id, "Jeanne", "Lieu-Durand", "SM20", 2);
  auto* moved = refresh.mutable_account_verified()->add_practice_places();
  moved->set_postcode("13005");
  moved->set_city("MARSEILLE");
  Publish(refresh);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile& p) {
    return s.ok() && p.family_name() == "Lieu-Durand";
  }));
  p = Get(id, tokens_->VerifiedDoctor(id));
  ASSERT_EQ(p.practice_places_size(), 1);
  EXPECT_EQ(p.practice_places(0).name(), "Hôpital de la Croix-Rousse");
}

TEST_F(ProfilesIntegrationTest, DoctorVerifiedWithoutRppsGetsAProfile) {
  // identity verifies ADELI identifiers too: its AccountVerified then has no RPPS number.
  const std::string id = NewUuid();
  events::v1::Event e = Verified(id, "Yves", "Adeli", "SM54", 1);
  e.mutable_account_verified()->clear_rpps();
  Publish(e);
  ASSERT_TRUE(WaitForProfile(id, [](const grpc::Status& s, const profiles::v1::Profile&) { return s.ok(); }))
      << "no profile for a doctor verified without RPPS";
  EXPECT_EQ(Get(id, tokens_->VerifiedDoctor(NewUuid())).rpps(), "");
  // A malformed RPPS can never be stored: ignored (logged), not retried forever.
  const std::string bad = NewUuid();
  events::v1::Event malformed = Verified(bad, "Zoé", "Malformée", "SM54", 1);
  malformed.mutable_account_verified()->set_rpps("1234567890A");
  Publish(malformed);
  // A later event is still applied: the stream is not blocked by the bad one.
  const std::string after = NewDoctor("Léa", "Suivante", "SM54");
  grpc::Status s;
  Get(bad, tokens_->VerifiedDoctor(NewUuid()), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  Get(after, tokens_->VerifiedDoctor(NewUuid()), &s);
  EXPECT_TRUE(s.ok());
}

TEST_F(ProfilesIntegrationTest, UpdateWithFieldMaskBumpsVersionAndPublishesInTheSameTransaction) {
  const std::string id = NewDoctor("Hélène", "Roux", "SM20");
  profiles::v1::Profile initial;
  initial.set_headline("Gynécologue-obstétricienne, CHU de Lyon");
  ASSERT_TRUE(Update(id, initial, {"headline"}).ok());

  profiles::v1::Profile values;
  values.set_headline("must not be written: not in the mask");
  values.set_bio("Praticienne hospitalière. Consultations de fertilité le mardi.");
  values.add_competences()->set_code("go-obstetrique");
  values.add_competences()->set_label("PMA");  // free text naming a taxonomy competence
  values.add_competences()->set_label("Hystéroscopie opératoire");
  auto* chu = values.add_practice_places();
  chu->set_name("Hôpital de la Croix-Rousse");
  chu->set_kind(profiles::v1::PLACE_KIND_HOSPITAL);
  chu->set_postcode("69004");
  chu->set_accepts_referrals(true);
  auto* cabinet = values.add_practice_places();
  cabinet->set_name("Cabinet");
  cabinet->set_kind(profiles::v1::PLACE_KIND_PRIVATE_PRACTICE);
  cabinet->set_postcode("01400");
  cabinet->set_commune("Chatillon sur Chalaronne");
  values.add_languages("fr");
  values.add_languages("EN");
  values.set_accepting_referrals(true);
  profiles::v1::Profile updated;
  grpc::Status s = Update(id, values, {"bio", "competences", "practice_places", "languages", "accepting_referrals"},
                          &updated, "\"2\"");
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << ViolatedFields(s);
  EXPECT_EQ(updated.version(), 3);
  EXPECT_EQ(updated.headline(), "Gynécologue-obstétricienne, CHU de Lyon");
  ASSERT_EQ(updated.competences_size(), 3);
  EXPECT_EQ(updated.competences(1).code(), "go-fertilite-amp");
  EXPECT_EQ(updated.competences(1).label(), "Fertilité et AMP");
  EXPECT_EQ(updated.competences(2).key(), "free:hysteroscopie operatoire");
  ASSERT_EQ(updated.practice_places_size(), 2);
  EXPECT_EQ(updated.practice_places(0).commune(), "Lyon");
  EXPECT_EQ(updated.practice_places(0).insee_code(), "69123");
  EXPECT_NEAR(updated.practice_places(0).latitude(), 45.76, 0.05);
  EXPECT_NEAR(updated.practice_places(0).longitude(), 4.84, 0.05);
  EXPECT_EQ(updated.practice_places(0).coordinates_source(), "commune");
  EXPECT_EQ(updated.practice_places(1).commune(), "Châtillon-sur-Chalaronne");
  EXPECT_THAT(updated.languages(), ElementsAre("fr", "en"));

  // A fresh read says the same.
  EXPECT_EQ(Get(id, tokens_->VerifiedDoctor(id)).DebugString(), updated.DebugString());

  std::vector<events::v1::Event> events = Outbox(id);
  ASSERT_EQ(events.size(), 3u);
  const events::v1::ProfileChanged& snap = events.back().profile_changed();
  EXPECT_EQ(events.back().aggregate_version(), 3);
  EXPECT_EQ(snap.version(), 3);
  ASSERT_EQ(snap.competences_size(), 3);
  EXPECT_THAT(snap.competences(1).synonyms(), ::testing::Contains("FIV"));
  EXPECT_THAT(snap.competences(1).synonyms(), ::testing::Contains("PMA"));
  ASSERT_EQ(snap.places_size(), 2);
  EXPECT_TRUE(snap.places(0).has_coordinates());
  EXPECT_EQ(snap.places(0).departement(), "69");
  EXPECT_EQ(snap.places(0).kind(), "hospital");
  EXPECT_THAT(snap.languages(), ElementsAre("fr", "en"));
  EXPECT_TRUE(snap.accepting_referrals());
}

TEST_F(ProfilesIntegrationTest, StaleEtagIsAbortedAndWritesNothing) {
  const std::string id = NewDoctor("Paul", "Lefèvre", "SM41");
  profiles::v1::Profile values;
  values.set_bio("first");
  profiles::v1::Profile after;
  ASSERT_TRUE(Update(id, values, {"bio"}, &after, "\"1\"").ok());
  values.set_bio("second, from a stale page");
  grpc::Status s = Update(id, values, {"bio"}, nullptr, "\"1\"");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  s = Update(id, values, {"bio"}, nullptr, "garbage");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "etag");
  profiles::v1::Profile now = Get(id, tokens_->VerifiedDoctor(id));
  EXPECT_EQ(now.bio(), "first");
  EXPECT_EQ(now.version(), 2);
  EXPECT_EQ(Outbox(id).size(), 2u);
  // With the current etag it goes through.
  EXPECT_TRUE(Update(id, values, {"bio"}, nullptr, now.etag()).ok());
}

TEST_F(ProfilesIntegrationTest, LimitsAreInvalidArgumentNamingFieldsWithNoPartialWrite) {
  const std::string id = NewDoctor("Inès", "Benali", "SM32");
  profiles::v1::Profile values;
  values.set_headline("Neurologue");           // valid
  values.set_bio(std::string(2001, 'x'));       // too long
  values.add_languages("klingon");              // not ISO 639-1
  values.add_competences()->set_code("neuro-sep");
  values.add_competences()->set_code("not-in-taxonomy");
  auto* place = values.add_practice_places();
  place->set_name("Cabinet");
  place->set_postcode("01400");                 // shared postcode, no commune named
  grpc::Status s = Update(id, values, {"headline", "bio", "languages", "competences"});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "profile.bio,profile.competences[1].code,profile.languages[0]");
  s = Update(id, values, {"practice_places"});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "profile.practice_places[0].commune");
  EXPECT_THAT(s.error_message(), HasSubstr("Châtillon-sur-Chalaronne"));
  place->set_postcode("99999");
  s = Update(id, values, {"practice_places"});
  EXPECT_EQ(ViolatedFields(s), "profile.practice_places[0].postcode");
  s = Update(id, values, {"rpps"});
  EXPECT_EQ(ViolatedFields(s), "update_mask");

  const profiles::v1::Profile now = Get(id, tokens_->VerifiedDoctor(id));
  EXPECT_EQ(now.headline(), "") << "the valid field of a refused update must not be written";
  EXPECT_EQ(now.version(), 1);
  EXPECT_EQ(now.competences_size(), 0);
  EXPECT_EQ(Outbox(id).size(), 1u);
}

TEST_F(ProfilesIntegrationTest, Authorization) {
  const std::string doctor = NewDoctor("Marc", "Petit", "SM04");
  const std::string pending = NewUuid();
  grpc::Status s;
  Get(doctor, tokens_->Pending(pending), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << "pending accounts see no one else";
  Get(doctor, tokens_->Pending(doctor), &s);
  EXPECT_TRUE(s.ok()) << "but their own profile";
  Get(doctor, "", &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  profiles::v1::Profile values;
  values.set_bio("written by someone else");
  s = Update(doctor, values, {"bio"}, nullptr, "", tokens_->VerifiedDoctor(NewUuid()));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(doctor, tokens_->VerifiedDoctor(doctor)).bio(), "");

  profiles::v1::BatchGetProfilesRequest batch;
  batch.add_profile_ids(doctor);
  profiles::v1::BatchGetProfilesResponse batch_resp;
  s = stub_->BatchGetProfiles(CallAs(tokens_->Pending(pending)).get(), batch, &batch_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  profiles::v1::ExportProfilesRequest exp;
  profiles::v1::ExportProfilesResponse exp_resp;
  s = stub_->ExportProfiles(CallAs(tokens_->VerifiedDoctor(doctor)).get(), exp, &exp_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  profiles::v1::RequestConnectionRequest conn;
  conn.set_profile_id(doctor);
  profiles::v1::RequestConnectionResponse conn_resp;
  s = stub_->RequestConnection(CallAs(tokens_->Pending(pending)).get(), conn, &conn_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ProfilesIntegrationTest, BatchGetKeepsOrderAndSkipsUnknown) {
  const std::string a = NewDoctor("Anne", "Aubert");
  const std::string b = NewDoctor("Bruno", "Bernard");
  profiles::v1::BatchGetProfilesRequest req;
  req.add_profile_ids(b);
  req.add_profile_ids(NewUuid());
  req.add_profile_ids(a);
  req.add_profile_ids(b);
  profiles::v1::BatchGetProfilesResponse resp;
  grpc::Status s = stub_->BatchGetProfiles(CallAs(tokens_->VerifiedDoctor(a)).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.profiles_size(), 2);
  EXPECT_EQ(resp.profiles(0).family_name(), "Bernard");
  EXPECT_EQ(resp.profiles(1).family_name(), "Aubert");
  for (int i = 0; i < 100; ++i) req.add_profile_ids(NewUuid());
  s = stub_->BatchGetProfiles(CallAs(tokens_->VerifiedDoctor(a)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "profile_ids");
}

TEST_F(ProfilesIntegrationTest, ConnectionStateMachine) {
  const std::string a = NewDoctor("Alice", "Moreau", "SM20");
  const std::string b = NewDoctor("Benoît", "Girard", "SM20");
  const std::string c = NewDoctor("Chloé", "Faure", "SM40");

  EXPECT_EQ(Connect(a, a).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Connect(a, NewUuid()).error_code(), grpc::StatusCode::NOT_FOUND) << "not a verified doctor";
  ASSERT_TRUE(Connect(a, b).ok());
  EXPECT_EQ(Connect(a, b).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Connect(b, a).error_code(), grpc::StatusCode::FAILED_PRECONDITION) << "respond instead";

  profiles::v1::ListConnectionRequestsRequest lr;
  profiles::v1::ListConnectionRequestsResponse received;
  ASSERT_TRUE(stub_->ListConnectionRequests(CallAs(tokens_->VerifiedDoctor(b)).get(), lr, &received).ok());
  ASSERT_EQ(received.requests_size(), 1);
  EXPECT_EQ(received.requests(0).colleague().profile_id(), a);
  EXPECT_THAT(received.requests(0).message(), HasSubstr("congrès"));
  lr.set_sent(true);
  profiles::v1::ListConnectionRequestsResponse sent;
  ASSERT_TRUE(stub_->ListConnectionRequests(CallAs(tokens_->VerifiedDoctor(a)).get(), lr, &sent).ok());
  ASSERT_EQ(sent.requests_size(), 1);
  EXPECT_EQ(sent.requests(0).colleague().profile_id(), b);

  // Contact details: hidden from B until connected.
  profiles::v1::Profile contact;
  contact.mutable_contact()->set_phone("04 72 00 00 00");
  ASSERT_TRUE(Update(a, contact, {"contact"}).ok());
  EXPECT_EQ(Get(a, tokens_->VerifiedDoctor(b)).contact().phone(), "");
  EXPECT_EQ(Respond(a, b, true).error_code(), grpc::StatusCode::NOT_FOUND) << "A has no request from B";
  ASSERT_TRUE(Respond(b, a, true).ok());
  EXPECT_EQ(Respond(b, a, true).error_code(), grpc::StatusCode::NOT_FOUND) << "already answered";
  EXPECT_EQ(Get(a, tokens_->VerifiedDoctor(b)).contact().phone(), "04 72 00 00 00");
  EXPECT_EQ(Get(a, tokens_->VerifiedDoctor(c)).contact().phone(), "");
  EXPECT_EQ(Get(a, tokens_->VerifiedDoctor(b)).connection_count(), 1);
  EXPECT_EQ(Connect(b, a).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  profiles::v1::ListConnectionsRequest lc;
  profiles::v1::ListConnectionsResponse conns;
  ASSERT_TRUE(stub_->ListConnections(CallAs(tokens_->VerifiedDoctor(b)).get(), lc, &conns).ok());
  ASSERT_EQ(conns.connections_size(), 1);
  EXPECT_EQ(conns.connections(0).colleague().family_name(), "Moreau");

  // Remove: either side may.
  profiles::v1::RemoveConnectionRequest rm;
  rm.set_profile_id(a);
  profiles::v1::RemoveConnectionResponse rm_resp;
  ASSERT_TRUE(stub_->RemoveConnection(CallAs(tokens_->VerifiedDoctor(b)).get(), rm, &rm_resp).ok());
  EXPECT_EQ(stub_->RemoveConnection(CallAs(tokens_->VerifiedDoctor(b)).get(), rm, &rm_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->ListConnections(CallAs(tokens_->VerifiedDoctor(a)).get(), lc, &conns).ok());
  EXPECT_EQ(conns.connections_size(), 0);

  // Decline, then the declined requester cannot ask again; the decliner can.
  ASSERT_TRUE(Connect(c, a).ok());
  ASSERT_TRUE(Respond(a, c, false).ok());
  EXPECT_EQ(Connect(c, a).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Connect(a, c).ok());
  // Withdraw.
  profiles::v1::WithdrawConnectionRequestRequest wd;
  wd.set_profile_id(c);
  profiles::v1::WithdrawConnectionRequestResponse wd_resp;
  ASSERT_TRUE(stub_->WithdrawConnectionRequest(CallAs(tokens_->VerifiedDoctor(a)).get(), wd, &wd_resp).ok());
  EXPECT_EQ(stub_->WithdrawConnectionRequest(CallAs(tokens_->VerifiedDoctor(a)).get(), wd, &wd_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lr.set_sent(false);
  ASSERT_TRUE(stub_->ListConnectionRequests(CallAs(tokens_->VerifiedDoctor(c)).get(), lr, &received).ok());
  EXPECT_EQ(received.requests_size(), 0);
}

TEST_F(ProfilesIntegrationTest, ConnectionListsArePagedByKeyset) {
  const std::string me = NewDoctor("Pascale", "Page", "SM54");
  std::vector<std::string> others;
  for (int i = 0; i < 5; ++i) {
    others.push_back(NewDoctor("Confrère", "N" + std::to_string(i), "SM54"));
    ASSERT_TRUE(Connect(others.back(), me).ok());
    ASSERT_TRUE(Respond(me, others.back(), true).ok());
  }
  std::vector<std::string> seen;
  profiles::v1::ListConnectionsRequest req;
  req.set_page_size(2);
  for (int page = 0; page < 5; ++page) {
    profiles::v1::ListConnectionsResponse resp;
    ASSERT_TRUE(stub_->ListConnections(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp).ok());
    for (const auto& c : resp.connections()) seen.push_back(c.colleague().profile_id());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_THAT(seen, UnorderedElementsAre(others[0], others[1], others[2], others[3], others[4]));
  EXPECT_EQ(seen.front(), others.back()) << "newest first";
  req.set_page_token("not a token");
  profiles::v1::ListConnectionsResponse resp;
  EXPECT_EQ(stub_->ListConnections(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ProfilesIntegrationTest, EndorsementRules) {
  const std::string owner = NewDoctor("Odile", "Blanc", "SM20");
  const std::string peer = NewDoctor("Pierre", "Noir", "SM20");
  const std::string stranger = NewDoctor("Sami", "Vert", "SM20");
  profiles::v1::Profile values;
  values.add_competences()->set_code("go-fertilite-amp");
  values.add_competences()->set_label("Hystéroscopie opératoire");
  ASSERT_TRUE(Update(owner, values, {"competences"}).ok());
  ASSERT_TRUE(Connect(peer, owner).ok());
  ASSERT_TRUE(Respond(owner, peer, true).ok());

  EXPECT_EQ(Endorse(owner, owner, "go-fertilite-amp").error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "not oneself";
  EXPECT_EQ(Endorse(stranger, owner, "go-fertilite-amp").error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "connections only";
  EXPECT_EQ(Endorse(peer, owner, "neuro-sep").error_code(), grpc::StatusCode::NOT_FOUND) << "not on the profile";
  const int64_t version_before = Get(owner, tokens_->VerifiedDoctor(owner)).version();
  int32_t count = 0;
  ASSERT_TRUE(Endorse(peer, owner, "go-fertilite-amp", &count).ok());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(Endorse(peer, owner, "go-fertilite-amp").error_code(), grpc::StatusCode::ALREADY_EXISTS) << "once";
  ASSERT_TRUE(Endorse(peer, owner, "free:hysteroscopie operatoire", &count).ok());

  profiles::v1::Profile seen = Get(owner, tokens_->VerifiedDoctor(peer));
  EXPECT_EQ(seen.version(), version_before + 2);
  EXPECT_EQ(seen.competences(0).endorsement_count(), 1);
  EXPECT_TRUE(seen.competences(0).endorsed_by_caller());
  EXPECT_FALSE(Get(owner, tokens_->VerifiedDoctor(stranger)).competences(0).endorsed_by_caller());
  EXPECT_EQ(Outbox(owner).back().profile_changed().competences(0).endorsement_count(), 1)
      << "counts feed search ranking";

  // Editing the competence list keeps the endorsements of kept competences.
  values.add_competences()->set_code("go-endometriose");
  ASSERT_TRUE(Update(owner, values, {"competences"}).ok());
  EXPECT_EQ(Get(owner, tokens_->VerifiedDoctor(owner)).competences(0).endorsement_count(), 1);

  profiles::v1::RetractEndorsementRequest retract;
  retract.set_profile_id(owner);
  retract.set_competence_key("go-fertilite-amp");
  profiles::v1::RetractEndorsementResponse retract_resp;
  ASSERT_TRUE(stub_->RetractEndorsement(CallAs(tokens_->VerifiedDoctor(peer)).get(), retract, &retract_resp).ok());
  EXPECT_EQ(retract_resp.endorsement_count(), 0);
  EXPECT_EQ(stub_->RetractEndorsement(CallAs(tokens_->VerifiedDoctor(peer)).get(), retract, &retract_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Endorse(peer, owner, "go-fertilite-amp").error_code(), grpc::StatusCode::OK) << "can endorse again";
}

// The Redis key of a cached profile (services/profiles/profile_cache.cc).
std::string CacheKey(const std::string& id) { return "meltingdoc:profiles:profile:" + id; }

// The cached copy of a profile, as the service wrote it to Redis (nullopt: not cached).
std::optional<profiles::v1::Profile> Cached(redis::RedisClient& redis, const std::string& id) {
  auto reply = redis.Command({"GET", CacheKey(id)});
  if (!reply.ok() || reply->type != redis::RedisReply::Type::kString) return std::nullopt;
  profiles::v1::Profile p;
  if (!p.ParseFromString(reply->str)) return std::nullopt;
  return p;
}

TEST_F(ProfilesIntegrationTest, CacheServesOnlyTheCurrentVersion) {
  const std::string id = NewDoctor("Inès", "Cachet", "SM20");
  const std::string reader = NewUuid();
  profiles::v1::Profile values;
  values.set_headline("Échographie obstétricale");
  ASSERT_TRUE(Update(id, values, {"headline"}).ok());
  const profiles::v1::Profile first = Get(id, tokens_->VerifiedDoctor(reader));
  std::optional<profiles::v1::Profile> cached = Cached(*redis_, id);
  ASSERT_TRUE(cached.has_value()) << "a read fills the cache";
  EXPECT_EQ(cached->version(), first.version());
  EXPECT_EQ(cached->headline(), "Échographie obstétricale");

  // Reads use the cached copy while its version is current (proved by changing the copy
  // behind the service's back) ...
  cached->set_headline("copy from Redis");
  ASSERT_TRUE(redis_->Command({"SET", CacheKey(id), cached->SerializeAsString()}).ok());
  EXPECT_EQ(Get(id, tokens_->VerifiedDoctor(reader)).headline(), "copy from Redis");
  profiles::v1::BatchGetProfilesRequest batch;
  batch.add_profile_ids(id);
  profiles::v1::BatchGetProfilesResponse batch_resp;
  ASSERT_TRUE(stub_->BatchGetProfiles(CallAs(tokens_->VerifiedDoctor(reader)).get(), batch, &batch_resp).ok());
  ASSERT_EQ(batch_resp.profiles_size(), 1);
  EXPECT_EQ(batch_resp.profiles(0).headline(), "copy from Redis");

  // ... and never once the profile changed: the update is seen at once by every reader,
  // through GetProfile and BatchGetProfiles, without anyone deleting the key.
  values.set_headline("Médecine fœtale");
  ASSERT_TRUE(Update(id, values, {"headline"}).ok());
  const profiles::v1::Profile after = Get(id, tokens_->VerifiedDoctor(reader));
  EXPECT_EQ(after.headline(), "Médecine fœtale");
  EXPECT_EQ(after.version(), first.version() + 1);
  ASSERT_TRUE(stub_->BatchGetProfiles(CallAs(tokens_->VerifiedDoctor(reader)).get(), batch, &batch_resp).ok());
  EXPECT_EQ(batch_resp.profiles(0).headline(), "Médecine fœtale");
  EXPECT_EQ(Cached(*redis_, id)->version(), after.version()) << "refilled with the new version";

  // Garbage under the key is a miss, not an error.
  ASSERT_TRUE(redis_->Command({"SET", CacheKey(id), "not a profile"}).ok());
  grpc::Status s;
  EXPECT_EQ(Get(id, tokens_->VerifiedDoctor(reader), &s).headline(), "Médecine fœtale");
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ProfilesIntegrationTest, CachedProfileKeepsViewerSpecificFieldsPerViewer) {
  const std::string owner = NewDoctor("Rose", "Cache", "SM20");
  const std::string peer = NewDoctor("Paul", "Cache", "SM20");
  const std::string other = NewDoctor("Olga", "Cache", "SM20");
  profiles::v1::Profile values;
  values.add_competences()->set_code("go-fertilite-amp");
  values.mutable_contact()->set_phone("+33 4 72 00 00 00");
  ASSERT_TRUE(Update(owner, values, {"competences", "contact"}).ok());
  ASSERT_TRUE(Connect(peer, owner).ok());
  ASSERT_TRUE(Respond(owner, peer, true).ok());
  ASSERT_TRUE(Endorse(peer, owner, "go-fertilite-amp").ok());

  // The endorser's read fills the cache; the next reader must not inherit its flags, nor
  // the contact details only connections see.
  const profiles::v1::Profile by_peer = Get(owner, tokens_->VerifiedDoctor(peer));
  EXPECT_TRUE(by_peer.competences(0).endorsed_by_caller());
  EXPECT_EQ(by_peer.contact().phone(), "+33 4 72 00 00 00");
  EXPECT_EQ(by_peer.connection_count(), 1);
  ASSERT_TRUE(Cached(*redis_, owner).has_value());
  EXPECT_FALSE(Cached(*redis_, owner)->competences(0).endorsed_by_caller()) << "stored without viewer flags";
  const profiles::v1::Profile by_other = Get(owner, tokens_->VerifiedDoctor(other));
  EXPECT_FALSE(by_other.competences(0).endorsed_by_caller());
  EXPECT_FALSE(by_other.has_contact());
  EXPECT_EQ(by_other.competences(0).endorsement_count(), 1);

  // A new connection does not change the profile's version, yet the count is live.
  ASSERT_TRUE(Connect(other, owner).ok());
  ASSERT_TRUE(Respond(owner, other, true).ok());
  const profiles::v1::Profile connected = Get(owner, tokens_->VerifiedDoctor(other));
  EXPECT_EQ(connected.connection_count(), 2);
  EXPECT_EQ(connected.contact().phone(), "+33 4 72 00 00 00") << "now a connection";
}

TEST_F(ProfilesIntegrationTest, ReadsStayCorrectWhenRedisIsDown) {
  // A second instance on the same database with a Redis of its own, killed once the cache is warm.
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  // Without identity, a dead Redis leaves nobody to check sessions with and every call would
  // be UNAVAILABLE (fail closed, tests/integration/identity_accounts/service_sessions_test.cc):
  // this test is about the profile cache, so the session check is off.
  auto sp = ServiceProcess::Start({.service = "profiles",
                                   .pg_url = db_->Url("profiles"),
                                   .redis_port = (*redis)->port(),
                                   .public_keys_file = tokens_->public_keys_file(),
                                   .extra_env = {{"MELTINGDOC_PROFILES_SESSION_CHECK", "false"}}});
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*sp)->WaitForHealth(true, absl::Seconds(60)).ok()) << (*sp)->ReadLog();
  auto second = ProfilesService::NewStub((*sp)->channel());

  const std::string id = NewDoctor("Denise", "Panne", "SM20");
  const std::string reader = NewUuid();
  auto get = [&](grpc::Status* status) {
    profiles::v1::GetProfileRequest req;
    req.set_profile_id(id);
    profiles::v1::GetProfileResponse resp;
    *status = second->GetProfile(CallAs(tokens_->VerifiedDoctor(reader)).get(), req, &resp);
    return resp.profile();
  };
  grpc::Status s;
  profiles::v1::Profile warm = get(&s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  (*redis)->Kill();

  profiles::v1::Profile values;
  values.set_headline("Written while the second instance's Redis is down");
  ASSERT_TRUE(Update(id, values, {"headline"}).ok());  // through the first instance
  const absl::Time start = absl::Now();
  profiles::v1::Profile cold = get(&s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cold.headline(), "Written while the second instance's Redis is down");
  EXPECT_EQ(cold.version(), warm.version() + 1);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "a dead Redis costs at most its timeouts";
  profiles::v1::BatchGetProfilesRequest batch;
  batch.add_profile_ids(id);
  batch.add_profile_ids(NewUuid());
  profiles::v1::BatchGetProfilesResponse batch_resp;
  ASSERT_TRUE(second->BatchGetProfiles(CallAs(tokens_->VerifiedDoctor(reader)).get(), batch, &batch_resp).ok());
  ASSERT_EQ(batch_resp.profiles_size(), 1);
  EXPECT_EQ(batch_resp.profiles(0).headline(), "Written while the second instance's Redis is down");
}

TEST_F(ProfilesIntegrationTest, AccountDeletedRemovesEverythingOfTheAccount) {
  const std::string gone = NewDoctor("Gaston", "Départ", "SM41");
  const std::string friend_id = NewDoctor("Fanny", "Reste", "SM41");
  profiles::v1::Profile values;
  values.add_competences()->set_code("pneumo-bpco");
  ASSERT_TRUE(Update(friend_id, values, {"competences"}).ok());
  ASSERT_TRUE(Update(gone, values, {"competences"}).ok());
  ASSERT_TRUE(Connect(gone, friend_id).ok());
  ASSERT_TRUE(Respond(friend_id, gone, true).ok());
  ASSERT_TRUE(Endorse(gone, friend_id, "pneumo-bpco").ok());
  ASSERT_TRUE(Endorse(friend_id, gone, "pneumo-bpco").ok());
  const int64_t friend_version = Get(friend_id, tokens_->VerifiedDoctor(friend_id)).version();

  Publish(Deleted(gone, 10));
  ASSERT_TRUE(WaitForProfile(gone, [](const grpc::Status& s, const profiles::v1::Profile&) {
    return s.error_code() == grpc::StatusCode::NOT_FOUND;
  }));
  for (const char* table : {"profile_competences", "endorsements", "connections"}) {
    EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM profiles.", table, " WHERE '", gone,
                               "' IN (", std::string(table) == "connections" ? "requester_id, addressee_id"
                                       : std::string(table) == "endorsements" ? "profile_id, endorser_id"
                                                                              : "profile_id",
                               ")")),
              "0")
        << table;
  }
  const profiles::v1::Profile f = Get(friend_id, tokens_->VerifiedDoctor(friend_id));
  EXPECT_EQ(f.connection_count(), 0);
  EXPECT_EQ(f.competences(0).endorsement_count(), 0);
  EXPECT_EQ(f.version(), friend_version + 1) << "its endorsement counts changed";
  EXPECT_EQ(Outbox(friend_id).back().profile_changed().competences(0).endorsement_count(), 0);
  const std::vector<events::v1::Event> events = Outbox(gone);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().has_profile_deleted());
  EXPECT_GT(events.back().aggregate_version(), events[events.size() - 2].aggregate_version());

  // A late AccountVerified (older, or replayed) never brings the doctor back.
  Publish(Verified(gone, "Gaston", "Départ", "SM41", 11));
  Publish(Verified(NewUuid(), "Témoin", "Après", "SM41"));  // later event, proves the first was consumed
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  grpc::Status s;
  Get(gone, tokens_->VerifiedDoctor(friend_id), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ProfilesIntegrationTest, SuggestsColleaguesOfTheSamePlaceFacultyAndFriends) {
  const std::string me = NewDoctor("Mona", "Suggestion", "SM20");
  const std::string same_place = NewDoctor("Samuel", "Lieu", "SM40");
  const std::string same_faculty = NewDoctor("Fatou", "Fac", "SM42");
  const std::string friend_id = NewDoctor("Félix", "Ami", "SM27");
  const std::string friend_of_friend = NewDoctor("Flore", "AmieDAmi", "SM27");
  const std::string unrelated = NewDoctor("Ursule", "Loin", "SM27");
  profiles::v1::Profile place;
  auto* p = place.add_practice_places();
  p->set_name("Hôpital Femme Mère Enfant");
  p->set_postcode("69500");
  p->set_commune("Bron");
  ASSERT_TRUE(Update(me, place, {"practice_places"}).ok());
  ASSERT_TRUE(Update(same_place, place, {"practice_places"}).ok());
  profiles::v1::Profile fac;
  auto* e = fac.add_education();
  e->set_kind(profiles::v1::EDUCATION_KIND_FACULTY);
  e->set_title("Études médicales");
  e->set_institution("Faculté de médecine Lyon Est");
  e->set_start_year(2005);
  ASSERT_TRUE(Update(me, fac, {"education"}).ok());
  e->set_start_year(2006);
  ASSERT_TRUE(Update(same_faculty, fac, {"education"}).ok());
  e->set_start_year(1990);
  ASSERT_TRUE(Update(unrelated, fac, {"education"}).ok());
  ASSERT_TRUE(Connect(friend_id, me).ok());
  ASSERT_TRUE(Respond(me, friend_id, true).ok());
  ASSERT_TRUE(Connect(friend_id, friend_of_friend).ok());
  ASSERT_TRUE(Respond(friend_of_friend, friend_id, true).ok());

  profiles::v1::ListSuggestedColleaguesRequest req;
  profiles::v1::ListSuggestedColleaguesResponse resp;
  ASSERT_TRUE(stub_->ListSuggestedColleagues(CallAs(tokens_->VerifiedDoctor(me)).get(), req, &resp).ok());
  std::map<std::string, std::vector<std::string>> reasons;
  for (const auto& s : resp.suggestions()) {
    reasons[s.colleague().profile_id()] = {s.reasons().begin(), s.reasons().end()};
  }
  EXPECT_THAT(reasons[same_place], ElementsAre("same_place"));
  EXPECT_THAT(reasons[same_faculty], ElementsAre("same_faculty_years"));
  EXPECT_THAT(reasons[friend_of_friend], ElementsAre("shared_connections"));
  EXPECT_EQ(reasons.count(unrelated), 0u);
  EXPECT_EQ(reasons.count(friend_id), 0u) << "already connected";
  EXPECT_EQ(reasons.count(me), 0u);
}

TEST_F(ProfilesIntegrationTest, TaxonomyRpcs) {
  const std::string token = tokens_->Pending(NewUuid());  // reference data: any signed-in account
  profiles::v1::ListSpecialtiesRequest req;
  profiles::v1::ListSpecialtiesResponse resp;
  ASSERT_TRUE(stub_->ListSpecialties(CallAs(token).get(), req, &resp).ok());
  EXPECT_EQ(resp.specialties_size(), 93);
  int with_competences = 0;
  bool gp = false;
  for (const auto& s : resp.specialties()) {
    EXPECT_NE(s.code(), "SM26");
    if (s.code() == "SM54") {
      gp = true;
      EXPECT_THAT(s.alternate_codes(), ElementsAre("SM26", "SM53"));
    }
    if (s.competence_count() >= 6) ++with_competences;
  }
  EXPECT_TRUE(gp);
  EXPECT_GE(with_competences, 20);

  profiles::v1::ListCompetencesRequest creq;
  creq.set_specialty_code("SM53");
  profiles::v1::ListCompetencesResponse cresp;
  ASSERT_TRUE(stub_->ListCompetences(CallAs(token).get(), creq, &cresp).ok());
  ASSERT_GE(cresp.competences_size(), 6);
  for (const auto& c : cresp.competences()) EXPECT_EQ(c.specialty_code(), "SM54");
  creq.set_specialty_code("SM20");
  ASSERT_TRUE(stub_->ListCompetences(CallAs(token).get(), creq, &cresp).ok());
  bool fertility = false;
  for (const auto& c : cresp.competences()) {
    if (c.code() == "go-fertilite-amp") {
      fertility = true;
      EXPECT_THAT(c.synonyms(), ::testing::IsSupersetOf({"PMA", "AMP", "FIV"}));
    }
  }
  EXPECT_TRUE(fertility);
  creq.set_specialty_code("SM99");
  EXPECT_EQ(stub_->ListCompetences(CallAs(token).get(), creq, &cresp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ProfilesIntegrationTest, ExportPagesThroughEveryProfile) {
  NewDoctor("Export", "Un");
  NewDoctor("Export", "Deux");
  const std::string admin = tokens_->WithRole(NewUuid(), auth::Role::kAdmin);
  const int total = std::stoi(Sql("SELECT count(*) FROM profiles.profiles"));
  std::set<std::string> ids;
  profiles::v1::ExportProfilesRequest req;
  req.set_page_size(2);
  int pages = 0;
  while (true) {
    profiles::v1::ExportProfilesResponse resp;
    grpc::Status s = stub_->ExportProfiles(CallAs(admin).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ++pages;
    for (const auto& p : resp.profiles()) {
      EXPECT_TRUE(ids.insert(p.profile_id()).second) << "each profile once";
      EXPECT_GT(p.version(), 0);
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
    ASSERT_LT(pages, 1000);
  }
  EXPECT_EQ(static_cast<int>(ids.size()), total);
  EXPECT_GE(pages, total / 2);
}

// The specialties table is libs/taxonomy's list: synced at every start, a drifted or missing
// row corrected and the snapshots of the profiles concerned republished.
TEST_F(ProfilesIntegrationTest, SpecialtiesFollowLibsTaxonomy) {
  auto table = [] {
    return Sql("SELECT string_agg(code || '|' || label || '|' || canonical_code, E'\\n' ORDER BY code) "
               "FROM profiles.specialties");
  };
  std::string expected;
  for (const taxonomy::OrdinalSpecialty& s : taxonomy::OrdinalSpecialties()) {
    absl::StrAppend(&expected, expected.empty() ? "" : "\n", s.code, "|", s.label, "|", s.canonical_code);
  }
  EXPECT_EQ(table(), expected);
  EXPECT_EQ(Sql("SELECT count(*) FROM profiles.specialties s JOIN profiles.savoir_faire f USING (code) "
                "WHERE f.type_code = 'S' AND f.label = s.label"),
            "95");

  const std::string doctor = NewDoctor("Ines", "Derive", "SM21");
  const size_t events_before = Outbox(doctor).size();
  // Drift: a label changed by hand, a canonical code wrong, a row gone, a savoir-faire label.
  Sql("UPDATE profiles.specialties SET label = 'Hématologie (ancien libellé)' WHERE code = 'SM21'; "
      "UPDATE profiles.specialties SET canonical_code = 'SM20' WHERE code = 'SM19'; "
      "DELETE FROM profiles.specialties WHERE code = 'SM95'; "
      "UPDATE profiles.savoir_faire SET label = 'x' WHERE code = 'SM22'");
  ASSERT_NE(table(), expected);
  // A second instance starting on the same database syncs before it serves.
  auto second = ServiceProcess::Start({.service = "profiles",
                                       .pg_url = db_->Url("profiles"),
                                       .redis_port = redis_server_->port(),
                                       .public_keys_file = tokens_->public_keys_file(),
                                       .extra_env = {}});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE((*second)->WaitForHealth(true, absl::Seconds(60)).ok()) << (*second)->ReadLog();
  EXPECT_EQ(table(), expected);
  EXPECT_EQ(Sql("SELECT label FROM profiles.savoir_faire WHERE code = 'SM22'"), "Hématologie, option Maladie du sang");
  EXPECT_EQ(Outbox(doctor).size(), events_before + 1) << "the SM21 doctor's snapshot is republished";
  second->reset();
}

TEST_F(ProfilesIntegrationTest, CommuneTable) {
  EXPECT_EQ(Sql("SELECT count(*) > 34000 FROM profiles.communes"), "t");
  EXPECT_EQ(Sql("SELECT name || ' ' || round(latitude::numeric, 2) || ' ' || round(longitude::numeric, 2) "
                "FROM profiles.communes JOIN profiles.commune_postcodes USING (insee_code) "
                "WHERE postcode = '69003'"),
            "Lyon 45.75 4.85");
  EXPECT_EQ(Sql("SELECT count(DISTINCT insee_code) FROM profiles.commune_postcodes WHERE postcode = '01400'"), "10");
  // Small communes have the coordinates of a nearby larger one of the same département.
  EXPECT_EQ(Sql("SELECT bool_and(coordinates_source = 'nearby') AND bool_and(latitude IS NOT NULL) "
                "FROM profiles.communes WHERE insee_code IN ('01340', '01149')"),
            "t");
}

}  // namespace
}  // namespace meltingdoc::testing
