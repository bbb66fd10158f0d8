// What the account and session RPCs keep (credentials, codes, sessions, refresh tokens,
// revocations, second factor, throttling fallback), behind an interface of its own so that
// handler tests of other RPCs need not fake it. The real one is PgIdentityStore.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "services/identity/revocation.h"
#include "services/identity/throttle_store.h"

namespace meltingdoc::identity {

struct NewAccount {
  std::string account_id;
  std::string email;  // normalized (NormalizeEmail)
  std::string civility, given_name, family_name;
  std::string password_hash;
  std::string code_hash;  // SecretHash("email-code", account_id + code)
  absl::Time now;
  absl::Time code_expires;
  int code_attempts = 5;
};

enum class CodeOutcome { kConfirmed, kWrong, kExpiredOrUsedUp, kNoPendingCode };

// What a login needs to know about the owner of an address.
struct LoginAccount {
  std::string account_id;
  std::string email;
  std::string password_hash;
  std::string status;  // accounts.status text
  std::string role;    // accounts.role text
  bool second_factor = false;  // a confirmed TOTP secret
};

// What the claims of a new access token come from.
struct AccountClaims {
  std::string account_id;
  std::string status;
  std::string role;
  bool second_factor = false;
};

struct NewSession {
  std::string session_id;
  std::string account_id;
  std::string refresh_hash;
  absl::Time now;
  absl::Time expires;
  std::string client_ip;
  std::string user_agent;
};

enum class RefreshOutcome {
  kRotated,   // new token stored, old one marked rotated
  kUnknown,   // no such token
  kReused,    // an already rotated token: the session is now revoked
  kInactive,  // session revoked or expired
};

struct RefreshResult {
  RefreshOutcome outcome = RefreshOutcome::kUnknown;
  std::string session_id;
  AccountClaims claims;
  absl::Time revoked_at;  // kReused: when the session was revoked
};

struct SessionRow {
  std::string session_id;
  absl::Time created, refreshed, expires;
  std::string client_ip, user_agent;
};

struct TotpState {
  std::string secret;
  bool confirmed = false;
  int64_t last_used_step = -1;
};

struct Challenge {
  std::string account_id;
  std::string client_ip, user_agent;
};

class AccountsStore : public ThrottleStore {
 public:
  ~AccountsStore() override = default;

  // Creates the account (PENDING_EMAIL), its credentials and its confirmation code in one
  // transaction. Returns false (and writes nothing) when the address is already registered.
  virtual absl::StatusOr<bool> CreateAccount(const NewAccount& account) = 0;
  // Checks a code; a wrong one uses up an attempt (committed). kConfirmed moves the account
  // to pending_verification and deletes the code.
  virtual absl::StatusOr<CodeOutcome> ConfirmEmail(const std::string& email, absl::string_view code,
                                                   absl::Time now) = 0;
  // Replaces the code of a PENDING_EMAIL account unless one was sent after `resend_after`.
  // Returns the account id when a new code must be sent, nullopt otherwise.
  virtual absl::StatusOr<std::optional<std::string>> ReplaceEmailCode(
      const std::string& email, const std::function<std::string(const std::string&)>& code_hash_for,
      absl::Time now, absl::Time expires, absl::Time resend_after, int attempts) = 0;

  // nullopt when no account has this address.
  virtual absl::StatusOr<std::optional<LoginAccount>> FindLoginAccount(const std::string& email) = 0;
  virtual absl::StatusOr<LoginAccount> GetLoginAccountById(const std::string& account_id) = 0;
  virtual absl::Status SetPasswordHash(const std::string& account_id, const std::string& hash,
                                       absl::Time now) = 0;

  // Sessions. Revocations are written to sessions.revoked_at and revoked_sessions together.
  virtual absl::StatusOr<AccountClaims> CreateSession(const NewSession& session) = 0;
  virtual absl::StatusOr<RefreshResult> RotateRefreshToken(const std::string& old_hash,
                                                           const std::string& new_hash, absl::Time now,
                                                           absl::Time new_expires,
                                                           const std::string& client_ip) = 0;
  // Revokes one session of the account; returns its revocation, nullopt when the account has
  // no such live session.
  virtual absl::StatusOr<std::optional<RevokedSession>> RevokeSession(const std::string& account_id,
                                                                     const std::string& session_id,
                                                                     const std::string& reason,
                                                                     absl::Time now) = 0;
  // Sets a new password hash and revokes every other live session of the account.
  virtual absl::StatusOr<std::vector<RevokedSession>> ChangePassword(const std::string& account_id,
                                                                     const std::string& keep_session_id,
                                                                     const std::string& new_hash,
                                                                     absl::Time now) = 0;
  // Live sessions, newest first, strictly after the (created, session_id) key when given.
  virtual absl::StatusOr<std::vector<SessionRow>> ListSessions(
      const std::string& account_id, const std::optional<std::pair<int64_t, std::string>>& after,
      int limit, absl::Time now) = 0;
  virtual absl::StatusOr<bool> IsSessionRevoked(const std::string& session_id) = 0;
  virtual absl::StatusOr<std::vector<RevokedSession>> RevokedSince(absl::Time since) = 0;
  virtual absl::Status PurgeRevokedBefore(absl::Time before) = 0;

  // Second factor.
  virtual absl::StatusOr<std::optional<TotpState>> GetTotp(const std::string& account_id) = 0;
  // FAILED_PRECONDITION when a confirmed secret exists; replaces an unconfirmed one.
  virtual absl::Status StartTotpEnrollment(const std::string& account_id, const std::string& secret,
                                           absl::Time now) = 0;
  // Confirms the pending secret at `step` and stores the recovery code hashes. false when the
  // step was already used or there is no pending secret.
  virtual absl::StatusOr<bool> ConfirmTotp(const std::string& account_id, int64_t step,
                                           const std::vector<std::string>& recovery_hashes,
                                           absl::Time now) = 0;
  // Atomically moves last_used_step forward to `step`; false when it is not after it (replay).
  virtual absl::StatusOr<bool> UseTotpStep(const std::string& account_id, int64_t step) = 0;
  // Marks one unused recovery code used; false when there is none with this hash.
  virtual absl::StatusOr<bool> UseRecoveryCode(const std::string& account_id, const std::string& hash,
                                               absl::Time now) = 0;
  virtual absl::Status RecordSecondFactorEvent(const std::string& account_id, const std::string& kind,
                                               const std::string& client_ip, absl::Time now) = 0;
  virtual absl::Status CreateChallenge(const std::string& hash, const Challenge& challenge,
                                       absl::Time expires, int attempts) = 0;
  // Uses up one attempt of a live challenge (committed); nullopt when unknown, expired or
  // used up.
  virtual absl::StatusOr<std::optional<Challenge>> TakeChallengeAttempt(const std::string& hash,
                                                                        absl::Time now) = 0;
  virtual absl::Status DeleteChallenge(const std::string& hash) = 0;

  // Deletes the account and everything of it, revokes its sessions and appends `event`
  // (AccountDeleted) to the outbox, in one transaction. Returns the revoked sessions.
  virtual absl::StatusOr<std::vector<RevokedSession>> DeleteAccount(const std::string& account_id,
                                                                    const events::v1::Event& event,
                                                                    absl::Time now) = 0;
};

}  // namespace meltingdoc::identity
