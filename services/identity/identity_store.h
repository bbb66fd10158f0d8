// Everything the identity service keeps, behind an interface so that handler logic
// (authorization, validation) is unit-tested with a fake; the real one is PgIdentityStore.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meltingdoc/identity/v1/identity_service.pb.h"
#include "absl/time/time.h"
#include "services/identity/register_parser.h"
#include "services/identity/revocation.h"

namespace meltingdoc::identity {

// A position in the moderation queue (keyset: creation time, then id).
struct VerificationCursor {
  int64_t created_micros = 0;
  std::string verification_id;
};

struct VerificationPage {
  std::vector<v1::Verification> verifications;
  std::optional<VerificationCursor> next;  // set when there may be more
};

struct MeView {
  v1::Account account;
  std::optional<v1::Verification> verification;
  std::optional<v1::RegisterEntry> register_entry;
  v1::SecondFactorStatus second_factor;
};

// Who made an operator's change: an admin's account (RPC), or, from the command line, a
// label naming who ran it ("cli:<who>@<host>"); recorded with the change.
struct OperatorActor {
  std::string account_id;  // empty: the command line
  std::string label;       // empty: an account
};

struct RoleChange {
  v1::Account account;                  // after the change
  std::vector<RevokedSession> revoked;  // by a demotion
};

struct SuspensionChange {
  v1::Account account;                  // after the change
  std::vector<RevokedSession> revoked;  // by a suspension
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  // NOT_FOUND when there is no such account.
  virtual absl::StatusOr<v1::Account> GetAccount(const std::string& account_id) = 0;

  // --- Register ---
  // Loads `snapshot` beside the current register and swaps it in, in one transaction, and
  // records `report` (import_id, source and times set by the caller). ABORTED when another
  // import holds the lock. Nothing changes on failure.
  virtual absl::Status ReplaceRegister(const RegisterSnapshot& snapshot, const v1::RegisterImport& report,
                                       const std::string& imported_by) = 0;
  // The current register's entry for a number; nullopt when absent.
  virtual absl::StatusOr<std::optional<v1::RegisterEntry>> LookupRegister(const std::string& identifier) = 0;

  // --- Verification ---
  // Decides a request automatically (verification_rules.h) and records it; binds the number
  // and publishes AccountVerified when verified. NOT_FOUND: no account; FAILED_PRECONDITION:
  // the account is not PENDING_VERIFICATION.
  virtual absl::StatusOr<v1::Verification> StartVerification(const std::string& account_id,
                                                              const std::string& identifier,
                                                              v1::IdentifierType type) = 0;
  virtual absl::StatusOr<MeView> GetMe(const std::string& account_id) = 0;
  virtual absl::StatusOr<VerificationPage> ListPendingVerifications(
      int page_size, const std::optional<VerificationCursor>& after) = 0;
  // NOT_FOUND: no such request; FAILED_PRECONDITION: not waiting for review, or (approve)
  // the number is held by another account; PERMISSION_DENIED: the moderator's own account.
  virtual absl::StatusOr<v1::Verification> DecideVerification(const std::string& verification_id,
                                                              const std::string& moderator_id,
                                                              bool approve, const std::string& reason) = 0;

  // --- Operators (identity.role_changes, verification_audit) ---
  // Puts a REJECTED/DENIED request back to NEEDS_REVIEW and its account to PENDING_VERIFICATION,
  // audited. NOT_FOUND: no such request; PERMISSION_DENIED: the actor's own account;
  // FAILED_PRECONDITION: not rejected, not the account's latest request, account not REJECTED.
  virtual absl::StatusOr<v1::Verification> ReopenVerification(const std::string& verification_id,
                                                              const OperatorActor& actor,
                                                              const std::string& reason) = 0;
  // Sets the role ("doctor", "moderator", "admin"), recorded when it changes; a demotion revokes
  // the account's sessions at `now`. NOT_FOUND: no account; FAILED_PRECONDITION: moderator or
  // admin for an account that is not PENDING_VERIFICATION or VERIFIED.
  virtual absl::StatusOr<RoleChange> SetAccountRole(const std::string& account_id, const std::string& role,
                                                    const OperatorActor& actor, const std::string& reason,
                                                    absl::Time now) = 0;
  // Suspends the account (`suspend`) or lifts its suspension, recorded in account_suspensions
  // with the status before. A suspension revokes every session of the account at `now` and
  // drops its pending second-factor sign-ins; lifting it restores the status it had before.
  // `actor_role`: "moderator" (doctors only), "admin", or "" (the command line). NOT_FOUND: no
  // account; PERMISSION_DENIED: a moderator on a moderator or admin; FAILED_PRECONDITION:
  // already suspended / not suspended. (The actor's own account is the caller's check.)
  virtual absl::StatusOr<SuspensionChange> SetSuspended(const std::string& account_id, bool suspend,
                                                        const OperatorActor& actor, const std::string& actor_role,
                                                        const std::string& reason, absl::Time now) = 0;
};

}  // namespace meltingdoc::identity
