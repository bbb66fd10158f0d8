// A session that ends at identity (logout, RevokeSession, refresh-token reuse) is refused by
// profiles, discussions and search called directly over gRPC — not only by the gateway —
// within the documented bound (--session_cache, 1 s: a session a service found live is
// trusted that long), and stays refused when Redis crashes (the services then ask identity,
// which asks PostgreSQL). Real identity, profiles, discussions and search processes on one
// scratch database and a private Redis that the last test kills.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/support/local_redis.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {
namespace {

constexpr char kPassword[] = "Un mot de passe très long 42";
// The services' --session_cache default, plus the time of one call.
constexpr absl::Duration kBound = absl::Milliseconds(1100);

class ServiceSessionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0) return;
    auto redis = LocalRedis::Create();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = redis->release();
    auto id = IdentityUnderTest::Start(SharedPostgresPort(), redis_->port());
    ASSERT_TRUE(id.ok()) << id.status();
    identity_ = id->release();
    // The services start once identity has completed the mirror (its resync sets the marker).
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (!absl::StrContains(RunCommand(absl::StrCat("redis-cli -p ", redis_->port(), " EXISTS meltingdoc:revoked:ready")).output, "1")) {
      ASSERT_LT(absl::Now(), deadline) << "identity never marked its mirror ready";
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (const char* name : {"profiles", "discussions", "search"}) {
      const std::string prefix = absl::StrCat("MELTINGDOC_", absl::AsciiStrToUpper(name), "_");
      auto sp = ServiceProcess::Start({.service = name,
                                       .pg_url = identity_->db->Url(name),
                                       .redis_port = redis_->port(),
                                       .public_keys_file = identity_->keys_dir + "/public_keys",
                                       .extra_env = {{prefix + "IDENTITY_ADDR", identity_->process->address()}}});
      ASSERT_TRUE(sp.ok()) << sp.status();
      services_[name] = sp->release();
    }
    for (auto& [name, sp] : services_) ASSERT_TRUE(sp->WaitForHealth(true, absl::Seconds(60)).ok()) << name << sp->ReadLog();
  }
  static void TearDownTestSuite() {
    for (auto& [name, sp] : services_) delete sp;
    services_.clear();
    delete identity_;
    identity_ = nullptr;
    delete redis_;
    redis_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    ASSERT_NE(identity_, nullptr);
    ASSERT_EQ(services_.size(), 3u);
  }

  // The status each service gives the token (any code but UNAUTHENTICATED: it was let in).
  static std::map<std::string, grpc::StatusCode> Codes(const std::string& token) {
    std::map<std::string, grpc::StatusCode> codes;
    {
      auto stub = profiles::v1::ProfilesService::NewStub(services_.at("profiles")->channel());
      profiles::v1::GetMyProfileResponse resp;
      codes["profiles"] = stub->GetMyProfile(Ctx(token).get(), profiles::v1::GetMyProfileRequest(), &resp).error_code();
    }
    {
      auto stub = discussions::v1::DiscussionsService::NewStub(services_.at("discussions")->channel());
      discussions::v1::ListSpacesResponse resp;
      codes["discussions"] = stub->ListSpaces(Ctx(token).get(), discussions::v1::ListSpacesRequest(), &resp).error_code();
    }
    {
      auto stub = search::v1::SearchService::NewStub(services_.at("search")->channel());
      search::v1::SearchDoctorsRequest req;
      req.set_query("cardiologue");
      search::v1::SearchDoctorsResponse resp;
      codes["search"] = stub->SearchDoctors(Ctx(token).get(), req, &resp).error_code();
    }
    return codes;
  }
  static void ExpectAccepted(const std::string& token, const std::string& when) {
    for (const auto& [name, code] : Codes(token)) {
      EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << name << " " << when;
      EXPECT_NE(code, grpc::StatusCode::UNAVAILABLE) << name << " " << when;
    }
  }
  static void ExpectRefused(const std::string& token, const std::string& when) {
    for (const auto& [name, code] : Codes(token)) EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << name << " " << when;
  }

  static idv1::SessionTokens NewSession(const std::string& email) {
    idv1::LoginResponse login;
    grpc::Status s = identity_->Login(email, kPassword, "198.51.100.70", &login);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return login.tokens();
  }
  static std::string NewDoctor(const std::string& who) {
    const std::string email = UniqueEmail(who);
    EXPECT_TRUE(identity_->CreateVerifiedAccount(email, kPassword).ok());
    return email;
  }

  static LocalRedis* redis_;
  static IdentityUnderTest* identity_;
  static std::map<std::string, ServiceProcess*> services_;
};

LocalRedis* ServiceSessionsTest::redis_ = nullptr;
IdentityUnderTest* ServiceSessionsTest::identity_ = nullptr;
std::map<std::string, ServiceProcess*> ServiceSessionsTest::services_;

TEST_F(ServiceSessionsTest, LogoutIsRefusedByEveryServiceWithinTheBound) {
  const std::string email = NewDoctor("svc-logout");
  const idv1::SessionTokens t = NewSession(email);
  ExpectAccepted(t.access_token(), "before logout");  // each service now trusts it for kBound
  idv1::LogoutResponse out;
  ASSERT_TRUE(identity_->stub->Logout(Ctx(t.access_token()).get(), idv1::LogoutRequest(), &out).ok());
  absl::SleepFor(kBound);
  ExpectRefused(t.access_token(), "after logout");
}

TEST_F(ServiceSessionsTest, RevokeSessionIsRefusedByEveryServiceAndOtherSessionsGoOn) {
  const std::string email = NewDoctor("svc-revoke");
  const idv1::SessionTokens laptop = NewSession(email);
  const idv1::SessionTokens phone = NewSession(email);
  ExpectAccepted(laptop.access_token(), "before revocation");
  idv1::RevokeSessionRequest req;
  req.set_session_id(laptop.session_id());
  idv1::RevokeSessionResponse resp;
  grpc::Status s = identity_->stub->RevokeSession(Ctx(phone.access_token()).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  absl::SleepFor(kBound);
  ExpectRefused(laptop.access_token(), "after RevokeSession");
  ExpectAccepted(phone.access_token(), "the other session");
}

TEST_F(ServiceSessionsTest, RefreshTokenReuseIsRefusedByEveryService) {
  const std::string email = NewDoctor("svc-reuse");
  const idv1::SessionTokens t = NewSession(email);
  idv1::RefreshRequest refresh;
  refresh.set_refresh_token(t.refresh_token());
  idv1::RefreshResponse rotated;
  ASSERT_TRUE(identity_->stub->Refresh(Ctx().get(), refresh, &rotated).ok());
  ExpectAccepted(rotated.tokens().access_token(), "after rotation");
  idv1::RefreshResponse stolen;
  EXPECT_EQ(identity_->stub->Refresh(Ctx().get(), refresh, &stolen).error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << "the rotated refresh token presented again";
  absl::SleepFor(kBound);
  ExpectRefused(t.access_token(), "the first access token after reuse");
  ExpectRefused(rotated.tokens().access_token(), "the rotated access token after reuse");
}

// A moderator suspends a doctor (a fake doctor found after verification): every session of the
// account is refused by every service within the bound, and neither Login nor Refresh opens a
// new one until the suspension is lifted.
TEST_F(ServiceSessionsTest, SuspensionEndsEverySessionEverywhereAndRefusesSignIn) {
  const std::string email = NewDoctor("svc-suspended");
  const idv1::SessionTokens laptop = NewSession(email);
  const idv1::SessionTokens phone = NewSession(email);
  const std::string doctor_id = SubjectOf(laptop.access_token());
  ExpectAccepted(laptop.access_token(), "before the suspension");
  ExpectAccepted(phone.access_token(), "before the suspension");

  const std::string moderator_email = NewDoctor("svc-moderator");
  ASSERT_TRUE(identity_->db->SuperuserSql("UPDATE identity.accounts SET role = 'moderator' WHERE email = '" +
                                          moderator_email + "'").ok());
  const idv1::SessionTokens moderator = NewSession(moderator_email);
  idv1::SuspendAccountRequest req;
  req.set_account_id(doctor_id);
  req.set_reason("RPPS usurpé : signalé par le Conseil de l'Ordre");
  idv1::SuspendAccountResponse resp;
  grpc::Status s = identity_->stub->SuspendAccount(Ctx(moderator.access_token()).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.sessions_revoked(), 2);
  EXPECT_EQ(resp.account().status(), idv1::ACCOUNT_STATUS_SUSPENDED);
  EXPECT_EQ(resp.account().suspension().suspended_by_account_id(), SubjectOf(moderator.access_token()));
  EXPECT_EQ(resp.account().suspension().reason(), "RPPS usurpé : signalé par le Conseil de l'Ordre");

  absl::SleepFor(kBound);
  ExpectRefused(laptop.access_token(), "laptop after the suspension");
  ExpectRefused(phone.access_token(), "phone after the suspension");
  EXPECT_EQ(identity_->GetOwnAccount(laptop.access_token(), doctor_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  idv1::RefreshRequest refresh;
  refresh.set_refresh_token(phone.refresh_token());
  idv1::RefreshResponse refreshed;
  EXPECT_EQ(identity_->stub->Refresh(Ctx().get(), refresh, &refreshed).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  idv1::LoginResponse login;
  s = identity_->Login(email, kPassword, "198.51.100.71", &login);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("suspended"));
  EXPECT_EQ(identity_->Login(email, "not the password at all", "198.51.100.71", &login).error_code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "a wrong password gets the usual answer: the suspension shows only to the password's holder";
  EXPECT_EQ(identity_->db->SuperuserSql("SELECT previous_status || ' ' || sessions_revoked FROM "
                                        "identity.account_suspensions WHERE account_id = '" + doctor_id + "'")
                .value_or(""),
            "verified 2\n");

  // Lifted by the moderator: the doctor signs in again (the old sessions stay ended).
  idv1::UnsuspendAccountRequest lift;
  lift.set_account_id(doctor_id);
  lift.set_reason("Identité confirmée par l'Ordre");
  idv1::UnsuspendAccountResponse lifted;
  s = identity_->stub->UnsuspendAccount(Ctx(moderator.access_token()).get(), lift, &lifted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(lifted.account().status(), idv1::ACCOUNT_STATUS_VERIFIED);
  ExpectAccepted(NewSession(email).access_token(), "signed in after the suspension was lifted");
  ExpectRefused(laptop.access_token(), "an ended session stays ended");
}

// Last: kills the suite's Redis.
TEST_F(ServiceSessionsTest, RevocationsHoldWhenRedisCrashesAndComesBackEmpty) {
  const std::string email = NewDoctor("svc-outage");
  const idv1::SessionTokens before = NewSession(email);
  const idv1::SessionTokens during = NewSession(email);
  ExpectAccepted(before.access_token(), "before the crash");
  idv1::LogoutResponse out;
  ASSERT_TRUE(identity_->stub->Logout(Ctx(before.access_token()).get(), idv1::LogoutRequest(), &out).ok());
  redis_->Kill();  // right after the logout, before any service asked the mirror about it
  absl::SleepFor(kBound);
  const absl::Time start = absl::Now();
  ExpectRefused(before.access_token(), "revoked before the crash, Redis down");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "a dead Redis costs at most its timeouts";

  // A session revoked while Redis is down is known to PostgreSQL only.
  ExpectAccepted(during.access_token(), "live, Redis down");
  ASSERT_TRUE(identity_->stub->Logout(Ctx(during.access_token()).get(), idv1::LogoutRequest(), &out).ok());
  absl::SleepFor(kBound);
  ExpectRefused(during.access_token(), "revoked during the outage");
  const idv1::SessionTokens fresh = NewSession(email);
  ExpectAccepted(fresh.access_token(), "signed in during the outage");

  // Redis restarts empty (no ready marker): still refused, the new session still works.
  ASSERT_TRUE(redis_->Start().ok());
  absl::SleepFor(kBound);
  ExpectRefused(during.access_token(), "after Redis came back empty");
  ExpectAccepted(fresh.access_token(), "after Redis came back empty");
}

}  // namespace
}  // namespace meltingdoc::testing
