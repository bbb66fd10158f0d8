#include "services/search/search_service.h"

#include "libs/common/status_macros.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/unary_call.h"

namespace meltingdoc::search {

grpc::ServerUnaryReactor* SearchServiceImpl::GetIndexStats(grpc::CallbackServerContext* context,
                                                           const v1::GetIndexStatsRequest* request,
                                                           v1::GetIndexStatsResponse* response) {
  return server::RunUnary(context, *executor_,
                          [this, context, response] { return DoGetIndexStats(*context, *response); });
}

absl::Status SearchServiceImpl::DoGetIndexStats(const grpc::ServerContextBase& context,
                                                v1::GetIndexStatsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  ASSIGN_OR_RETURN(std::vector<v1::StreamStats> stats, store_->StreamStats());
  for (v1::StreamStats& s : stats) *response.add_streams() = std::move(s);
  return absl::OkStatus();
}

}  // namespace meltingdoc::search
