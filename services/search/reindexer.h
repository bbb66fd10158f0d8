// Reindex: the whole index rebuilt from the sources' exports while the live one serves, then
// swapped in (the SQL and the consistency argument are in pg_reindex_store.h).
//
// One ReindexRun per call, advanced one step per streamed message (libs/server/stream_call.h):
// claim the rebuild and create the copies; one ExportProfiles page (500 profiles) per step;
// one ExportCases message per step (resumed from its last resume_token, up to 3 times, when
// the stream breaks); then ANALYZE and the switch. Export calls carry the caller's own
// `authorization` metadata (an admin's token: both exports are admin-only). Any error
// abandons the rebuild; so does a run destroyed before it finished (cancelled call), on the
// executor.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "libs/server/executor.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "meltingdoc/search/v1/search_service.pb.h"
#include "services/search/pg_reindex_store.h"

namespace meltingdoc::search {

struct ReindexOptions {
  std::shared_ptr<grpc::Channel> profiles;
  std::shared_ptr<grpc::Channel> discussions;
  // Deadline of one ExportProfiles page.
  absl::Duration call_timeout = absl::Seconds(60);
  int profiles_page_size = 500;
  int case_events_per_message = 500;
};

class ReindexRun {
 public:
  ReindexRun(PgReindexStore* store, const ReindexOptions& options, std::string authorization,
             server::BoundedExecutor* executor);
  ~ReindexRun();
  ReindexRun(const ReindexRun&) = delete;
  ReindexRun& operator=(const ReindexRun&) = delete;

  // Advances one step and describes where the rebuild is; false once it is complete.
  absl::StatusOr<bool> Next(v1::ReindexResponse& out);

 private:
  enum class Phase { kBegin, kProfiles, kCases, kSwitch, kDone };
  absl::StatusOr<bool> Step(v1::ReindexResponse& out);
  absl::Status ProfilesStep();
  absl::Status CasesStep();
  void Describe(v1::ReindexPhase phase, v1::ReindexResponse& out) const;

  PgReindexStore* const store_;
  const ReindexOptions options_;
  const std::string authorization_;
  server::BoundedExecutor* const executor_;
  std::unique_ptr<profiles::v1::ProfilesService::Stub> profiles_;
  std::unique_ptr<discussions::v1::DiscussionsService::Stub> discussions_;
  const absl::Time start_;

  Phase phase_ = Phase::kBegin;
  std::string owner_;  // set while this run holds the rebuild
  std::string profiles_token_;
  std::string cases_resume_token_;
  int cases_retries_ = 0;
  std::unique_ptr<grpc::ClientContext> cases_context_;
  std::unique_ptr<grpc::ClientReader<discussions::v1::ExportCasesResponse>> cases_reader_;
  ReindexCounts counts_;
};

}  // namespace meltingdoc::search
