#include "libs/auth/principal.h"

#include "absl/strings/str_cat.h"

namespace meltingdoc::auth {

bool Principal::HasRole(Role r) const {
  if (role == r) return true;
  // Admins do everything moderators do; no other implication (a moderator is not an admin).
  return role == Role::kAdmin && r == Role::kModerator;
}

absl::Status RequireVerified(const Principal& p) {
  if (p.IsVerified()) return absl::OkStatus();
  return absl::PermissionDeniedError("this action needs a verified doctor account");
}

absl::Status RequireRole(const Principal& p, Role role) {
  if (p.HasRole(role)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("this action needs the ", RoleName(role), " role"));
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kDoctor:
      return "doctor";
    case Role::kModerator:
      return "moderator";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role r : {Role::kDoctor, Role::kModerator, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

absl::string_view VerificationStatusName(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::kPendingEmail:
      return "pending_email";
    case VerificationStatus::kPendingVerification:
      return "pending_verification";
    case VerificationStatus::kVerified:
      return "verified";
    case VerificationStatus::kRejected:
      return "rejected";
    case VerificationStatus::kSuspended:
      return "suspended";
  }
  return "unknown";
}

std::optional<VerificationStatus> ParseVerificationStatus(absl::string_view name) {
  for (VerificationStatus s :
       {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
        VerificationStatus::kVerified, VerificationStatus::kRejected,
        VerificationStatus::kSuspended}) {
    if (VerificationStatusName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace meltingdoc::auth
