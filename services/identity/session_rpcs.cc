// Sessions: Login (+ second factor), Refresh with rotation and reuse detection, Logout,
// ListSessions, RevokeSession, GetSigningKeys, and the revocation check of every
// authenticated identity call.
#include <chrono>
#include <limits>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/json_log.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "services/identity/account_input.h"
#include "services/identity/identity_service.h"
#include "services/identity/secrets.h"
#include "services/identity/totp.h"

namespace meltingdoc::identity {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kChallengeTtl = absl::Minutes(5);
constexpr int kChallengeAttempts = 5;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr char kSessionsPageKind[] = "identity.sessions";

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& md = context.client_metadata();
  auto it = md.find(key);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
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
// Login: see below. The others only touch the database.
MELTINGDOC_RUN_ON(*executor_, VerifySecondFactor)
MELTINGDOC_RUN_ON(*executor_, Refresh)
MELTINGDOC_RUN_ON(*executor_, GetSigningKeys)
MELTINGDOC_RUN_ON(*executor_, Logout)
MELTINGDOC_RUN_ON(*executor_, ListSessions)
MELTINGDOC_RUN_ON(*executor_, RevokeSession)
#undef MELTINGDOC_RUN_ON

absl::Status IdentityServiceImpl::Require(const void* dep, const char* what) const {
  if (dep == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("identity is not configured for this: no ", what));
  }
  return absl::OkStatus();
}

std::string IdentityServiceImpl::ClientIpOf(const grpc::ServerContextBase& context) const {
  return ClientIp(Metadata(context, "x-forwarded-for"), context.peer(), deps_.trust_forwarded_for);
}

std::string IdentityServiceImpl::UserAgentOf(const grpc::ServerContextBase& context) const {
  // gRPC replaces a caller's `user-agent` with its own, so the gateway forwards the HTTP
  // client's as x-client-user-agent (trusted like x-forwarded-for).
  if (deps_.trust_forwarded_for) {
    const auto forwarded = Metadata(context, "x-client-user-agent");
    if (!forwarded.empty()) return CleanUserAgent(forwarded);
  }
  return CleanUserAgent(Metadata(context, "user-agent"));
}

void IdentityServiceImpl::MirrorRevocations(const std::vector<RevokedSession>& revoked) {
  if (deps_.revocations != nullptr && !revoked.empty()) deps_.revocations->Add(revoked);
}

absl::StatusOr<auth::Principal> IdentityServiceImpl::AuthenticateLive(const grpc::ServerContextBase& context) {
  ASSIGN_OR_RETURN(auth::Principal caller, runtime::Authenticate(context, *verifier_));
  std::optional<bool> revoked;
  if (deps_.revocations != nullptr) revoked = deps_.revocations->IsRevoked(caller.session_id);
  if (!revoked.has_value() && deps_.accounts != nullptr) {
    // The mirror cannot answer (Redis down or not yet resynced): PostgreSQL is the truth.
    ASSIGN_OR_RETURN(revoked, deps_.accounts->IsSessionRevoked(caller.session_id));
  }
  if (revoked.value_or(false)) return absl::UnauthenticatedError("this session has ended (signed out or revoked): sign in again");
  return caller;
}

absl::Status IdentityServiceImpl::FillTokens(const AccountClaims& claims, const std::string& session_id,
                                             const std::string& refresh_token, v1::SessionTokens& tokens,
                                             bool* enrollment_required) {
  auth::Principal p;
  p.account_id = claims.account_id;
  p.session_id = session_id;
  const std::optional<auth::Role> role = auth::ParseRole(claims.role);
  const std::optional<auth::VerificationStatus> status = auth::ParseVerificationStatus(claims.status);
  if (!role || !status) return absl::InternalError("account has an unknown role or status");
  p.role = *role;
  p.status = *status;
  const bool needs_enrollment = deps_.require_second_factor &&
                                p.status == auth::VerificationStatus::kVerified && !claims.second_factor;
  if (needs_enrollment) {
    // Until a second factor is enrolled, the session has the rights of an unverified account:
    // its own account and profile draft, and EnrollTotp/ConfirmTotp.
    p.status = auth::VerificationStatus::kPendingVerification;
    p.role = auth::Role::kDoctor;
  }
  if (enrollment_required != nullptr) *enrollment_required = needs_enrollment;
  const absl::Time now = deps_.clock->Now();
  tokens.set_access_token(deps_.signer->Sign(p, deps_.access_ttl));
  *tokens.mutable_access_token_expire_time() =
      ToProto(absl::FromUnixSeconds(absl::ToUnixSeconds(now + deps_.access_ttl)));
  tokens.set_refresh_token(refresh_token);
  *tokens.mutable_refresh_token_expire_time() = ToProto(now + deps_.refresh_ttl);
  tokens.set_session_id(session_id);
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::IssueSession(const std::string& account_id,
                                               const grpc::ServerContextBase& context,
                                               v1::SessionTokens& tokens, bool* enrollment_required) {
  const absl::Time now = deps_.clock->Now();
  NewSession session;
  session.session_id = NewUuid();
  session.account_id = account_id;
  const std::string refresh = NewOpaqueToken();
  session.refresh_hash = SecretHash("refresh", refresh);
  session.now = now;
  session.expires = now + deps_.refresh_ttl;
  session.client_ip = ClientIpOf(context);
  session.user_agent = UserAgentOf(context);
  ASSIGN_OR_RETURN(const AccountClaims claims, deps_.accounts->CreateSession(session));
  return FillTokens(claims, session.session_id, refresh, tokens, enrollment_required);
}

// Login in three steps, so that the hashing threads only hash: they used to do the whole
// login, and every Redis and PostgreSQL round trip left a core without a hash to run
// (bench/README.md, login_bench). 1. main executor: input, throttle, the account; 2. hashing
// executor: the one argon2id verification (a dummy one for an unknown address); 3. main
// executor: the throttle's record, the session. Step 3 runs on the hashing thread if the main
// queue is full, and also when the caller left during the hash: a password check that was made
// is always recorded. Step 2 is refused (RESOURCE_EXHAUSTED, nothing checked, nothing to
// record) when the hashing queue cannot reach it before the call's deadline.
grpc::ServerUnaryReactor* IdentityServiceImpl::Login(grpc::CallbackServerContext* context,
                                                     const v1::LoginRequest* request,
                                                     v1::LoginResponse* response) {
  auto state = std::make_shared<LoginState>();
  std::vector<server::UnaryStep> steps;
  steps.push_back({executor_, [this, context, request, state] {
                     RETURN_IF_ERROR(Require(deps_.accounts, "accounts store"));
                     return LoginBeforeHash(*context, *request, *state);
                   }});
  // The hash only if it can be done before the caller's deadline (else 429 with Retry-After
  // at once, not a 504 after the whole deadline spent queueing): UnaryStep::within_deadline.
  steps.push_back({&HashExecutor(),
                   [this, request, state] {
                     LoginHash(*request, *state);
                     return absl::OkStatus();
                   },
                   /*run_here_when_full=*/false, /*within_deadline=*/true});
  steps.push_back({executor_,
                   [this, context, state, response] { return LoginAfterHash(*context, *state, *response); },
                   /*run_here_when_full=*/true});
  return server::RunUnarySteps(context, std::move(steps));
}

absl::Status IdentityServiceImpl::DoLogin(const grpc::ServerContextBase& context,
                                          const v1::LoginRequest& request, v1::LoginResponse& response) {
  RETURN_IF_ERROR(Require(deps_.accounts, "accounts store"));
  LoginState state;
  RETURN_IF_ERROR(LoginBeforeHash(context, request, state));
  LoginHash(request, state);
  return LoginAfterHash(context, state, response);
}

absl::Status IdentityServiceImpl::LoginBeforeHash(const grpc::ServerContextBase& context,
                                                  const v1::LoginRequest& request, LoginState& state) {
  RETURN_IF_ERROR(Require(deps_.signer, "--signing_key_file"));
  RETURN_IF_ERROR(Require(deps_.hasher, "password hasher"));
  RETURN_IF_ERROR(Require(deps_.throttle, "login throttle"));
  RETURN_IF_ERROR(CheckEmail("email", request.email()));
  RETURN_IF_ERROR(CheckPasswordInput("password", request.password()));
  const std::string email = NormalizeEmail(request.email());
  state.ip = ClientIpOf(context);
  state.account_key = AccountThrottleKey(email);
  state.ip_key = IpThrottleKey(state.ip);
  RETURN_IF_ERROR(deps_.throttle->BeforePasswordCheck(state.account_key, state.ip_key, &state.account_failures));
  ASSIGN_OR_RETURN(state.account, deps_.accounts->FindLoginAccount(email));
  return absl::OkStatus();
}

void IdentityServiceImpl::LoginHash(const v1::LoginRequest& request, LoginState& state) const {
  if (state.account.has_value() && !state.account->password_hash.empty()) {
    state.password_ok = deps_.hasher->Verify(state.account->password_hash, request.password());
  } else {
    // Same work, same answer as a wrong password: the address's existence does not show.
    deps_.hasher->VerifyDummy(request.password());
    state.password_ok = false;
  }
}

absl::Status IdentityServiceImpl::LoginAfterHash(const grpc::ServerContextBase& context, const LoginState& state,
                                                 v1::LoginResponse& response) {
  if (!state.password_ok) {
    const absl::Status recorded = deps_.throttle->AfterFailure(state.account_key, state.ip_key);
    if (!recorded.ok()) {
      LogJson({{"msg", "login failure not recorded"}, {"error", std::string(recorded.message())}});
    }
    return absl::UnauthenticatedError("wrong email or password");
  }
  const LoginAccount& account = *state.account;
  RETURN_IF_ERROR(deps_.throttle->AfterSuccess(state.account_key, state.account_failures));
  if (account.status == "suspended") return absl::PermissionDeniedError("this account is suspended");
  // This step runs even for a caller who left during the hash, so that the check is counted
  // (RunUnarySteps); a challenge or a session nobody will receive is not made.
  if (context.IsCancelled()) return absl::CancelledError("call cancelled during the password check");
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed during the password check");
  }

  if (account.second_factor) {
    const std::string challenge = NewOpaqueToken();
    Challenge c{account.account_id, state.ip, UserAgentOf(context)};
    RETURN_IF_ERROR(deps_.accounts->CreateChallenge(SecretHash("challenge", challenge), c,
                                            deps_.clock->Now() + kChallengeTtl, kChallengeAttempts));
    response.set_second_factor_challenge(challenge);
    return absl::OkStatus();
  }
  bool enrollment_required = false;
  RETURN_IF_ERROR(IssueSession(account.account_id, context, *response.mutable_tokens(), &enrollment_required));
  response.set_second_factor_enrollment_required(enrollment_required);
  return absl::OkStatus();
}

absl::StatusOr<bool> IdentityServiceImpl::CheckSecondFactor(const std::string& account_id,
                                                           const std::string& totp_code,
                                                           const std::string& recovery_code,
                                                           const std::string& client_ip) {
  const absl::Time now = deps_.clock->Now();
  if (!totp_code.empty()) {
    ASSIGN_OR_RETURN(const std::optional<TotpState> totp, deps_.accounts->GetTotp(account_id));
    if (!totp.has_value() || !totp->confirmed) return false;
    const std::optional<int64_t> step = MatchTotp(totp->secret, totp_code, now, -1);
    if (!step.has_value()) {
      RETURN_IF_ERROR(deps_.accounts->RecordSecondFactorEvent(account_id, "totp_wrong", client_ip, now));
      return false;
    }
    // A right code for a step already used: someone replays an observed code.
    bool used = *step > totp->last_used_step;
    if (used) {
      ASSIGN_OR_RETURN(used, deps_.accounts->UseTotpStep(account_id, *step));
    }
    if (!used) {
      RETURN_IF_ERROR(deps_.accounts->RecordSecondFactorEvent(account_id, "totp_replay", client_ip, now));
      LogJson({{"msg", "TOTP code replay refused"}, {"account_id", account_id}});
      return false;
    }
    return true;
  }
  const std::string hash =
      SecretHash("recovery", absl::StrCat(account_id, ":", NormalizeRecoveryCode(recovery_code)));
  ASSIGN_OR_RETURN(const bool used, deps_.accounts->UseRecoveryCode(account_id, hash, now));
  RETURN_IF_ERROR(deps_.accounts->RecordSecondFactorEvent(account_id, used ? "recovery_used" : "recovery_wrong",
                                                  client_ip, now));
  return used;
}

absl::Status IdentityServiceImpl::DoVerifySecondFactor(const grpc::ServerContextBase& context,
                                                       const v1::VerifySecondFactorRequest& request,
                                                       v1::VerifySecondFactorResponse& response) {
  RETURN_IF_ERROR(Require(deps_.signer, "--signing_key_file"));
  if (request.challenge().empty() || request.challenge().size() > 64) {
    return server::InvalidField("challenge", "the second_factor_challenge of LoginResponse (at most 64 characters)");
  }
  const bool has_totp = !request.totp_code().empty();
  const bool has_recovery = !request.recovery_code().empty();
  if (has_totp == has_recovery) {
    return server::InvalidField("totp_code", "exactly one of totp_code and recovery_code");
  }
  if (has_totp && request.totp_code().size() != static_cast<size_t>(kTotpDigits)) {
    return server::InvalidField("totp_code", "6 digits");
  }
  if (has_recovery && request.recovery_code().size() > 32) {
    return server::InvalidField("recovery_code", "at most 32 characters");
  }
  const std::string challenge_hash = SecretHash("challenge", request.challenge());
  ASSIGN_OR_RETURN(const std::optional<Challenge> challenge,
                   deps_.accounts->TakeChallengeAttempt(challenge_hash, deps_.clock->Now()));
  if (!challenge.has_value()) {
    return absl::UnauthenticatedError("this sign-in has expired or had too many wrong codes: sign in again");
  }
  ASSIGN_OR_RETURN(const bool ok, CheckSecondFactor(challenge->account_id, request.totp_code(),
                                                    request.recovery_code(), ClientIpOf(context)));
  if (!ok) return absl::UnauthenticatedError("wrong or already used code");
  RETURN_IF_ERROR(deps_.accounts->DeleteChallenge(challenge_hash));
  return IssueSession(challenge->account_id, context, *response.mutable_tokens(), nullptr);
}

absl::Status IdentityServiceImpl::DoRefresh(const grpc::ServerContextBase& context,
                                            const v1::RefreshRequest& request, v1::RefreshResponse& response) {
  RETURN_IF_ERROR(Require(deps_.signer, "--signing_key_file"));
  if (request.refresh_token().size() != kOpaqueTokenLength) {
    return server::InvalidField("refresh_token", absl::StrCat("a refresh token: ", kOpaqueTokenLength, " characters"));
  }
  const absl::Time now = deps_.clock->Now();
  const std::string next = NewOpaqueToken();
  ASSIGN_OR_RETURN(const RefreshResult r,
                   deps_.accounts->RotateRefreshToken(SecretHash("refresh", request.refresh_token()),
                                              SecretHash("refresh", next), now, now + deps_.refresh_ttl,
                                              ClientIpOf(context)));
  switch (r.outcome) {
    case RefreshOutcome::kRotated:
      // A suspension revokes every session; this catches a sign-in that raced with it.
      if (r.claims.status == "suspended") return absl::PermissionDeniedError("this account is suspended");
      return FillTokens(r.claims, r.session_id, next, *response.mutable_tokens(), nullptr);
    case RefreshOutcome::kReused:
      MirrorRevocations({{r.session_id, r.revoked_at}});
      LogJson({{"msg", "refresh token reused: session revoked"}, {"session_id", r.session_id}});
      return absl::UnauthenticatedError("this refresh token was already used: the session is revoked, sign in again");
    case RefreshOutcome::kInactive:
      return absl::UnauthenticatedError("this session has ended: sign in again");
    case RefreshOutcome::kUnknown:
      break;
  }
  return absl::UnauthenticatedError("unknown refresh token: sign in again");
}

absl::Status IdentityServiceImpl::DoGetSigningKeys(const grpc::ServerContextBase&,
                                                   const v1::GetSigningKeysRequest&,
                                                   v1::GetSigningKeysResponse& response) {
  for (const v1::SigningKey& key : deps_.published_keys) *response.add_keys() = key;
  if (deps_.signer != nullptr) response.set_current_kid(deps_.signer->kid());
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoLogout(const grpc::ServerContextBase& context, const v1::LogoutRequest&,
                                           v1::LogoutResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  ASSIGN_OR_RETURN(const std::optional<RevokedSession> revoked,
                   deps_.accounts->RevokeSession(caller.account_id, caller.session_id, "logout", deps_.clock->Now()));
  if (revoked.has_value()) {
    MirrorRevocations({*revoked});
  } else {
    // A token whose session row is gone (or never existed): still refuse it from now on.
    MirrorRevocations({{caller.session_id, deps_.clock->Now()}});
  }
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoListSessions(const grpc::ServerContextBase& context,
                                                 const v1::ListSessionsRequest& request,
                                                 v1::ListSessionsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return server::InvalidField("page_size", absl::StrCat("0 (default ", kDefaultPageSize, ") to ", kMaxPageSize));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  std::optional<std::pair<int64_t, std::string>> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(kSessionsPageKind, request.page_token(), 2);
    if (!decoded.ok()) return server::InvalidField("page_token", "not a token of this list");
    const std::vector<std::string>& keys = *decoded;
    int64_t micros = 0;
    if (!absl::SimpleAtoi(keys[0], &micros) || !IsValidUuid(keys[1])) {
      return server::InvalidField("page_token", "not a token of this list");
    }
    after.emplace(micros, keys[1]);
  }
  ASSIGN_OR_RETURN(std::vector<SessionRow> rows,
                   deps_.accounts->ListSessions(caller.account_id, after, page_size + 1, deps_.clock->Now()));
  const bool more = rows.size() > static_cast<size_t>(page_size);
  if (more) rows.resize(page_size);
  for (const SessionRow& row : rows) {
    v1::Session* s = response.add_sessions();
    s->set_session_id(row.session_id);
    *s->mutable_create_time() = ToProto(row.created);
    *s->mutable_last_refresh_time() = ToProto(row.refreshed);
    *s->mutable_expire_time() = ToProto(row.expires);
    s->set_client_ip(row.client_ip);
    s->set_user_agent(row.user_agent);
    s->set_current(row.session_id == caller.session_id);
  }
  if (more) {
    response.set_next_page_token(EncodePageToken(
        kSessionsPageKind, {absl::StrCat(absl::ToUnixMicros(rows.back().created)), rows.back().session_id}));
  }
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoRevokeSession(const grpc::ServerContextBase& context,
                                                  const v1::RevokeSessionRequest& request,
                                                  v1::RevokeSessionResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  if (!IsValidUuid(request.session_id())) {
    return server::InvalidField("session_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  ASSIGN_OR_RETURN(const std::optional<RevokedSession> revoked,
                   deps_.accounts->RevokeSession(caller.account_id, absl::AsciiStrToLower(request.session_id()),
                                         "revoked", deps_.clock->Now()));
  if (!revoked.has_value()) return absl::NotFoundError("no such live session of yours");
  MirrorRevocations({*revoked});
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
