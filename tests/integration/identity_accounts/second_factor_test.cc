// TOTP: enrollment, confirmation, the login challenge, replay refused and recorded,
// single-use recovery codes, limited attempts per challenge; GetMe's second_factor at each step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/identity/totp.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/integration/system/call_helpers.h"

namespace meltingdoc::testing {
namespace {

constexpr char kPassword[] = "Un mot de passe très long 42";

class SecondFactorTest : public SharedIdentityTest {
 protected:
  grpc::Status Verify(const std::string& challenge, const std::string& totp, const std::string& recovery,
                      idv1::VerifySecondFactorResponse* resp) {
    idv1::VerifySecondFactorRequest req;
    req.set_challenge(challenge);
    req.set_totp_code(totp);
    req.set_recovery_code(recovery);
    return id().stub->VerifySecondFactor(Ctx().get(), req, resp);
  }
  std::string Challenge(const std::string& email) {
    idv1::LoginResponse resp;
    grpc::Status s = id().Login(email, kPassword, "198.51.100.40", &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_FALSE(resp.has_tokens()) << "no session before the second factor";
    return resp.second_factor_challenge();
  }
};

TEST_F(SecondFactorTest, EnrollConfirmChallengeReplayAndRecoveryCodes) {
  const std::string email = UniqueEmail("twofactor");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse login;
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.40", &login).ok());
  const std::string token = login.tokens().access_token();
  // What the account page shows: GetMe's second_factor.
  auto second_factor = [&]() {
    idv1::GetMeResponse me;
    const grpc::Status status = id().stub->GetMe(Ctx(token).get(), idv1::GetMeRequest(), &me);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return me.second_factor();
  };
  EXPECT_FALSE(second_factor().active());
  EXPECT_FALSE(second_factor().enrollment_pending());

  idv1::EnrollTotpResponse enroll;
  grpc::Status s = id().stub->EnrollTotp(Ctx(token).get(), idv1::EnrollTotpRequest(), &enroll);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(enroll.secret().size(), 32u);  // 160 bits in base32
  EXPECT_TRUE(absl::StartsWith(enroll.otpauth_uri(), "otpauth://totp/MeltingDoc:"));
  EXPECT_TRUE(absl::StrContains(enroll.otpauth_uri(), "secret=" + enroll.secret()));
  const std::optional<std::string> secret = identity::Base32Decode(enroll.secret());
  ASSERT_TRUE(secret.has_value());
  ASSERT_EQ(secret->size(), 20u);

  EXPECT_FALSE(second_factor().active());
  EXPECT_TRUE(second_factor().enrollment_pending());
  EXPECT_FALSE(second_factor().has_activate_time());

  // Not active before confirmation: login still opens a session directly.
  idv1::LoginResponse before;
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.40", &before).ok());
  EXPECT_TRUE(before.has_tokens());

  idv1::ConfirmTotpRequest confirm;
  idv1::ConfirmTotpResponse confirmed;
  const absl::Time now = absl::Now();
  confirm.set_totp_code(identity::TotpCode(*secret, now - absl::Minutes(5)));
  s = id().stub->ConfirmTotp(Ctx(token).get(), confirm, &confirmed);
  EXPECT_EQ(ViolatedFields(s), "totp_code");
  confirm.set_totp_code(identity::TotpCode(*secret, now));
  s = id().stub->ConfirmTotp(Ctx(token).get(), confirm, &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(confirmed.recovery_codes_size(), 10);
  EXPECT_EQ(id().db->SuperuserSql("SELECT count(*) FROM identity.recovery_codes WHERE code_hash = convert_to('" +
                                  confirmed.recovery_codes(0) + "', 'UTF8')")
                .value_or(""),
            "0\n");
  {
    const idv1::SecondFactorStatus status = second_factor();
    EXPECT_TRUE(status.active());
    EXPECT_FALSE(status.enrollment_pending());
    EXPECT_EQ(status.recovery_codes_remaining(), 10);
    EXPECT_GE(status.activate_time().seconds(), absl::ToUnixSeconds(now) - 60);
  }

  // Login now asks for the second factor. The next step's code (one step of drift) works.
  const std::string next_code = identity::TotpCode(*secret, absl::Now() + absl::Seconds(30));
  idv1::VerifySecondFactorResponse verified;
  s = Verify(Challenge(email), next_code, "", &verified);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(verified.tokens().access_token().empty());

  // The same code again, on a new challenge: a replay, refused and recorded.
  s = Verify(Challenge(email), next_code, "", &verified);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string account_id = SubjectOf(token);
  EXPECT_EQ(id().db->SuperuserSql("SELECT count(*) FROM identity.second_factor_events WHERE kind = 'totp_replay' "
                                  "AND account_id = '" + account_id + "'")
                .value_or(""),
            "1\n");

  // Recovery codes: each works once, dashes and case do not matter.
  const std::string challenge = Challenge(email);
  s = Verify(challenge, "", confirmed.recovery_codes(0), &verified);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = Verify(Challenge(email), "", confirmed.recovery_codes(0), &verified);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string second = absl::AsciiStrToUpper(confirmed.recovery_codes(1));
  second.erase(5, 1);
  s = Verify(Challenge(email), "", second, &verified);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(second_factor().recovery_codes_remaining(), 8) << "two recovery codes used";
  // A completed challenge cannot open a second session.
  s = Verify(challenge, "", confirmed.recovery_codes(2), &verified);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Five attempts per challenge, then even a right code is refused.
  const std::string limited = Challenge(email);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Verify(limited, "", "wrong-code" + std::to_string(i), &verified).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  s = Verify(limited, "", confirmed.recovery_codes(2), &verified);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "sign in again")) << s.error_message();

  // Bad input names the field; enrolling again is refused while a factor is active.
  s = Verify(Challenge(email), "12345", "", &verified);
  EXPECT_EQ(ViolatedFields(s), "totp_code");
  s = Verify(Challenge(email), next_code, confirmed.recovery_codes(3), &verified);
  EXPECT_EQ(ViolatedFields(s), "totp_code");
  s = id().stub->EnrollTotp(Ctx(token).get(), idv1::EnrollTotpRequest(), &enroll);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace meltingdoc::testing
