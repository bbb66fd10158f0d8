// Registration → emailed code → confirmation → verification by RPPS against the register
// (imported by the operator's command) → login → refresh rotation → reuse of a rotated refresh
// token revokes the session → logout → access refused.
// Plus: what registration refuses and hides, signing keys, account deletion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/common/clock.h"
#include "libs/common/uuid.h"
#include "absl/strings/str_format.h"
#include "libs/auth/base64url.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_verifier.h"
#include "tests/support/subprocess.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/integration/identity_register/register_fixture.h"
#include "tests/integration/system/call_helpers.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "Un mot de passe très long 42";

class AccountsFlowTest : public SharedIdentityTest {
 protected:
  grpc::Status Refresh(const std::string& refresh_token, idv1::RefreshResponse* resp) {
    idv1::RefreshRequest req;
    req.set_refresh_token(refresh_token);
    return id().stub->Refresh(Ctx().get(), req, resp);
  }
  std::string Sql(const std::string& sql) {
    absl::StatusOr<std::string> out = id().db->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::string(absl::StripTrailingAsciiWhitespace(*out)) : "";
  }
};

TEST_F(AccountsFlowTest, RegisterConfirmLoginRefreshReuseLogout) {
  const std::string email = UniqueEmail("claire.martin");
  idv1::RegisterAccountRequest reg;
  reg.set_email(email);
  reg.set_password(kPassword);
  reg.set_civility("Dr");
  reg.set_given_name("Claire");
  reg.set_family_name("Martin");
  idv1::RegisterAccountResponse reg_resp;
  grpc::Status s = id().stub->RegisterAccount(Ctx().get(), reg, &reg_resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Sql(absl::StrCat("SELECT status FROM identity.accounts WHERE email = '", email, "'")), "pending_email");
  // Only the argon2id hash is stored.
  EXPECT_EQ(Sql(absl::StrCat("SELECT left(password_hash, 31) FROM identity.credentials JOIN identity.accounts "
                             "USING (account_id) WHERE email = '", email, "'")),
            "$argon2id$v=19$m=19456,t=2,p=1$");

  absl::StatusOr<std::string> code = id().ConfirmationCode(email);
  ASSERT_TRUE(code.ok()) << code.status();
  idv1::ConfirmEmailRequest confirm;
  confirm.set_email(email);
  confirm.set_code(absl::StrFormat("%06d", (std::stoi(*code) + 1) % 1000000));
  idv1::ConfirmEmailResponse confirm_resp;
  s = id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "code");
  confirm.set_code(*code);
  s = id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Sql(absl::StrCat("SELECT status FROM identity.accounts WHERE email = '", email, "'")),
            "pending_verification");
  s = id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);  // a code works once
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The operator loads the national register (the accent, case and hyphen differ from the
  // account's names: still a match).
  const std::string rpps = TestRpps(77);
  RegisterRecord doctor = Person(rpps, "MARTIN", "Claire");
  doctor.savoir_faire_code = "SM20";
  doctor.savoir_faire_label = "Gynécologie-obstétrique";
  doctor.postcode = "69003";
  doctor.city = "Lyon";
  // (written in a scratch directory of this test)
  const std::string register_file = id().mail_dir + "/PS_LibreAcces_Personne_activite_202611300000.txt";
  WriteRegisterFile(register_file, {doctor}, 50);
  const CommandResult imported =
      RunCommand(absl::StrCat(BinaryDir(), "/services/identity/meltingdoc-identity import-register ", register_file,
                              " --pg_url=", id().db->Url("identity")));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  // A pending account signs in: its token says so, and it may ask for verification.
  idv1::LoginResponse login;
  s = id().Login(email, kPassword, "198.51.100.10", &login);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const idv1::SessionTokens pending = login.tokens();
  EXPECT_EQ(VerificationOf(pending.access_token()), "pending_verification");
  idv1::StartVerificationRequest start;
  start.set_rpps(rpps.substr(0, 10) + std::to_string((rpps[10] - '0' + 1) % 10));  // wrong check digit
  idv1::StartVerificationResponse started;
  s = id().stub->StartVerification(Ctx(pending.access_token()).get(), start, &started);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "rpps");
  start.set_rpps(rpps);
  s = id().stub->StartVerification(Ctx(pending.access_token()).get(), start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.verification().state(), idv1::VERIFICATION_STATE_VERIFIED);
  EXPECT_EQ(Sql(absl::StrCat("SELECT status FROM identity.accounts WHERE email = '", email, "'")), "verified");
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.outbox WHERE event_type = 'account_verified' "
                             "AND aggregate_id = '", SubjectOf(pending.access_token()), "'")),
            "1");
  // The next refresh carries the new status; GetMe shows what the register says.
  idv1::RefreshResponse refreshed;
  s = Refresh(pending.refresh_token(), &refreshed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(VerificationOf(refreshed.tokens().access_token()), "verified");
  idv1::GetMeResponse me;
  s = id().stub->GetMe(Ctx(refreshed.tokens().access_token()).get(), idv1::GetMeRequest(), &me);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(me.account().status(), idv1::ACCOUNT_STATUS_VERIFIED);
  EXPECT_EQ(me.register_entry().identifier(), rpps);
  EXPECT_EQ(me.register_entry().specialty().code(), "SM20");
  ASSERT_EQ(me.register_entry().practice_places_size(), 1);
  EXPECT_EQ(me.register_entry().practice_places(0).city(), "Lyon");

  s = id().Login(email, kPassword, "198.51.100.10", &login);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(login.has_tokens());
  const idv1::SessionTokens t1 = login.tokens();
  const std::string account_id = SubjectOf(t1.access_token());
  ASSERT_FALSE(account_id.empty());
  EXPECT_EQ(t1.refresh_token().size(), 43u);
  EXPECT_LE(t1.access_token_expire_time().seconds() - absl::ToUnixSeconds(absl::Now()), 15 * 60 + 1);
  EXPECT_TRUE(id().GetOwnAccount(t1.access_token(), account_id).ok());
  // Only the hash of the refresh token is stored.
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.refresh_tokens WHERE token_hash = convert_to('",
                             t1.refresh_token(), "', 'UTF8')")),
            "0");

  // Rotation: a new pair; the new access token works.
  idv1::RefreshResponse r2;
  s = Refresh(t1.refresh_token(), &r2);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(r2.tokens().refresh_token(), t1.refresh_token());
  EXPECT_EQ(r2.tokens().session_id(), t1.session_id());
  EXPECT_TRUE(id().GetOwnAccount(r2.tokens().access_token(), account_id).ok());

  // The rotated token presented again: someone copied it. The whole session is revoked.
  idv1::RefreshResponse reused;
  s = Refresh(t1.refresh_token(), &reused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("already used"));
  s = Refresh(r2.tokens().refresh_token(), &reused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(id().GetOwnAccount(r2.tokens().access_token(), account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(id().GetOwnAccount(t1.access_token(), account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Sql(absl::StrCat("SELECT revoke_reason FROM identity.sessions WHERE session_id = '", t1.session_id(), "'")),
            "refresh_reuse");

  // A new login, then logout: access and refresh refused.
  s = id().Login(email, kPassword, "198.51.100.10", &login);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const idv1::SessionTokens t3 = login.tokens();
  EXPECT_NE(t3.session_id(), t1.session_id());
  EXPECT_TRUE(id().GetOwnAccount(t3.access_token(), account_id).ok());
  idv1::LogoutResponse out;
  s = id().stub->Logout(Ctx(t3.access_token()).get(), idv1::LogoutRequest(), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = id().GetOwnAccount(t3.access_token(), account_id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("session has ended"));
  EXPECT_EQ(Refresh(t3.refresh_token(), &reused).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = id().stub->Logout(Ctx(t3.access_token()).get(), idv1::LogoutRequest(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccountsFlowTest, RegistrationDoesNotRevealRegisteredAddresses) {
  const std::string email = UniqueEmail("paul.durand");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::RegisterAccountRequest reg;
  reg.set_email(absl::AsciiStrToUpper(email));
  reg.set_password("An attacker's password 77");
  reg.set_given_name("Eve");
  reg.set_family_name("Intruder");
  idv1::RegisterAccountResponse resp;
  grpc::Status s = id().stub->RegisterAccount(Ctx().get(), reg, &resp);
  ASSERT_TRUE(s.ok()) << "same answer as a new registration: " << s.error_message();
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.accounts WHERE lower(email) = '", email, "'")), "1");
  EXPECT_EQ(id().MailCount(email), 2);  // the code, then the notice to the owner
  idv1::LoginResponse login;
  EXPECT_EQ(id().Login(email, "An attacker's password 77", "198.51.100.11", &login).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id().Login(email, kPassword, "198.51.100.11", &login).ok());
}

TEST_F(AccountsFlowTest, BadRegistrationInputNamesTheField) {
  struct Case {
    std::string email, password, given, family, field;
  };
  const std::string email = UniqueEmail("bad");
  std::string emoji128;
  for (int i = 0; i < 128; ++i) emoji128 += "\xF0\x9F\x94\x91";
  for (const Case& c : std::vector<Case>{
           {"not-an-email", kPassword, "A", "B", "email"},
           {email, "short pw", "A", "B", "password"},
           {email, "WinnieThePooh", "A", "B", "password"},  // in john's list, other case
           {email, std::string(129, 'x'), "A", "B", "password"},
           {email, emoji128 + "x", "A", "B", "password"},
           {email, kPassword, "", "B", "given_name"},
           {email, kPassword, "A", std::string(101, 'z'), "family_name"}}) {
    idv1::RegisterAccountRequest reg;
    reg.set_email(c.email);
    reg.set_password(c.password);
    reg.set_given_name(c.given);
    reg.set_family_name(c.family);
    idv1::RegisterAccountResponse resp;
    grpc::Status s = id().stub->RegisterAccount(Ctx().get(), reg, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field << " " << c.password;
    EXPECT_EQ(ViolatedFields(s), c.field);
  }
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.accounts WHERE email = '", email, "'")), "0");
  // 128 code points (512 bytes) are accepted, whole: a 129th character would change the hash.
  idv1::RegisterAccountRequest reg;
  reg.set_email(email);
  reg.set_password(emoji128);
  reg.set_given_name("Anne");
  reg.set_family_name("Longpass");
  idv1::RegisterAccountResponse resp;
  grpc::Status s = id().stub->RegisterAccount(Ctx().get(), reg, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  idv1::LoginResponse login;
  EXPECT_TRUE(id().Login(email, emoji128, "198.51.100.12", &login).ok());
  EXPECT_EQ(id().Login(email, emoji128.substr(0, 508) + "\xF0\x9F\x94\x92", "198.51.100.12", &login).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccountsFlowTest, ConfirmationCodeAttemptsAreLimitedAndResendGivesANewCode) {
  const std::string email = UniqueEmail("anne");
  idv1::RegisterAccountRequest reg;
  reg.set_email(email);
  reg.set_password(kPassword);
  reg.set_given_name("Anne");
  reg.set_family_name("Leroy");
  idv1::RegisterAccountResponse resp;
  ASSERT_TRUE(id().stub->RegisterAccount(Ctx().get(), reg, &resp).ok());
  absl::StatusOr<std::string> code = id().ConfirmationCode(email);
  ASSERT_TRUE(code.ok());
  idv1::ConfirmEmailRequest confirm;
  confirm.set_email(email);
  idv1::ConfirmEmailResponse confirm_resp;
  for (int i = 1; i <= 5; ++i) {
    confirm.set_code(absl::StrFormat("%06d", (std::stoi(*code) + i) % 1000000));
    EXPECT_EQ(id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  confirm.set_code(*code);  // right, but the attempts are used up
  grpc::Status s = id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("ask for a new one"));

  idv1::ResendConfirmationCodeRequest resend;
  resend.set_email(email);
  idv1::ResendConfirmationCodeResponse resend_resp;
  ASSERT_TRUE(id().stub->ResendConfirmationCode(Ctx().get(), resend, &resend_resp).ok());
  EXPECT_EQ(id().MailCount(email), 1) << "no second code within a minute of the first";
  Sql(absl::StrCat("UPDATE identity.email_confirmations SET sent_at = sent_at - interval '2 minutes' "
                   "WHERE account_id = (SELECT account_id FROM identity.accounts WHERE email = '", email, "')"));
  ASSERT_TRUE(id().stub->ResendConfirmationCode(Ctx().get(), resend, &resend_resp).ok());
  EXPECT_EQ(id().MailCount(email), 2);
  absl::StatusOr<std::string> fresh = id().ConfirmationCode(email);
  ASSERT_TRUE(fresh.ok());
  confirm.set_code(*fresh);
  s = id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // Unknown address: the same answers, no mail.
  resend.set_email(UniqueEmail("nobody"));
  EXPECT_TRUE(id().stub->ResendConfirmationCode(Ctx().get(), resend, &resend_resp).ok());
  EXPECT_EQ(id().MailCount(resend.email()), 0);
  confirm.set_email(resend.email());
  EXPECT_EQ(id().stub->ConfirmEmail(Ctx().get(), confirm, &confirm_resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AccountsFlowTest, PublishedSigningKeysVerifyIssuedTokens) {
  const std::string email = UniqueEmail("keys");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse login;
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.13", &login).ok());
  idv1::GetSigningKeysResponse keys;
  grpc::Status s = id().stub->GetSigningKeys(Ctx().get(), idv1::GetSigningKeysRequest(), &keys);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(keys.current_kid(), "test-1");
  ASSERT_EQ(keys.keys_size(), 1);
  EXPECT_EQ(keys.keys(0).algorithm(), "EdDSA");
  auth::KeySet set;
  std::string raw;
  ASSERT_TRUE(auth::Base64UrlDecode(keys.keys(0).public_key(), &raw));
  ASSERT_TRUE(set.AddKey(keys.keys(0).kid(), raw).ok());
  auth::TokenVerifier verifier(&set, &Clock::Real());
  absl::StatusOr<auth::Principal> p = verifier.Verify(login.tokens().access_token());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->session_id, login.tokens().session_id());
  EXPECT_TRUE(p->IsVerified());
  EXPECT_LE(p->expires - absl::Now(), absl::Minutes(15) + absl::Seconds(1));
}

TEST_F(AccountsFlowTest, DeleteAccountRemovesCredentialsAndSessionsAndPublishesAccountDeleted) {
  const std::string email = UniqueEmail("leaving");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse a, b;
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.14", &a).ok());
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.14", &b).ok());
  const std::string account_id = SubjectOf(a.tokens().access_token());

  idv1::DeleteAccountRequest del;
  del.set_account_id(account_id);
  del.set_password("not the password at all");
  idv1::DeleteAccountResponse resp;
  grpc::Status s = id().stub->DeleteAccount(Ctx(a.tokens().access_token(), "198.51.100.14").get(), del, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "password");
  del.set_account_id(NewUuid());
  del.set_password(kPassword);
  s = id().stub->DeleteAccount(Ctx(a.tokens().access_token(), "198.51.100.14").get(), del, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.accounts WHERE account_id = '", account_id, "'")), "1");

  del.set_account_id(account_id);
  s = id().stub->DeleteAccount(Ctx(a.tokens().access_token(), "198.51.100.14").get(), del, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const char* table : {"accounts", "credentials", "sessions", "email_confirmations"}) {
    EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.", table, " WHERE account_id = '", account_id, "'")), "0")
        << table;
  }
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.outbox WHERE aggregate_id = '", account_id,
                             "' AND event_type = 'account_deleted'")),
            "1");
  // Both sessions' access tokens are refused at once; the address no longer signs in.
  EXPECT_EQ(id().GetOwnAccount(a.tokens().access_token(), account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(id().GetOwnAccount(b.tokens().access_token(), account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  idv1::LoginResponse again;
  EXPECT_EQ(id().Login(email, kPassword, "198.51.100.14", &again).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace meltingdoc::testing
