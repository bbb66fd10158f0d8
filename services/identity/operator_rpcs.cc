// What an operator needs besides the register import (issue #3): SetAccountRole (grant or take
// away the moderator and admin roles) and ReopenVerification (put a rejected request back in the
// moderation queue), admins only; SuspendAccount and UnsuspendAccount, moderators (doctors'
// accounts) and admins. Each change is recorded with who, when and why. The same
// changes from the command line: operator_command.h (the first admin has nobody to ask).
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/server/field_errors.h"
#include "services/identity/account_input.h"
#include "services/identity/identity_service.h"

namespace meltingdoc::identity {

// Their reactors are wired with the verification RPCs' (verification_rpcs.cc).

namespace {

std::optional<std::string> RoleNameOf(v1::Role role) {
  switch (role) {
    case v1::ROLE_DOCTOR:
      return "doctor";
    case v1::ROLE_MODERATOR:
      return "moderator";
    case v1::ROLE_ADMIN:
      return "admin";
    default:
      return std::nullopt;
  }
}

void CheckReason(const std::string& reason, std::vector<server::FieldViolation>& violations) {
  if (!CheckText("reason", reason, static_cast<int>(kMinDecisionReasonChars),
                 static_cast<int>(kMaxDecisionReasonChars))
           .ok()) {
    violations.push_back({"reason", "required: 3 to 1000 characters saying why, no control characters"});
  }
}

}  // namespace

absl::Status IdentityServiceImpl::DoSetAccountRole(const grpc::ServerContextBase& context,
                                                   const v1::SetAccountRoleRequest& request,
                                                   v1::SetAccountRoleResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  std::vector<server::FieldViolation> violations;
  if (!IsValidUuid(request.account_id())) {
    violations.push_back({"account_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
  }
  const std::optional<std::string> role = RoleNameOf(request.role());
  if (!role.has_value()) violations.push_back({"role", "must be ROLE_DOCTOR, ROLE_MODERATOR or ROLE_ADMIN"});
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  CheckReason(reason, violations);
  if (!violations.empty()) return server::InvalidArgument(violations);
  // Another admin must do it: no admin locks the suite out by demoting themselves, and no one
  // raises their own role (a moderator cannot call this at all).
  if (absl::EqualsIgnoreCase(caller.account_id, request.account_id())) {
    return absl::PermissionDeniedError("an admin may not change their own role: ask another admin");
  }
  ASSIGN_OR_RETURN(RoleChange change, store_->SetAccountRole(absl::AsciiStrToLower(request.account_id()), *role,
                                                             OperatorActor{caller.account_id, ""}, reason,
                                                             deps_.clock->Now()));
  MirrorRevocations(change.revoked);
  *response.mutable_account() = std::move(change.account);
  response.set_sessions_revoked(static_cast<int32_t>(change.revoked.size()));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoReopenVerification(const grpc::ServerContextBase& context,
                                                       const v1::ReopenVerificationRequest& request,
                                                       v1::ReopenVerificationResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  std::vector<server::FieldViolation> violations;
  if (!IsValidUuid(request.verification_id())) {
    violations.push_back({"verification_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
  }
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  CheckReason(reason, violations);
  if (!violations.empty()) return server::InvalidArgument(violations);
  ASSIGN_OR_RETURN(*response.mutable_verification(),
                   store_->ReopenVerification(absl::AsciiStrToLower(request.verification_id()),
                                              OperatorActor{caller.account_id, ""}, reason));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoSuspendAccount(const grpc::ServerContextBase& context,
                                                   const v1::SuspendAccountRequest& request,
                                                   v1::SuspendAccountResponse& response) {
  ASSIGN_OR_RETURN(SuspensionChange change,
                   ChangeSuspension(context, request.account_id(), request.reason(), /*suspend=*/true));
  *response.mutable_account() = std::move(change.account);
  response.set_sessions_revoked(static_cast<int32_t>(change.revoked.size()));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoUnsuspendAccount(const grpc::ServerContextBase& context,
                                                     const v1::UnsuspendAccountRequest& request,
                                                     v1::UnsuspendAccountResponse& response) {
  ASSIGN_OR_RETURN(SuspensionChange change,
                   ChangeSuspension(context, request.account_id(), request.reason(), /*suspend=*/false));
  *response.mutable_account() = std::move(change.account);
  return absl::OkStatus();
}

absl::StatusOr<SuspensionChange> IdentityServiceImpl::ChangeSuspension(const grpc::ServerContextBase& context,
                                                                       const std::string& account_id,
                                                                       const std::string& raw_reason, bool suspend) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  std::vector<server::FieldViolation> violations;
  if (!IsValidUuid(account_id)) {
    violations.push_back({"account_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
  }
  const std::string reason(absl::StripAsciiWhitespace(raw_reason));
  CheckReason(reason, violations);
  if (!violations.empty()) return server::InvalidArgument(violations);
  if (absl::EqualsIgnoreCase(caller.account_id, account_id)) {
    return absl::PermissionDeniedError(suspend ? "you may not suspend your own account"
                                               : "you may not lift your own suspension");
  }
  const std::string actor_role = caller.HasRole(auth::Role::kAdmin) ? "admin" : "moderator";
  ASSIGN_OR_RETURN(SuspensionChange change,
                   store_->SetSuspended(absl::AsciiStrToLower(account_id), suspend,
                                        OperatorActor{caller.account_id, ""}, actor_role, reason, deps_.clock->Now()));
  MirrorRevocations(change.revoked);
  return change;
}

}  // namespace meltingdoc::identity
