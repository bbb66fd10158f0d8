#include "services/identity/identity_service.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "services/identity/identity_flags.h"

namespace meltingdoc::identity {

IdentityServiceImpl::IdentityServiceImpl(IdentityStore* store, const auth::TokenVerifier* verifier,
                                         server::BoundedExecutor* executor, AccountsDeps deps)
    : store_(store),
      verifier_(verifier),
      executor_(executor),
      deps_(std::move(deps)),
      register_dir_(absl::GetFlag(FLAGS_register_dir)),
      max_rejected_percent_(absl::GetFlag(FLAGS_register_max_rejected_percent)) {}

grpc::ServerUnaryReactor* IdentityServiceImpl::GetAccount(grpc::CallbackServerContext* context,
                                                          const v1::GetAccountRequest* request,
                                                          v1::GetAccountResponse* response) {
  return server::RunUnary(context, *executor_, [this, context, request, response] {
    return DoGetAccount(*context, *request, *response);
  });
}

absl::Status IdentityServiceImpl::DoGetAccount(const grpc::ServerContextBase& context,
                                               const v1::GetAccountRequest& request,
                                               v1::GetAccountResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  if (!IsValidUuid(request.account_id())) {
    return server::InvalidField("account_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  // Pending accounts see their own account only; moderators review everyone's. UUIDs are
  // accepted in either case, so "own" must not depend on the case the client used.
  const bool own = absl::EqualsIgnoreCase(caller.account_id, request.account_id());
  if (!own && !caller.HasRole(auth::Role::kModerator)) {
    return absl::PermissionDeniedError("you may read only your own account");
  }
  ASSIGN_OR_RETURN(*response.mutable_account(), store_->GetAccount(request.account_id()));
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
