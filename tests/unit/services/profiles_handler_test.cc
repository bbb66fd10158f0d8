#include <cctype>
#include <string>

#include "services/profiles/profiles_service.h"
#include "tests/unit/services/handler_fixture.h"

namespace meltingdoc::profiles {
namespace {

using auth::Role;
using auth::VerificationStatus;
using testing::CallContext;
using testing::ExpectBadRequestNaming;

class FakeProfilesStore : public ProfilesStore {
 public:
  absl::StatusOr<ProfileRead> GetProfile(const std::string& profile_id, const std::string& viewer_id) override {
    ++calls;
    last_profile_id = profile_id;
    if (!error.ok()) return error;
    ProfileRead read;
    v1::Profile& p = read.profile;
    p.set_profile_id(profile_id);
    p.set_rpps("10003456789");
    p.set_specialty_code("SM20");
    p.mutable_contact()->set_phone("04 00 00 00 00");
    read.viewer_is_connection = viewer_id == connected_viewer;
    return read;
  }
  absl::StatusOr<std::vector<v1::Profile>> BatchGetProfiles(const std::vector<std::string>&) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<v1::Profile> UpdateProfile(const std::string& profile_id, int64_t expected_version,
                                            const ValidatedUpdate& update) override {
    ++update_calls;
    last_expected_version = expected_version;
    v1::Profile p = update.values;
    p.set_profile_id(profile_id);
    return p;
  }
  absl::StatusOr<ExportPage> ExportProfiles(const std::string&, int) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<Taxonomy> LoadTaxonomy() override {
    return Taxonomy({{"SM20", "Gynécologie-obstétrique", "SM20"}},
                    {{"go-fertilite-amp", "SM20", "Fertilité et AMP", {"PMA", "FIV"}}});
  }
  absl::StatusOr<std::vector<CommuneCandidate>> FindCommunes(const std::string&) override { return communes; }
  absl::Status RequestConnection(const std::string&, const std::string&, const std::string&) override {
    ++network_calls;
    return absl::OkStatus();
  }
  absl::Status RespondToConnection(const std::string&, const std::string&, bool) override {
    return absl::UnimplementedError("not used");
  }
  absl::Status WithdrawConnectionRequest(const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  absl::Status RemoveConnection(const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<ConnectionsPage> ListConnections(const std::string&, const ListCursor&, int) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<RequestsPage> ListConnectionRequests(const std::string&, bool, const ListCursor&, int) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<std::vector<v1::Suggestion>> SuggestColleagues(const std::string&, int) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<int32_t> Endorse(const std::string&, const std::string&, const std::string&) override {
    ++network_calls;
    return 1;
  }
  absl::StatusOr<int32_t> RetractEndorsement(const std::string&, const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }

  int calls = 0;
  int update_calls = 0;
  int network_calls = 0;
  int64_t last_expected_version = -1;
  std::string last_profile_id;
  std::string connected_viewer;
  std::vector<CommuneCandidate> communes;
  absl::Status error;
};

class ProfilesHandlerTest : public testing::HandlerTest {
 protected:
  absl::Status Get(const std::string& token, const std::string& profile_id) {
    v1::GetProfileRequest req;
    req.set_profile_id(profile_id);
    response_.Clear();
    return service_.DoGetProfile(CallContext::Bearer(token)->get(), req, response_);
  }

  const std::string me_ = NewUuid();
  const std::string other_ = NewUuid();
  FakeProfilesStore store_;
  ProfilesServiceImpl service_{&store_, &verifier_, &executor_};
  v1::GetProfileResponse response_;
};

TEST_F(ProfilesHandlerTest, VerifiedDoctorReadsAnyProfile) {
  const absl::Status s = Get(tokens_.VerifiedDoctor(me_), other_);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(response_.profile().profile_id(), other_);
  EXPECT_EQ(response_.profile().rpps(), "10003456789");
  EXPECT_EQ(store_.last_profile_id, other_);
  EXPECT_TRUE(Get(tokens_.VerifiedDoctor(me_), me_).ok());
}

TEST_F(ProfilesHandlerTest, UnverifiedAccountsReadOnlyTheirOwnProfile) {
  for (VerificationStatus status :
       {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
        VerificationStatus::kRejected, VerificationStatus::kSuspended}) {
    const std::string token = TokenFor(me_, Role::kDoctor, status);
    const std::string name(auth::VerificationStatusName(status));
    EXPECT_TRUE(Get(token, me_).ok()) << name;
    const int calls_before = store_.calls;
    EXPECT_EQ(Get(token, other_).code(), absl::StatusCode::kPermissionDenied) << name;
    EXPECT_EQ(store_.calls, calls_before) << name << ": store asked for a forbidden profile";
    EXPECT_FALSE(response_.has_profile());
  }
}

TEST_F(ProfilesHandlerTest, PendingAccountReadsOwnProfileWhateverTheCaseOfTheId) {
  std::string upper = me_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const absl::Status s = Get(tokens_.Pending(me_), upper);
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(ProfilesHandlerTest, MissingTokenIsUnauthenticated) {
  v1::GetProfileRequest req;
  req.set_profile_id(other_);
  EXPECT_EQ(service_.DoGetProfile(CallContext("").get(), req, response_).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Get("garbage", other_).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(ProfilesHandlerTest, InvalidIdIsInvalidArgumentNamingProfileId) {
  for (const std::string& bad : {std::string(""), std::string("10003456789"), me_ + "0"}) {
    ExpectBadRequestNaming(Get(tokens_.VerifiedDoctor(me_), bad), "profile_id");
  }
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(ProfilesHandlerTest, StoreNotFoundPropagates) {
  store_.error = absl::NotFoundError("no such profile");
  const absl::Status s = Get(tokens_.VerifiedDoctor(me_), other_);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "no such profile");
}

TEST_F(ProfilesHandlerTest, ContactDetailsOnlyForTheDoctorAndConnections) {
  ASSERT_TRUE(Get(tokens_.VerifiedDoctor(me_), other_).ok());
  EXPECT_EQ(response_.profile().contact().phone(), "");
  ASSERT_TRUE(Get(tokens_.VerifiedDoctor(other_), other_).ok());
  EXPECT_EQ(response_.profile().contact().phone(), "04 00 00 00 00");
  store_.connected_viewer = me_;
  ASSERT_TRUE(Get(tokens_.VerifiedDoctor(me_), other_).ok());
  EXPECT_EQ(response_.profile().contact().phone(), "04 00 00 00 00");
}

class UpdateHandlerTest : public ProfilesHandlerTest {
 protected:
  absl::Status Update(const std::string& token, const std::string& profile_id, const std::string& path,
                      const std::string& etag = "") {
    request_.mutable_profile()->set_profile_id(profile_id);
    request_.mutable_update_mask()->clear_paths();
    request_.mutable_update_mask()->add_paths(path);
    request_.set_etag(etag);
    return service_.DoUpdateProfile(CallContext::Bearer(token)->get(), request_, update_response_);
  }
  v1::UpdateProfileRequest request_;
  v1::UpdateProfileResponse update_response_;
};

TEST_F(UpdateHandlerTest, OnlyTheVerifiedOwnerUpdates) {
  request_.mutable_profile()->set_bio("x");
  EXPECT_EQ(Update(tokens_.VerifiedDoctor(me_), other_, "bio").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Update(tokens_.Pending(me_), me_, "bio").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.update_calls, 0);
  std::string upper = me_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Update(tokens_.VerifiedDoctor(me_), upper, "bio").ok());
  EXPECT_EQ(store_.update_calls, 1);
}

TEST_F(UpdateHandlerTest, InvalidInputNeverReachesTheStore) {
  request_.mutable_profile()->set_bio(std::string(2001, 'x'));
  ExpectBadRequestNaming(Update(tokens_.VerifiedDoctor(me_), me_, "bio"), "profile.bio");
  request_.mutable_profile()->set_bio("ok");
  ExpectBadRequestNaming(Update(tokens_.VerifiedDoctor(me_), me_, "bio", "3"), "etag");
  auto* place = request_.mutable_profile()->add_practice_places();
  place->set_name("Cabinet");
  place->set_postcode("01400");
  ExpectBadRequestNaming(Update(tokens_.VerifiedDoctor(me_), me_, "practice_places"),
                         "profile.practice_places[0].postcode");  // the fake knows no commune
  EXPECT_EQ(store_.update_calls, 0);
}

TEST_F(UpdateHandlerTest, EtagAndGeocodingReachTheStore) {
  CommuneCandidate c;
  c.insee_code = "69123";
  c.name = "Lyon";
  c.has_coordinates = true;
  c.latitude = 45.7485;
  c.longitude = 4.8467;
  c.coordinates_source = "commune";
  store_.communes = {c};
  auto* place = request_.mutable_profile()->add_practice_places();
  place->set_name("Cabinet");
  place->set_postcode("69003");
  ASSERT_TRUE(Update(tokens_.VerifiedDoctor(me_), me_, "practice_places", "\"7\"").ok());
  EXPECT_EQ(store_.last_expected_version, 7);
  ASSERT_EQ(update_response_.profile().practice_places_size(), 1);
  EXPECT_EQ(update_response_.profile().practice_places(0).insee_code(), "69123");
  EXPECT_NEAR(update_response_.profile().practice_places(0).latitude(), 45.75, 0.01);
}

TEST_F(ProfilesHandlerTest, NetworkIsForVerifiedDoctorsAndNeverWithOneself) {
  v1::RequestConnectionRequest req;
  req.set_profile_id(other_);
  v1::RequestConnectionResponse resp;
  EXPECT_EQ(service_.DoRequestConnection(CallContext::Bearer(tokens_.Pending(me_))->get(), req, resp).code(),
            absl::StatusCode::kPermissionDenied);
  req.set_profile_id(me_);
  ExpectBadRequestNaming(service_.DoRequestConnection(CallContext::Bearer(tokens_.VerifiedDoctor(me_))->get(), req, resp),
                         "profile_id");
  req.set_profile_id(other_);
  req.set_message(std::string(301, 'm'));
  ExpectBadRequestNaming(service_.DoRequestConnection(CallContext::Bearer(tokens_.VerifiedDoctor(me_))->get(), req, resp),
                         "message");
  EXPECT_EQ(store_.network_calls, 0);
  v1::EndorseCompetenceRequest endorse;
  endorse.set_profile_id(me_);
  endorse.set_competence_key("go-fertilite-amp");
  v1::EndorseCompetenceResponse endorse_resp;
  ExpectBadRequestNaming(
      service_.DoEndorseCompetence(CallContext::Bearer(tokens_.VerifiedDoctor(me_))->get(), endorse, endorse_resp),
      "profile_id");
  EXPECT_EQ(store_.network_calls, 0);
}

}  // namespace
}  // namespace meltingdoc::profiles
