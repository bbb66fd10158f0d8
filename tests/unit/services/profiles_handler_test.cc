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
  absl::StatusOr<v1::Profile> GetProfile(const std::string& profile_id) override {
    ++calls;
    last_profile_id = profile_id;
    if (!error.ok()) return error;
    v1::Profile p;
    p.set_profile_id(profile_id);
    p.set_rpps("10003456789");
    p.set_specialty_code("SM20");
    return p;
  }
  int calls = 0;
  std::string last_profile_id;
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

}  // namespace
}  // namespace meltingdoc::profiles
