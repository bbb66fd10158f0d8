// Accounts: registration with an emailed code, password change, TOTP enrollment, deletion.
#include <sodium.h>

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "services/identity/account_input.h"
#include "services/identity/identity_service.h"
#include "services/identity/secrets.h"
#include "services/identity/totp.h"

namespace meltingdoc::identity {
namespace {

constexpr int kEmailCodeAttempts = 5;
constexpr absl::Duration kResendInterval = absl::Seconds(60);
constexpr int kRecoveryCodes = 10;
constexpr char kTotpIssuer[] = "MeltingDoc";

std::string EmailCodeHash(const std::string& account_id, const std::string& code) {
  return SecretHash("email-code", absl::StrCat(account_id, ":", code));
}

MailMessage CodeMail(const std::string& to, const std::string& code, absl::Duration ttl) {
  return {to, "MeltingDoc: your confirmation code",
          absl::StrCat("Hello,\n\nYour MeltingDoc confirmation code is ", code, ".\nIt is valid for ",
                       absl::ToInt64Minutes(ttl),
                       " minutes. If you did not register on MeltingDoc, ignore this message.\n")};
}

void SendOrLog(MailSender* mail, const MailMessage& message) {
  const absl::Status sent = mail->Send(message);
  if (!sent.ok()) {
    // The user can ask for a new code; the message (it holds the code) is not logged.
    LogJson({{"msg", "mail not sent"}, {"error", std::string(sent.message())}});
  }
}

absl::Status CheckDigits(const char* field, const std::string& code, size_t n) {
  bool ok = code.size() == n;
  for (char c : code) ok = ok && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!ok) return server::InvalidField(field, absl::StrCat(n, " digits"));
  return absl::OkStatus();
}

}  // namespace

#define MELTINGDOC_RUN_ON(executor, Name)                                                       \
  grpc::ServerUnaryReactor* IdentityServiceImpl::Name(grpc::CallbackServerContext* context,     \
                                                      const v1::Name##Request* request,         \
                                                      v1::Name##Response* response) {           \
    return server::RunUnary(context, executor, [this, context, request, response] {             \
      RETURN_IF_ERROR(Require(deps_.accounts, "accounts store"));                                \
      return Do##Name(*context, *request, *response);                                           \
    });                                                                                         \
  }
// These hash a password: the hashing executor.
MELTINGDOC_RUN_ON(HashExecutor(), RegisterAccount)
MELTINGDOC_RUN_ON(HashExecutor(), ChangePassword)
MELTINGDOC_RUN_ON(HashExecutor(), DeleteAccount)
MELTINGDOC_RUN_ON(*executor_, ConfirmEmail)
MELTINGDOC_RUN_ON(*executor_, ResendConfirmationCode)
MELTINGDOC_RUN_ON(*executor_, EnrollTotp)
MELTINGDOC_RUN_ON(*executor_, ConfirmTotp)
#undef MELTINGDOC_RUN_ON

absl::Status IdentityServiceImpl::DoRegisterAccount(const grpc::ServerContextBase&,
                                                    const v1::RegisterAccountRequest& request,
                                                    v1::RegisterAccountResponse&) {
  RETURN_IF_ERROR(Require(deps_.hasher, "password hasher"));
  RETURN_IF_ERROR(Require(deps_.common_passwords, "common password list"));
  RETURN_IF_ERROR(Require(deps_.mail, "mail sender"));
  RETURN_IF_ERROR(CheckEmail("email", request.email()));
  RETURN_IF_ERROR(CheckNewPassword("password", request.password(), *deps_.common_passwords));
  RETURN_IF_ERROR(CheckText("civility", request.civility(), 0, kMaxCivilityLength));
  RETURN_IF_ERROR(CheckText("given_name", request.given_name(), 1, kMaxNameLength));
  RETURN_IF_ERROR(CheckText("family_name", request.family_name(), 1, kMaxNameLength));
  const std::string email = NormalizeEmail(request.email());
  ASSIGN_OR_RETURN(const std::string password_hash, deps_.hasher->Hash(request.password()));
  const absl::Time now = deps_.clock->Now();
  NewAccount account;
  account.account_id = NewUuid();
  account.email = email;
  account.civility = std::string(absl::StripAsciiWhitespace(request.civility()));
  account.given_name = std::string(absl::StripAsciiWhitespace(request.given_name()));
  account.family_name = std::string(absl::StripAsciiWhitespace(request.family_name()));
  account.password_hash = password_hash;
  const std::string code = NewEmailCode();
  account.code_hash = EmailCodeHash(account.account_id, code);
  account.now = now;
  account.code_expires = now + deps_.email_code_ttl;
  account.code_attempts = kEmailCodeAttempts;
  ASSIGN_OR_RETURN(const bool created, deps_.accounts->CreateAccount(account));
  if (created) {
    SendOrLog(deps_.mail, CodeMail(email, code, deps_.email_code_ttl));
  } else {
    // The same answer as a new registration; the owner learns of the attempt by email.
    SendOrLog(deps_.mail, {email, "MeltingDoc: registration attempt",
                           "Hello,\n\nSomeone tried to register a MeltingDoc account with this address, "
                           "which already has one. If it was you, sign in instead (or reset your "
                           "password). Otherwise you can ignore this message.\n"});
  }
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoConfirmEmail(const grpc::ServerContextBase&,
                                                 const v1::ConfirmEmailRequest& request,
                                                 v1::ConfirmEmailResponse&) {
  RETURN_IF_ERROR(CheckEmail("email", request.email()));
  RETURN_IF_ERROR(CheckDigits("code", request.code(), 6));
  ASSIGN_OR_RETURN(const CodeOutcome outcome,
                   deps_.accounts->ConfirmEmail(NormalizeEmail(request.email()), request.code(), deps_.clock->Now()));
  switch (outcome) {
    case CodeOutcome::kConfirmed:
      return absl::OkStatus();
    case CodeOutcome::kWrong:
      return server::InvalidField("code", "wrong code");
    case CodeOutcome::kExpiredOrUsedUp:
    case CodeOutcome::kNoPendingCode:
      break;
  }
  // Also for an unknown address: the answer does not tell which addresses are registered.
  return server::InvalidField("code", "no valid code for this address: ask for a new one");
}

absl::Status IdentityServiceImpl::DoResendConfirmationCode(const grpc::ServerContextBase&,
                                                           const v1::ResendConfirmationCodeRequest& request,
                                                           v1::ResendConfirmationCodeResponse&) {
  RETURN_IF_ERROR(Require(deps_.mail, "mail sender"));
  RETURN_IF_ERROR(CheckEmail("email", request.email()));
  const std::string email = NormalizeEmail(request.email());
  const std::string code = NewEmailCode();
  const absl::Time now = deps_.clock->Now();
  ASSIGN_OR_RETURN(const std::optional<std::string> account_id,
                   deps_.accounts->ReplaceEmailCode(
                       email, [&](const std::string& id) { return EmailCodeHash(id, code); }, now,
                       now + deps_.email_code_ttl, now - kResendInterval, kEmailCodeAttempts));
  if (account_id.has_value()) SendOrLog(deps_.mail, CodeMail(email, code, deps_.email_code_ttl));
  return absl::OkStatus();
}

absl::StatusOr<LoginAccount> IdentityServiceImpl::CheckCurrentPassword(const grpc::ServerContextBase& context,
                                                                       const std::string& account_id,
                                                                       const std::string& field,
                                                                       const std::string& password) {
  RETURN_IF_ERROR(Require(deps_.hasher, "password hasher"));
  RETURN_IF_ERROR(Require(deps_.throttle, "login throttle"));
  RETURN_IF_ERROR(CheckPasswordInput(field, password));
  ASSIGN_OR_RETURN(LoginAccount account, deps_.accounts->GetLoginAccountById(account_id));
  const std::string account_key = AccountThrottleKey(NormalizeEmail(account.email));
  const std::string ip_key = IpThrottleKey(ClientIpOf(context));
  // A stolen access token must not become a way to guess the password faster than a login.
  RETURN_IF_ERROR(deps_.throttle->BeforePasswordCheck(account_key, ip_key));
  if (!deps_.hasher->Verify(account.password_hash, password)) {
    (void)deps_.throttle->AfterFailure(account_key, ip_key);
    return server::InvalidField(field, "wrong password");
  }
  RETURN_IF_ERROR(deps_.throttle->AfterSuccess(account_key));
  return account;
}

absl::Status IdentityServiceImpl::DoChangePassword(const grpc::ServerContextBase& context,
                                                   const v1::ChangePasswordRequest& request,
                                                   v1::ChangePasswordResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(Require(deps_.common_passwords, "common password list"));
  RETURN_IF_ERROR(CheckNewPassword("new_password", request.new_password(), *deps_.common_passwords));
  if (request.new_password() == request.current_password()) {
    return server::InvalidField("new_password", "must differ from the current password");
  }
  RETURN_IF_ERROR(CheckCurrentPassword(context, caller.account_id, "current_password",
                                       request.current_password())
                      .status());
  ASSIGN_OR_RETURN(const std::string hash, deps_.hasher->Hash(request.new_password()));
  ASSIGN_OR_RETURN(const std::vector<RevokedSession> revoked,
                   deps_.accounts->ChangePassword(caller.account_id, caller.session_id, hash, deps_.clock->Now()));
  MirrorRevocations(revoked);
  response.set_revoked_sessions(static_cast<int32_t>(revoked.size()));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoEnrollTotp(const grpc::ServerContextBase& context, const v1::EnrollTotpRequest&,
                                               v1::EnrollTotpResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  ASSIGN_OR_RETURN(const LoginAccount account, deps_.accounts->GetLoginAccountById(caller.account_id));
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  RETURN_IF_ERROR(deps_.accounts->StartTotpEnrollment(caller.account_id, secret, deps_.clock->Now()));
  response.set_secret(Base32Encode(secret));
  response.set_otpauth_uri(OtpauthUri(kTotpIssuer, account.email, secret));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoConfirmTotp(const grpc::ServerContextBase& context,
                                                const v1::ConfirmTotpRequest& request,
                                                v1::ConfirmTotpResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(CheckDigits("totp_code", request.totp_code(), kTotpDigits));
  ASSIGN_OR_RETURN(const std::optional<TotpState> totp, deps_.accounts->GetTotp(caller.account_id));
  if (!totp.has_value()) return absl::FailedPreconditionError("no second factor being enrolled: call EnrollTotp first");
  if (totp->confirmed) return absl::FailedPreconditionError("a second factor is already active");
  const absl::Time now = deps_.clock->Now();
  const std::optional<int64_t> step = MatchTotp(totp->secret, request.totp_code(), now, totp->last_used_step);
  if (!step.has_value()) {
    return server::InvalidField("totp_code", "wrong code: check the device's clock and the secret");
  }
  const std::vector<std::string> codes = NewRecoveryCodes(kRecoveryCodes);
  std::vector<std::string> hashes;
  for (const std::string& code : codes) {
    hashes.push_back(SecretHash("recovery", absl::StrCat(caller.account_id, ":", NormalizeRecoveryCode(code))));
  }
  ASSIGN_OR_RETURN(const bool confirmed, deps_.accounts->ConfirmTotp(caller.account_id, *step, hashes, now));
  if (!confirmed) return server::InvalidField("totp_code", "this code was already used: wait for the next one");
  for (const std::string& code : codes) response.add_recovery_codes(code);
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoDeleteAccount(const grpc::ServerContextBase& context,
                                                  const v1::DeleteAccountRequest& request,
                                                  v1::DeleteAccountResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  if (!IsValidUuid(request.account_id())) {
    return server::InvalidField("account_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  if (absl::AsciiStrToLower(request.account_id()) != caller.account_id) {
    return absl::PermissionDeniedError("you may delete only your own account");
  }
  ASSIGN_OR_RETURN(const LoginAccount account,
                   CheckCurrentPassword(context, caller.account_id, "password", request.password()));
  if (account.second_factor) {
    if (request.totp_code().empty() == request.recovery_code().empty()) {
      return server::InvalidField("totp_code", "this account has a second factor: give exactly one of "
                                               "totp_code and recovery_code");
    }
    if (request.totp_code().size() > 16 || request.recovery_code().size() > 32) {
      return server::InvalidField("totp_code", "a 6-digit code or a recovery code");
    }
    ASSIGN_OR_RETURN(const bool ok, CheckSecondFactor(caller.account_id, request.totp_code(),
                                                      request.recovery_code(), ClientIpOf(context)));
    if (!ok) return absl::PermissionDeniedError("wrong or already used second-factor code");
  }
  const absl::Time now = deps_.clock->Now();
  events::v1::Event event;
  event.set_event_id(NewUuid());
  event.set_aggregate_type("account");
  event.set_aggregate_id(caller.account_id);
  // Deletion is the account's last change: no later version can exist, so the highest one
  // makes every consumer apply it over anything it has.
  event.set_aggregate_version(std::numeric_limits<int64_t>::max());
  *event.mutable_occur_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  event.mutable_account_deleted()->set_account_id(caller.account_id);
  ASSIGN_OR_RETURN(const std::vector<RevokedSession> revoked, deps_.accounts->DeleteAccount(caller.account_id, event, now));
  MirrorRevocations(revoked);
  LogJson({{"msg", "account deleted"}, {"account_id", caller.account_id},
           {"sessions_revoked", static_cast<int64_t>(revoked.size())}});
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
