// gRPC handlers of meltingdoc.discussions.v1.DiscussionsService: validate, authorize, call
// the store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/server/executor.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "services/discussions/discussions_store.h"

namespace meltingdoc::discussions {

// Page sizes of every list: 0 means the default; more than the maximum is refused.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 100;

class DiscussionsServiceImpl : public v1::DiscussionsService::CallbackService {
 public:
  DiscussionsServiceImpl(DiscussionsStore* store, const auth::TokenVerifier* verifier,
                         server::BoundedExecutor* executor)
      : store_(store), verifier_(verifier), executor_(executor) {}

  grpc::ServerUnaryReactor* ListSpaces(grpc::CallbackServerContext* context,
                                       const v1::ListSpacesRequest* request,
                                       v1::ListSpacesResponse* response) override;

  absl::Status DoListSpaces(const grpc::ServerContextBase& context,
                            const v1::ListSpacesRequest& request, v1::ListSpacesResponse& response);

 private:
  DiscussionsStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
};

}  // namespace meltingdoc::discussions
