// gRPC handlers of meltingdoc.search.v1.SearchService: validate, authorize, call the store,
// map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/server/executor.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "services/search/search_store.h"

namespace meltingdoc::search {

class SearchServiceImpl : public v1::SearchService::CallbackService {
 public:
  SearchServiceImpl(SearchStore* store, const auth::TokenVerifier* verifier,
                    server::BoundedExecutor* executor)
      : store_(store), verifier_(verifier), executor_(executor) {}

  grpc::ServerUnaryReactor* GetIndexStats(grpc::CallbackServerContext* context,
                                          const v1::GetIndexStatsRequest* request,
                                          v1::GetIndexStatsResponse* response) override;

  absl::Status DoGetIndexStats(const grpc::ServerContextBase& context,
                               v1::GetIndexStatsResponse& response);

 private:
  SearchStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
};

}  // namespace meltingdoc::search
