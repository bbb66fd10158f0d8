// gRPC handlers of meltingdoc.identity.v1.IdentityService: validate, authorize, call the
// store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/server/executor.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "services/identity/identity_store.h"

namespace meltingdoc::identity {

class IdentityServiceImpl : public v1::IdentityService::CallbackService {
 public:
  IdentityServiceImpl(IdentityStore* store, const auth::TokenVerifier* verifier,
                      server::BoundedExecutor* executor)
      : store_(store), verifier_(verifier), executor_(executor) {}

  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;

  // The body of GetAccount, callable without gRPC's reactor (unit tests).
  absl::Status DoGetAccount(const grpc::ServerContextBase& context,
                            const v1::GetAccountRequest& request, v1::GetAccountResponse& response);

 private:
  IdentityStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
};

}  // namespace meltingdoc::identity
