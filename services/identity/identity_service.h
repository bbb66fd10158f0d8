// gRPC handlers of meltingdoc.identity.v1.IdentityService: validate, authorize, call the
// store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h);
// password hashing runs on the separate, smaller hashing executor, so that a flood of logins
// cannot take the threads (or the memory) that other calls need. Login hands only its hash
// there (RunUnarySteps); RegisterAccount, ChangePassword and DeleteAccount run there whole.
//
// The handlers are spread by subject: identity_service.cc (GetAccount), account_rpcs.cc,
// session_rpcs.cc, register_rpcs.cc (ImportRegister), verification_rpcs.cc (GetMe and the
// verification and moderation RPCs), operator_rpcs.cc (SetAccountRole, ReopenVerification).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "libs/server/executor.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "services/identity/accounts_store.h"
#include "services/identity/identity_store.h"
#include "services/identity/mail.h"
#include "services/identity/password_hasher.h"
#include "services/identity/password_policy.h"
#include "services/identity/revocation.h"
#include "services/identity/throttle_store.h"

namespace meltingdoc::identity {

// Limits of the verification RPCs (documented in identity_service.proto).
inline constexpr int kDefaultPendingPageSize = 50;
inline constexpr int kMaxPendingPageSize = 200;
inline constexpr size_t kMinDecisionReasonChars = 3;
inline constexpr size_t kMaxDecisionReasonChars = 1000;
inline constexpr size_t kMaxRegisterPathLength = 1024;

// What the account and session RPCs need besides the store. Any missing piece makes the RPCs
// that need it answer FAILED_PRECONDITION ("not configured"), never crash.
struct AccountsDeps {
  // Null only in handler tests of the other RPCs: then no session can be checked for
  // revocation, and the account and session RPCs answer FAILED_PRECONDITION.
  AccountsStore* accounts = nullptr;
  const auth::TokenSigner* signer = nullptr;           // --signing_key_file
  std::vector<v1::SigningKey> published_keys;          // GetSigningKeys
  server::BoundedExecutor* hash_executor = nullptr;    // password hashing
  const PasswordHasher* hasher = nullptr;
  const CommonPasswords* common_passwords = nullptr;
  MailSender* mail = nullptr;
  LoginThrottle* throttle = nullptr;
  RevocationMirror* revocations = nullptr;             // null: every check asks PostgreSQL
  const Clock* clock = &Clock::Real();
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(24 * 30);
  absl::Duration email_code_ttl = absl::Minutes(30);
  // Verified doctors without a second factor get unverified rights until they enroll one.
  bool require_second_factor = false;
  // x-forwarded-for is set by the gateway; when identity is reachable only through it.
  bool trust_forwarded_for = true;
};

class IdentityServiceImpl : public v1::IdentityService::CallbackService {
 public:
  // Also reads --register_dir and --register_max_rejected_percent (identity_flags.h).
  IdentityServiceImpl(IdentityStore* store, const auth::TokenVerifier* verifier,
                      server::BoundedExecutor* executor, AccountsDeps deps = {});

  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;

  // The body of GetAccount, callable without gRPC's reactor (unit tests).
  absl::Status DoGetAccount(const grpc::ServerContextBase& context,
                            const v1::GetAccountRequest& request, v1::GetAccountResponse& response);

  // --- Accounts and sessions (account_rpcs.cc, session_rpcs.cc) ---
#define MELTINGDOC_IDENTITY_RPC(Name)                                                        \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context,                       \
                                 const v1::Name##Request* request, v1::Name##Response* response) \
      override;                                                                              \
  absl::Status Do##Name(const grpc::ServerContextBase& context, const v1::Name##Request& request, \
                        v1::Name##Response& response);
  MELTINGDOC_IDENTITY_RPC(RegisterAccount)
  MELTINGDOC_IDENTITY_RPC(ConfirmEmail)
  MELTINGDOC_IDENTITY_RPC(ResendConfirmationCode)
  MELTINGDOC_IDENTITY_RPC(ChangePassword)
  MELTINGDOC_IDENTITY_RPC(EnrollTotp)
  MELTINGDOC_IDENTITY_RPC(ConfirmTotp)
  MELTINGDOC_IDENTITY_RPC(DeleteAccount)
  // Login runs in three steps on two executors (session_rpcs.cc); DoLogin runs them in a row.
  MELTINGDOC_IDENTITY_RPC(Login)
  MELTINGDOC_IDENTITY_RPC(VerifySecondFactor)
  MELTINGDOC_IDENTITY_RPC(Refresh)
  MELTINGDOC_IDENTITY_RPC(GetSigningKeys)
  MELTINGDOC_IDENTITY_RPC(Logout)
  MELTINGDOC_IDENTITY_RPC(ListSessions)
  MELTINGDOC_IDENTITY_RPC(RevokeSession)
  // --- Register and verification (register_rpcs.cc, verification_rpcs.cc) ---
  MELTINGDOC_IDENTITY_RPC(ImportRegister)
  MELTINGDOC_IDENTITY_RPC(GetMe)
  MELTINGDOC_IDENTITY_RPC(StartVerification)
  MELTINGDOC_IDENTITY_RPC(ListPendingVerifications)
  MELTINGDOC_IDENTITY_RPC(DecideVerification)
  // --- Operators (operator_rpcs.cc) ---
  MELTINGDOC_IDENTITY_RPC(ReopenVerification)
  MELTINGDOC_IDENTITY_RPC(SetAccountRole)
  MELTINGDOC_IDENTITY_RPC(SuspendAccount)
  MELTINGDOC_IDENTITY_RPC(UnsuspendAccount)
#undef MELTINGDOC_IDENTITY_RPC

  // The caller of an authenticated call: a valid access token of a session that is not
  // revoked (Redis mirror, or PostgreSQL when the mirror cannot answer).
  absl::StatusOr<auth::Principal> AuthenticateLive(const grpc::ServerContextBase& context);
  // SuspendAccount / UnsuspendAccount: checks the caller and the input, changes, mirrors the
  // revoked sessions.
  absl::StatusOr<SuspensionChange> ChangeSuspension(const grpc::ServerContextBase& context,
                                                    const std::string& account_id, const std::string& reason,
                                                    bool suspend);

 private:
  // What Login's steps pass on to each other.
  struct LoginState {
    std::string ip, account_key, ip_key;
    std::optional<LoginAccount> account;
    int64_t account_failures = 0;  // seen by the throttle before the check
    bool password_ok = false;
  };
  absl::Status LoginBeforeHash(const grpc::ServerContextBase& context, const v1::LoginRequest& request,
                               LoginState& state);
  void LoginHash(const v1::LoginRequest& request, LoginState& state) const;
  absl::Status LoginAfterHash(const grpc::ServerContextBase& context, const LoginState& state,
                              v1::LoginResponse& response);
  // Opens a session for the account and fills `tokens`.
  absl::Status IssueSession(const std::string& account_id, const grpc::ServerContextBase& context,
                            v1::SessionTokens& tokens, bool* enrollment_required);
  absl::Status FillTokens(const AccountClaims& claims, const std::string& session_id,
                          const std::string& refresh_token, v1::SessionTokens& tokens,
                          bool* enrollment_required);
  // A TOTP code or a recovery code of the account; false (recorded) when wrong or replayed.
  absl::StatusOr<bool> CheckSecondFactor(const std::string& account_id, const std::string& totp_code,
                                         const std::string& recovery_code, const std::string& client_ip);
  // Re-authentication by password inside a session (ChangePassword, DeleteAccount), throttled
  // like a login.
  absl::StatusOr<LoginAccount> CheckCurrentPassword(const grpc::ServerContextBase& context,
                                                    const std::string& account_id,
                                                    const std::string& field,
                                                    const std::string& password);
  void MirrorRevocations(const std::vector<RevokedSession>& revoked);
  std::string ClientIpOf(const grpc::ServerContextBase& context) const;
  // The end user's user agent: the gateway's x-client-user-agent, else the gRPC caller's.
  std::string UserAgentOf(const grpc::ServerContextBase& context) const;
  absl::Status Require(const void* dep, const char* what) const;
  server::BoundedExecutor& HashExecutor() {
    return deps_.hash_executor != nullptr ? *deps_.hash_executor : *executor_;
  }

  IdentityStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
  const AccountsDeps deps_;
  const std::string register_dir_;
  const double max_rejected_percent_;
  // One import at a time in this process (the store's advisory lock covers other processes).
  absl::Mutex import_mu_;
};

}  // namespace meltingdoc::identity
