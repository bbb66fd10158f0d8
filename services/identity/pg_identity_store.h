// IdentityStore and AccountsStore over PostgreSQL (schema identity). All of the service's SQL
// is in its two halves: pg_identity_store.cc (accounts, sessions, throttling fallback) and
// pg_register_store.cc (register import and lookups, verification and moderation).
#pragma once

#include "libs/pg/pool.h"
#include "services/identity/accounts_store.h"
#include "services/identity/identity_store.h"

namespace pqxx {
class transaction_base;
}

namespace meltingdoc::identity {

// The account `account_id` (locked FOR UPDATE when asked); NOT_FOUND when there is none.
// Shared by both halves of the store.
// "verified" -> ACCOUNT_STATUS_VERIFIED... (UNSPECIFIED for an unknown text).
v1::AccountStatus StatusFromText(const std::string& s);
absl::StatusOr<v1::Account> ReadAccount(pqxx::transaction_base& txn, const std::string& account_id,
                                        bool for_update);

class PgIdentityStore final : public IdentityStore, public AccountsStore {
 public:
  explicit PgIdentityStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<v1::Account> GetAccount(const std::string& account_id) override;

  absl::StatusOr<bool> CreateAccount(const NewAccount& account) override;
  absl::StatusOr<CodeOutcome> ConfirmEmail(const std::string& email, absl::string_view code,
                                           absl::Time now) override;
  absl::StatusOr<std::optional<std::string>> ReplaceEmailCode(
      const std::string& email, const std::function<std::string(const std::string&)>& code_hash_for,
      absl::Time now, absl::Time expires, absl::Time resend_after, int attempts) override;
  absl::StatusOr<std::optional<LoginAccount>> FindLoginAccount(const std::string& email) override;
  absl::StatusOr<LoginAccount> GetLoginAccountById(const std::string& account_id) override;
  absl::Status SetPasswordHash(const std::string& account_id, const std::string& hash,
                               absl::Time now) override;
  absl::StatusOr<AccountClaims> CreateSession(const NewSession& session) override;
  absl::StatusOr<RefreshResult> RotateRefreshToken(const std::string& old_hash,
                                                   const std::string& new_hash, absl::Time now,
                                                   absl::Time new_expires,
                                                   const std::string& client_ip) override;
  absl::StatusOr<std::optional<RevokedSession>> RevokeSession(const std::string& account_id,
                                                             const std::string& session_id,
                                                             const std::string& reason,
                                                             absl::Time now) override;
  absl::StatusOr<std::vector<RevokedSession>> ChangePassword(const std::string& account_id,
                                                             const std::string& keep_session_id,
                                                             const std::string& new_hash,
                                                             absl::Time now) override;
  absl::StatusOr<std::vector<SessionRow>> ListSessions(
      const std::string& account_id, const std::optional<std::pair<int64_t, std::string>>& after,
      int limit, absl::Time now) override;
  absl::StatusOr<bool> IsSessionRevoked(const std::string& session_id) override;
  absl::StatusOr<std::vector<RevokedSession>> RevokedSince(absl::Time since) override;
  absl::Status PurgeRevokedBefore(absl::Time before) override;
  absl::StatusOr<std::optional<TotpState>> GetTotp(const std::string& account_id) override;
  absl::Status StartTotpEnrollment(const std::string& account_id, const std::string& secret,
                                   absl::Time now) override;
  absl::StatusOr<bool> ConfirmTotp(const std::string& account_id, int64_t step,
                                   const std::vector<std::string>& recovery_hashes,
                                   absl::Time now) override;
  absl::StatusOr<bool> UseTotpStep(const std::string& account_id, int64_t step) override;
  absl::StatusOr<bool> UseRecoveryCode(const std::string& account_id, const std::string& hash,
                                       absl::Time now) override;
  absl::Status RecordSecondFactorEvent(const std::string& account_id, const std::string& kind,
                                       const std::string& client_ip, absl::Time now) override;
  absl::Status CreateChallenge(const std::string& hash, const Challenge& challenge,
                               absl::Time expires, int attempts) override;
  absl::StatusOr<std::optional<Challenge>> TakeChallengeAttempt(const std::string& hash,
                                                                absl::Time now) override;
  absl::Status DeleteChallenge(const std::string& hash) override;
  absl::StatusOr<std::vector<RevokedSession>> DeleteAccount(const std::string& account_id,
                                                            const events::v1::Event& event,
                                                            absl::Time now) override;

  // ThrottleStore: the PostgreSQL fallback of the login throttling counters.
  absl::StatusOr<FailureState> GetFailures(const std::string& key, absl::Time now) override;
  absl::StatusOr<int64_t> RecordFailure(const std::string& key, absl::Time now,
                                        absl::Time forget_at) override;
  absl::Status ClearFailures(const std::string& key) override;
  absl::StatusOr<int64_t> CountCheck(const std::string& key, int64_t window) override;

  // Register and verification (pg_register_store.cc).
  absl::Status ReplaceRegister(const RegisterSnapshot& snapshot, const v1::RegisterImport& report,
                               const std::string& imported_by) override;
  absl::StatusOr<std::optional<v1::RegisterEntry>> LookupRegister(const std::string& identifier) override;

  absl::StatusOr<v1::Verification> StartVerification(const std::string& account_id,
                                                     const std::string& identifier,
                                                     v1::IdentifierType type) override;
  absl::StatusOr<MeView> GetMe(const std::string& account_id) override;
  absl::StatusOr<VerificationPage> ListPendingVerifications(
      int page_size, const std::optional<VerificationCursor>& after) override;
  absl::StatusOr<v1::Verification> DecideVerification(const std::string& verification_id,
                                                      const std::string& moderator_id, bool approve,
                                                      const std::string& reason) override;
  absl::StatusOr<v1::Verification> ReopenVerification(const std::string& verification_id, const OperatorActor& actor,
                                                      const std::string& reason) override;
  absl::StatusOr<RoleChange> SetAccountRole(const std::string& account_id, const std::string& role,
                                            const OperatorActor& actor, const std::string& reason,
                                            absl::Time now) override;
  absl::StatusOr<SuspensionChange> SetSuspended(const std::string& account_id, bool suspend,
                                                const OperatorActor& actor, const std::string& actor_role,
                                                const std::string& reason, absl::Time now) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::identity
