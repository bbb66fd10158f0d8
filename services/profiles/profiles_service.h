// gRPC handlers of meltingdoc.profiles.v1.ProfilesService: validate, authorize, call the
// store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/server/executor.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "services/profiles/profiles_store.h"

namespace meltingdoc::profiles {

class ProfilesServiceImpl : public v1::ProfilesService::CallbackService {
 public:
  ProfilesServiceImpl(ProfilesStore* store, const auth::TokenVerifier* verifier,
                      server::BoundedExecutor* executor)
      : store_(store), verifier_(verifier), executor_(executor) {}

  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* context,
                                       const v1::GetProfileRequest* request,
                                       v1::GetProfileResponse* response) override;

  absl::Status DoGetProfile(const grpc::ServerContextBase& context,
                            const v1::GetProfileRequest& request, v1::GetProfileResponse& response);

 private:
  ProfilesStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
};

}  // namespace meltingdoc::profiles
