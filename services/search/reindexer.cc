#include "services/search/reindexer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"

namespace meltingdoc::search {
namespace {

constexpr int kCasesStreamRetries = 3;

absl::Status FromGrpc(const grpc::Status& s, absl::string_view call) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(call, ": ", s.error_message()));
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::ABORTED;
}

}  // namespace

ReindexRun::ReindexRun(PgReindexStore* store, const ReindexOptions& options,
                       std::string authorization, server::BoundedExecutor* executor)
    : store_(store),
      options_(options),
      authorization_(std::move(authorization)),
      executor_(executor),
      profiles_(profiles::v1::ProfilesService::NewStub(options.profiles)),
      discussions_(discussions::v1::DiscussionsService::NewStub(options.discussions)),
      start_(absl::Now()) {}

ReindexRun::~ReindexRun() {
  if (cases_context_ != nullptr) cases_context_->TryCancel();
  if (owner_.empty()) return;
  // A cancelled call: drop the copies on the executor (blocking work must not run on the
  // gRPC thread that destroys this). If the queue is full, the lease expires instead.
  auto context = std::make_shared<std::unique_ptr<grpc::ClientContext>>(std::move(cases_context_));
  auto reader = std::make_shared<std::unique_ptr<grpc::ClientReader<discussions::v1::ExportCasesResponse>>>(
      std::move(cases_reader_));
  PgReindexStore* store = store_;
  const std::string owner = owner_;
  const bool queued = executor_->TrySubmit([store, owner, context, reader] {
    if (*reader != nullptr) (void)(*reader)->Finish();
    const absl::Status s = store->Abandon(owner, "CANCELLED");
    LogJson({{"component", "search_reindex"}, {"msg", "rebuild abandoned"}, {"reason", "CANCELLED"},
             {"code", absl::StatusCodeToString(s.code())}});
  });
  if (!queued) {
    LogJson({{"component", "search_reindex"},
             {"msg", "rebuild left to expire (executor queue full)"}});
  }
}

absl::StatusOr<bool> ReindexRun::Next(v1::ReindexResponse& out) {
  if (phase_ == Phase::kDone) return false;
  absl::StatusOr<bool> more = Step(out);
  if (!more.ok() && cases_reader_ != nullptr) {  // e.g. a page failed to apply mid-stream
    cases_context_->TryCancel();
    (void)cases_reader_->Finish();
    cases_reader_.reset();
    cases_context_.reset();
  }
  if (!more.ok() && !owner_.empty()) {
    const std::string reason = absl::StatusCodeToString(more.status().code());
    const absl::Status s = store_->Abandon(owner_, reason);
    LogJson({{"component", "search_reindex"}, {"msg", "rebuild abandoned"}, {"reason", reason},
             {"code", absl::StatusCodeToString(s.code())}});
    owner_.clear();
    phase_ = Phase::kDone;
  }
  return more;
}

void ReindexRun::Describe(v1::ReindexPhase phase, v1::ReindexResponse& out) const {
  out.set_phase(phase);
  out.set_profiles_indexed(counts_.profiles);
  out.set_case_events_indexed(counts_.case_events);
  out.set_elapsed_seconds(absl::ToDoubleSeconds(absl::Now() - start_));
}

absl::StatusOr<bool> ReindexRun::Step(v1::ReindexResponse& out) {
  switch (phase_) {
    case Phase::kBegin: {
      ASSIGN_OR_RETURN(owner_, store_->Begin());
      LogJson({{"component", "search_reindex"}, {"msg", "rebuild started"}});
      phase_ = Phase::kProfiles;
      Describe(v1::REINDEX_PHASE_STARTED, out);
      return true;
    }
    case Phase::kProfiles:
      RETURN_IF_ERROR(ProfilesStep());
      Describe(v1::REINDEX_PHASE_PROFILES, out);
      return true;
    case Phase::kCases:
      RETURN_IF_ERROR(CasesStep());
      Describe(v1::REINDEX_PHASE_CASES, out);
      return true;
    case Phase::kSwitch: {
      ASSIGN_OR_RETURN(const auto searchable, store_->Switch(owner_));
      owner_.clear();
      phase_ = Phase::kDone;
      Describe(v1::REINDEX_PHASE_DONE, out);
      out.set_doctor_count(searchable.first);
      out.set_case_count(searchable.second);
      LogJson({{"component", "search_reindex"}, {"msg", "rebuild switched"},
               {"profiles", absl::StrCat(counts_.profiles)},
               {"case_events", absl::StrCat(counts_.case_events)},
               {"seconds", absl::StrCat(out.elapsed_seconds())}});
      return true;
    }
    case Phase::kDone:
      return false;
  }
  return false;
}

absl::Status ReindexRun::ProfilesStep() {
  profiles::v1::ExportProfilesRequest request;
  request.set_page_size(options_.profiles_page_size);
  request.set_page_token(profiles_token_);
  profiles::v1::ExportProfilesResponse response;
  grpc::Status status;
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
    context.AddMetadata("authorization", authorization_);
    status = profiles_->ExportProfiles(&context, request, &response);
    if (status.ok() || !Retryable(status.error_code()) || attempt >= kCasesStreamRetries) break;
    absl::SleepFor(absl::Milliseconds(200 * (attempt + 1)));
  }
  RETURN_IF_ERROR(FromGrpc(status, "profiles ExportProfiles"));
  std::vector<events::v1::Event> events;
  events.reserve(response.profiles_size());
  for (events::v1::ProfileChanged& p : *response.mutable_profiles()) {
    events::v1::Event e;
    e.set_event_id(NewUuid());
    e.set_aggregate_type("profile");
    e.set_aggregate_id(p.profile_id());
    e.set_aggregate_version(p.version());
    *e.mutable_profile_changed() = std::move(p);
    events.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(counts_, store_->Apply(owner_, events, static_cast<int64_t>(events.size()), 0));
  profiles_token_ = response.next_page_token();
  if (profiles_token_.empty()) phase_ = Phase::kCases;
  return absl::OkStatus();
}

absl::Status ReindexRun::CasesStep() {
  if (cases_reader_ == nullptr) {
    cases_context_ = std::make_unique<grpc::ClientContext>();
    cases_context_->AddMetadata("authorization", authorization_);
    discussions::v1::ExportCasesRequest request;
    request.set_resume_token(cases_resume_token_);
    request.set_max_events(options_.case_events_per_message);
    cases_reader_ = discussions_->ExportCases(cases_context_.get(), request);
  }
  discussions::v1::ExportCasesResponse message;
  // No deadline on the stream: it lasts as long as the export (one snapshot per message).
  if (cases_reader_->Read(&message)) {
    std::vector<events::v1::Event> events(message.events().begin(), message.events().end());
    ASSIGN_OR_RETURN(counts_, store_->Apply(owner_, events, 0, static_cast<int64_t>(events.size())));
    cases_resume_token_ = message.resume_token();
    cases_retries_ = 0;
    return absl::OkStatus();
  }
  const grpc::Status status = cases_reader_->Finish();
  cases_reader_.reset();
  cases_context_.reset();
  if (status.ok()) {
    phase_ = Phase::kSwitch;
    return absl::OkStatus();
  }
  if (Retryable(status.error_code()) && cases_retries_ < kCasesStreamRetries) {
    ++cases_retries_;  // reopened from the last message's resume token at the next step
    absl::SleepFor(absl::Milliseconds(200 * cases_retries_));
    return absl::OkStatus();
  }
  return FromGrpc(status, "discussions ExportCases");
}

}  // namespace meltingdoc::search
