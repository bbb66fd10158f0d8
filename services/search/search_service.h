// gRPC handlers of meltingdoc.search.v1.SearchService: validate, authorize, call the store,
// map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/server/executor.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "services/search/reindexer.h"
#include "services/search/search_store.h"

namespace meltingdoc::search {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 50;
inline constexpr int kMaxSuggestions = 10;
inline constexpr size_t kMaxSuggestPrefixCodePoints = 100;
inline constexpr int kMaxFilterValues = 20;
inline constexpr size_t kMaxFilterValueLength = 200;
inline constexpr double kMaxRadiusKm = 1000;

class SearchServiceImpl : public v1::SearchService::CallbackService {
 public:
  SearchServiceImpl(SearchStore* store, const auth::TokenVerifier* verifier,
                    server::BoundedExecutor* executor)
      : store_(store), verifier_(verifier), executor_(executor) {}

  grpc::ServerUnaryReactor* GetIndexStats(grpc::CallbackServerContext* context,
                                          const v1::GetIndexStatsRequest* request,
                                          v1::GetIndexStatsResponse* response) override;
  grpc::ServerUnaryReactor* SearchDoctors(grpc::CallbackServerContext* context,
                                          const v1::SearchDoctorsRequest* request,
                                          v1::SearchDoctorsResponse* response) override;
  grpc::ServerUnaryReactor* SearchCases(grpc::CallbackServerContext* context,
                                        const v1::SearchCasesRequest* request,
                                        v1::SearchCasesResponse* response) override;
  grpc::ServerUnaryReactor* Suggest(grpc::CallbackServerContext* context,
                                    const v1::SuggestRequest* request,
                                    v1::SuggestResponse* response) override;
  grpc::ServerWriteReactor<v1::ReindexResponse>* Reindex(grpc::CallbackServerContext* context,
                                                         const v1::ReindexRequest* request) override;

  // Reindex's sources (without them Reindex answers FAILED_PRECONDITION). `store` must
  // outlive this object.
  void EnableReindex(PgReindexStore* store, ReindexOptions options) {
    reindex_store_ = store;
    reindex_options_ = std::move(options);
  }

  absl::Status DoGetIndexStats(const grpc::ServerContextBase& context,
                               v1::GetIndexStatsResponse& response);
  absl::Status DoSearchDoctors(const grpc::ServerContextBase& context,
                               const v1::SearchDoctorsRequest& request,
                               v1::SearchDoctorsResponse& response);
  absl::Status DoSearchCases(const grpc::ServerContextBase& context,
                             const v1::SearchCasesRequest& request,
                             v1::SearchCasesResponse& response);
  absl::Status DoSuggest(const grpc::ServerContextBase& context, const v1::SuggestRequest& request,
                         v1::SuggestResponse& response);

 private:
  SearchStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
  PgReindexStore* reindex_store_ = nullptr;
  ReindexOptions reindex_options_;
};

}  // namespace meltingdoc::search
