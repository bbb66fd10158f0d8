#include "services/profiles/profiles_service.h"

#include "absl/strings/match.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"

namespace meltingdoc::profiles {

grpc::ServerUnaryReactor* ProfilesServiceImpl::GetProfile(grpc::CallbackServerContext* context,
                                                          const v1::GetProfileRequest* request,
                                                          v1::GetProfileResponse* response) {
  return server::RunUnary(context, *executor_, [this, context, request, response] {
    return DoGetProfile(*context, *request, *response);
  });
}

absl::Status ProfilesServiceImpl::DoGetProfile(const grpc::ServerContextBase& context,
                                               const v1::GetProfileRequest& request,
                                               v1::GetProfileResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  if (!IsValidUuid(request.profile_id())) {
    return server::InvalidField("profile_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  // The network is for verified doctors; anyone else sees only their own profile (in either
  // case of the UUID, which IsValidUuid accepts).
  const bool own = absl::EqualsIgnoreCase(caller.account_id, request.profile_id());
  if (!own) RETURN_IF_ERROR(auth::RequireVerified(caller));
  ASSIGN_OR_RETURN(*response.mutable_profile(), store_->GetProfile(request.profile_id()));
  return absl::OkStatus();
}

}  // namespace meltingdoc::profiles
