// The profiles → search pipeline with the real binaries: identity's AccountVerified (published
// on identity's stream by the test) creates a profile; the doctor's UpdateProfile reaches
// search through profiles' outbox, relay and stream as a ProfileChanged, and SearchDoctors /
// Suggest find the doctor by a synonym, a typo and a place; AccountDeleted removes the doctor
// from search too. This is what proves the two services agree on the event (one
// ProfileChanged definition, the snapshot profiles publishes is the one search indexes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

using profiles::v1::ProfilesService;
using search::v1::SearchService;

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value().release();
    // A private Redis: the streams meltingdoc.identity / meltingdoc.profiles and their
    // consumer groups are this test's alone.
    auto redis = LocalRedis::Create();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(redis).value().release();
    redis::RedisOptions options;
    options.port = redis_server_->port();
    redis_ = new redis::RedisClient(options);
    tokens_ = new TestTokens();
    for (const char* name : {"profiles", "search"}) {
      auto sp = ServiceProcess::Start({.service = name,
                                       .pg_url = db_->Url(name),
                                       .redis_port = redis_server_->port(),
                                       .public_keys_file = tokens_->public_keys_file(),
                                       .extra_env = {}});
      ASSERT_TRUE(sp.ok()) << sp.status();
      (std::string(name) == "profiles" ? profiles_ : search_) = std::move(sp).value().release();
    }
    for (ServiceProcess* sp : {profiles_, search_}) {
      absl::Status s = sp->WaitForHealth(true, absl::Seconds(60));
      ASSERT_TRUE(s.ok()) << s << sp->ReadLog();
    }
    profiles_stub_ = ProfilesService::NewStub(profiles_->channel()).release();
    search_stub_ = SearchService::NewStub(search_->channel()).release();
  }
  static void TearDownTestSuite() {
    delete search_stub_;
    delete profiles_stub_;
    delete search_;
    delete profiles_;
    delete redis_;
    delete redis_server_;
    delete tokens_;
    delete db_;
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  // identity's side: an event on identity's stream, as identity's relay writes it.
  static void PublishIdentityEvent(const events::v1::Event& event) {
    std::string payload;
    ASSERT_TRUE(event.SerializeToString(&payload));
    auto reply = redis_->Command({"XADD", "meltingdoc.identity", "*", "event_id", event.event_id(),
                                  "payload", payload});
    ASSERT_TRUE(reply.ok()) << reply.status();
  }
  static events::v1::Event AccountEvent(const std::string& id, int64_t version) {
    events::v1::Event e;
    e.set_event_id(NewUuid());
    e.set_aggregate_type("account");
    e.set_aggregate_id(id);
    e.set_aggregate_version(version);
    return e;
  }

  static bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time give_up = absl::Now() + timeout;
    while (absl::Now() < give_up) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  static search::v1::SearchDoctorsResponse Search(const search::v1::SearchDoctorsRequest& req,
                                                  grpc::Status* status = nullptr) {
    search::v1::SearchDoctorsResponse resp;
    grpc::Status s = search_stub_->SearchDoctors(CallAs(tokens_->VerifiedDoctor(NewUuid())).get(), req, &resp);
    if (status != nullptr) *status = s;
    return resp;
  }
  static bool Finds(const search::v1::SearchDoctorsRequest& req, const std::string& id) {
    const search::v1::SearchDoctorsResponse resp = Search(req);
    for (const auto& hit : resp.doctors()) {
      if (hit.profile_id() == id) return true;
    }
    return false;
  }
  static search::v1::SearchDoctorsRequest Query(const std::string& text) {
    search::v1::SearchDoctorsRequest req;
    req.set_query(text);
    return req;
  }

  static ScratchDatabase* db_;
  static LocalRedis* redis_server_;
  static redis::RedisClient* redis_;
  static TestTokens* tokens_;
  static ServiceProcess* profiles_;
  static ServiceProcess* search_;
  static ProfilesService::Stub* profiles_stub_;
  static SearchService::Stub* search_stub_;
};

ScratchDatabase* PipelineTest::db_ = nullptr;
LocalRedis* PipelineTest::redis_server_ = nullptr;
redis::RedisClient* PipelineTest::redis_ = nullptr;
TestTokens* PipelineTest::tokens_ = nullptr;
ServiceProcess* PipelineTest::profiles_ = nullptr;
ServiceProcess* PipelineTest::search_ = nullptr;
ProfilesService::Stub* PipelineTest::profiles_stub_ = nullptr;
SearchService::Stub* PipelineTest::search_stub_ = nullptr;

TEST_F(PipelineTest, AProfileEditIsSearchableAndAnAccountDeletionLeavesSearch) {
  const std::string id = NewUuid();
  events::v1::Event verified = AccountEvent(id, 1);
  auto* v = verified.mutable_account_verified();
  v->set_account_id(id);
  v->set_rpps("10101010101");
  v->set_civility("Dr");
  v->set_given_name("Hélène");
  v->set_family_name("Quéméneur");
  v->set_specialty_code("SM20");
  PublishIdentityEvent(verified);

  // The profile exists (profiles consumed identity's event) ...
  ASSERT_TRUE(WaitFor([&] {
    profiles::v1::GetMyProfileRequest req;
    profiles::v1::GetMyProfileResponse resp;
    return profiles_stub_->GetMyProfile(CallAs(tokens_->VerifiedDoctor(id)).get(), req, &resp).ok();
  })) << profiles_->ReadLog();
  // ... and its first snapshot reached search: the name is searchable, accents ignored.
  ASSERT_TRUE(WaitFor([&] { return Finds(Query("quemeneur"), id); })) << search_->ReadLog();

  // The doctor describes her practice.
  profiles::v1::UpdateProfileRequest update;
  profiles::v1::Profile* values = update.mutable_profile();
  values->set_profile_id(id);
  values->set_headline("Gynécologue-obstétricienne, centre d'AMP");
  values->add_competences()->set_code("go-fertilite-amp");
  values->add_competences()->set_label("Hystéroscopie opératoire");
  profiles::v1::PracticePlace* place = values->add_practice_places();
  place->set_name("Hôpital Femme Mère Enfant");
  place->set_kind(profiles::v1::PLACE_KIND_HOSPITAL);
  place->set_postcode("69500");
  place->set_commune("Bron");
  place->set_accepts_referrals(true);
  values->add_languages("fr");
  values->add_languages("en");
  values->set_accepting_referrals(true);
  for (const char* path : {"headline", "competences", "practice_places", "languages", "accepting_referrals"}) {
    update.mutable_update_mask()->add_paths(path);
  }
  profiles::v1::UpdateProfileResponse updated;
  grpc::Status s = profiles_stub_->UpdateProfile(CallAs(tokens_->VerifiedDoctor(id)).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << ViolatedFields(s);

  // A taxonomy synonym the doctor never typed finds her: "PMA" is a synonym of "Fertilité et AMP".
  ASSERT_TRUE(WaitFor([&] { return Finds(Query("PMA"), id); })) << search_->ReadLog();
  {
    search::v1::SearchDoctorsResponse r = Search(Query("PMA"));
    ASSERT_GE(r.doctors_size(), 1);
    EXPECT_EQ(r.doctors(0).profile_id(), id);
    EXPECT_EQ(r.doctors(0).display_name(), "Dr Hélène Quéméneur");
    EXPECT_EQ(r.doctors(0).specialty_code(), "SM20");
    EXPECT_THAT(r.doctors(0).matched_competences(), ::testing::Contains("Fertilité et AMP"));
    EXPECT_THAT(r.doctors(0).communes(), ::testing::Contains("Bron"));
  }
  // A typo in a 5+ letter word, a free-text competence, the competence filter by taxonomy code.
  EXPECT_TRUE(Finds(Query("hysteroscopie"), id));
  EXPECT_TRUE(Finds(Query("fertilte"), id)) << "one typo allowed";
  {
    search::v1::SearchDoctorsRequest req;
    req.add_competences("go-fertilite-amp");
    req.add_languages("en");
    req.set_accepting_referrals(true);
    EXPECT_TRUE(Finds(req, id));
  }
  // Geography from profiles' commune table: Bron is 6 km from Lyon's centre, not within
  // 10 km of Saint-Étienne's coordinates.
  {
    search::v1::SearchDoctorsRequest req = Query("AMP");
    req.mutable_near()->mutable_point()->set_latitude(45.7640);
    req.mutable_near()->mutable_point()->set_longitude(4.8357);
    req.mutable_near()->set_radius_km(15);
    search::v1::SearchDoctorsResponse r = Search(req);
    ASSERT_GE(r.doctors_size(), 1);
    EXPECT_EQ(r.doctors(0).profile_id(), id);
    ASSERT_TRUE(r.doctors(0).has_distance_km());
    EXPECT_LT(r.doctors(0).distance_km(), 15);
    req.mutable_near()->mutable_point()->set_latitude(45.4397);
    req.mutable_near()->mutable_point()->set_longitude(4.3872);
    req.mutable_near()->set_radius_km(10);
    EXPECT_FALSE(Finds(req, id));
  }
  // Suggest knows the competence through its synonym.
  {
    search::v1::SuggestRequest req;
    req.set_prefix("fiv");
    search::v1::SuggestResponse resp;
    ASSERT_TRUE(search_stub_->Suggest(CallAs(tokens_->VerifiedDoctor(NewUuid())).get(), req, &resp).ok());
    bool found = false;
    for (const auto& sug : resp.suggestions()) {
      if (sug.kind() == search::v1::SUGGESTION_KIND_COMPETENCE && sug.value() == "go-fertilite-amp") found = true;
    }
    EXPECT_TRUE(found) << resp.DebugString();
  }

  // identity deletes the account: profiles removes the profile and publishes ProfileDeleted,
  // search forgets the doctor.
  events::v1::Event deleted = AccountEvent(id, 2);
  deleted.mutable_account_deleted()->set_account_id(id);
  PublishIdentityEvent(deleted);
  ASSERT_TRUE(WaitFor([&] { return !Finds(Query("PMA"), id); })) << search_->ReadLog();
  EXPECT_FALSE(Finds(Query("quemeneur"), id));
  {
    profiles::v1::GetProfileRequest req;
    req.set_profile_id(id);
    profiles::v1::GetProfileResponse resp;
    grpc::Status gs = profiles_stub_->GetProfile(CallAs(tokens_->VerifiedDoctor(NewUuid())).get(), req, &resp);
    EXPECT_EQ(gs.error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

}  // namespace
}  // namespace meltingdoc::testing
