// Who is calling, as proved by a verified access token, and the authorization checks that
// every service applies to it. Pure data and logic: no I/O, no crypto.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace meltingdoc::auth {

// Staff roles. kDoctor is an ordinary account with no staff power; whether a doctor may read
// the network is decided by VerificationStatus, not by role.
enum class Role { kDoctor, kModerator, kAdmin };

enum class VerificationStatus {
  kPendingEmail,         // professional email not confirmed yet
  kPendingVerification,  // waiting for the RPPS match or a moderator's decision
  kVerified,
  kRejected,
  kSuspended,
};

struct Principal {
  std::string account_id;  // UUID
  std::string session_id;  // UUID; revoking the session revokes its tokens
  // Defaults are the least privileged values, so a half-filled Principal grants nothing.
  Role role = Role::kDoctor;
  VerificationStatus status = VerificationStatus::kPendingEmail;
  absl::Time expires = absl::InfinitePast();

  bool IsVerified() const { return status == VerificationStatus::kVerified; }
  // Exact role, except that admin implies moderator.
  bool HasRole(Role r) const;
};

// PERMISSION_DENIED "this action needs a verified doctor account" unless verified.
absl::Status RequireVerified(const Principal& p);
// PERMISSION_DENIED naming the missing role unless p.HasRole(role).
absl::Status RequireRole(const Principal& p, Role role);

// Token claim spellings: "doctor", "moderator", "admin".
absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);
// Token claim spellings: "pending_email", "pending_verification", "verified", "rejected",
// "suspended".
absl::string_view VerificationStatusName(VerificationStatus status);
std::optional<VerificationStatus> ParseVerificationStatus(absl::string_view name);

}  // namespace meltingdoc::auth
