#include "services/search/search_service.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/stream_call.h"
#include "libs/server/unary_call.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"
#include "services/search/sql_params.h"

namespace meltingdoc::search {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<int> PageSize(int32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  if (requested < 0 || requested > kMaxPageSize) {
    return server::InvalidField("page_size", absl::StrCat("must be between 1 and ", kMaxPageSize));
  }
  return requested;
}

absl::Status CheckQuery(const std::string& query) {
  if (text::CodePointCount(query) > kMaxQueryCodePoints) {
    return server::InvalidField("query", absl::StrCat("at most ", kMaxQueryCodePoints, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckValues(absl::string_view field,
                         const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.size() > kMaxFilterValues) {
    return server::InvalidField(field, absl::StrCat("at most ", kMaxFilterValues, " values"));
  }
  for (const std::string& v : values) {
    if (v.empty() || text::CodePointCount(v) > kMaxFilterValueLength) {
      return server::InvalidField(
          field, absl::StrCat("each value must have 1 to ", kMaxFilterValueLength, " characters"));
    }
  }
  return absl::OkStatus();
}

// The page token of a ranked list: the sort value and id of the last row, tied to the list
// and its order ("kind") so that a token cannot be replayed against another.
std::string EncodeCursor(absl::string_view kind, const Cursor& c) {
  return EncodePageToken(kind, {DoubleText(c.sort_value), c.id});
}

absl::StatusOr<std::optional<Cursor>> DecodeCursor(absl::string_view kind,
                                                   const std::string& token) {
  if (token.empty()) return std::optional<Cursor>();
  absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, token, 2);
  if (!keys.ok()) return server::InvalidField("page_token", keys.status().message());
  Cursor c;
  if (!absl::SimpleAtod((*keys)[0], &c.sort_value) || !std::isfinite(c.sort_value) ||
      !IsValidUuid((*keys)[1])) {
    return server::InvalidField("page_token", "not a token returned by this search");
  }
  c.id = (*keys)[1];
  return std::optional<Cursor>(c);
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 && t.nanos() < 1000000000;
}

bool ValidLatLng(double lat, double lng) {
  return std::isfinite(lat) && std::isfinite(lng) && lat >= -90 && lat <= 90 && lng >= -180 &&
         lng <= 180;
}

}  // namespace

grpc::ServerUnaryReactor* SearchServiceImpl::GetIndexStats(grpc::CallbackServerContext* context,
                                                           const v1::GetIndexStatsRequest* request,
                                                           v1::GetIndexStatsResponse* response) {
  return server::RunUnary(context, *executor_,
                          [this, context, response] { return DoGetIndexStats(*context, *response); });
}

grpc::ServerUnaryReactor* SearchServiceImpl::SearchDoctors(grpc::CallbackServerContext* context,
                                                           const v1::SearchDoctorsRequest* request,
                                                           v1::SearchDoctorsResponse* response) {
  return server::RunUnaryWithinDeadline(context, *executor_, [this, context, request, response] {
    return DoSearchDoctors(*context, *request, *response);
  });
}

grpc::ServerUnaryReactor* SearchServiceImpl::SearchCases(grpc::CallbackServerContext* context,
                                                         const v1::SearchCasesRequest* request,
                                                         v1::SearchCasesResponse* response) {
  return server::RunUnaryWithinDeadline(context, *executor_, [this, context, request, response] {
    return DoSearchCases(*context, *request, *response);
  });
}

grpc::ServerUnaryReactor* SearchServiceImpl::Suggest(grpc::CallbackServerContext* context,
                                                     const v1::SuggestRequest* request,
                                                     v1::SuggestResponse* response) {
  return server::RunUnaryWithinDeadline(context, *executor_, [this, context, request, response] {
    return DoSuggest(*context, *request, *response);
  });
}

grpc::ServerWriteReactor<v1::ReindexResponse>* SearchServiceImpl::Reindex(
    grpc::CallbackServerContext* context, const v1::ReindexRequest* /*request*/) {
  auto run = std::make_shared<std::unique_ptr<ReindexRun>>();
  return server::RunServerStream<v1::ReindexResponse>(
      context, *executor_, [this, context, run](v1::ReindexResponse& out) -> absl::StatusOr<bool> {
        if (*run == nullptr) {
          ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(*context, *verifier_));
          RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
          if (reindex_store_ == nullptr) {
            return absl::FailedPreconditionError(
                "Reindex needs --profiles_addr and --discussions_addr");
          }
          // The exports are admin-only too: the caller's own token is forwarded.
          *run = std::make_unique<ReindexRun>(reindex_store_, reindex_options_,
                                              runtime::AuthorizationOf(*context), executor_);
        }
        return (*run)->Next(out);
      });
}

absl::Status SearchServiceImpl::DoGetIndexStats(const grpc::ServerContextBase& context,
                                                v1::GetIndexStatsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
  ASSIGN_OR_RETURN(std::vector<v1::StreamStats> stats, store_->StreamStats());
  for (v1::StreamStats& s : stats) *response.add_streams() = std::move(s);
  ASSIGN_OR_RETURN(const auto counts, store_->IndexedCounts());
  response.set_doctor_count(counts.first);
  response.set_case_count(counts.second);
  return absl::OkStatus();
}

absl::Status SearchServiceImpl::DoSearchDoctors(const grpc::ServerContextBase& context,
                                                const v1::SearchDoctorsRequest& request,
                                                v1::SearchDoctorsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireVerified(caller));

  DoctorQuery q;
  RETURN_IF_ERROR(CheckQuery(request.query()));
  q.text = ParseQuery(request.query());
  ASSIGN_OR_RETURN(q.limit, PageSize(request.page_size()));
  RETURN_IF_ERROR(CheckValues("specialty_codes", request.specialty_codes()));
  RETURN_IF_ERROR(CheckValues("competences", request.competences()));
  RETURN_IF_ERROR(CheckValues("languages", request.languages()));
  q.specialty_codes.assign(request.specialty_codes().begin(), request.specialty_codes().end());
  q.competence_keys.assign(request.competences().begin(), request.competences().end());
  for (const std::string& l : request.languages()) q.languages.push_back(text::FoldedKey(l));
  q.accepting_referrals = request.accepting_referrals();

  if (request.has_near()) {
    const v1::GeoFilter& near = request.near();
    if (!std::isfinite(near.radius_km()) || near.radius_km() < 0 ||
        near.radius_km() > kMaxRadiusKm) {
      return server::InvalidField("near.radius_km",
                                  absl::StrCat("must be between 0 and ", kMaxRadiusKm));
    }
    q.radius_km = near.radius_km();
    switch (near.origin_case()) {
      case v1::GeoFilter::kPoint:
        if (!ValidLatLng(near.point().latitude(), near.point().longitude())) {
          return server::InvalidField("near.point",
                                      "latitude must be in [-90, 90], longitude in [-180, 180]");
        }
        q.origin = GeoPoint{near.point().latitude(), near.point().longitude()};
        break;
      case v1::GeoFilter::kPlace: {
        if (text::FoldedKey(near.place()).empty() || text::CodePointCount(near.place()) > 100) {
          return server::InvalidField("near.place", "a commune name or a postcode, at most 100 characters");
        }
        ASSIGN_OR_RETURN(std::optional<GeoPoint> origin, store_->ResolvePlace(near.place()));
        if (!origin.has_value()) {
          return server::InvalidField("near.place", "no known commune or postcode by this name");
        }
        q.origin = origin;
        break;
      }
      default:
        return server::InvalidField("near", "set near.point or near.place");
    }
  }
  if (request.sort() == v1::DOCTOR_SORT_DISTANCE && !q.origin.has_value()) {
    return server::InvalidField("sort", "sorting by distance needs `near`");
  }
  q.order = request.sort() == v1::DOCTOR_SORT_DISTANCE ? DoctorOrder::kDistance
                                                       : DoctorOrder::kRelevance;
  const std::string kind =
      q.order == DoctorOrder::kDistance ? "search.doctors.distance" : "search.doctors.relevance";
  ASSIGN_OR_RETURN(q.after, DecodeCursor(kind, request.page_token()));
  q.include_facets = request.include_facets();

  ASSIGN_OR_RETURN(DoctorPage page, store_->SearchDoctors(std::move(q)));
  for (v1::DoctorHit& h : page.hits) *response.add_doctors() = std::move(h);
  if (page.next.has_value()) response.set_next_page_token(EncodeCursor(kind, *page.next));
  for (v1::FacetCount& f : page.specialty_facets) *response.add_specialty_facets() = std::move(f);
  for (v1::FacetCount& f : page.competence_facets) *response.add_competence_facets() = std::move(f);
  for (v1::FacetCount& f : page.commune_facets) *response.add_commune_facets() = std::move(f);
  response.set_total_size(page.total);
  return absl::OkStatus();
}

absl::Status SearchServiceImpl::DoSearchCases(const grpc::ServerContextBase& context,
                                              const v1::SearchCasesRequest& request,
                                              v1::SearchCasesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireVerified(caller));

  CaseQuery q;
  q.caller_account_id = caller.account_id;
  RETURN_IF_ERROR(CheckQuery(request.query()));
  q.text = ParseQuery(request.query());
  ASSIGN_OR_RETURN(q.limit, PageSize(request.page_size()));
  RETURN_IF_ERROR(CheckValues("space_ids", request.space_ids()));
  for (const std::string& s : request.space_ids()) {
    if (!IsValidUuid(s)) return server::InvalidField("space_ids", "each value must be a UUID");
    q.space_ids.push_back(s);
  }
  RETURN_IF_ERROR(CheckValues("tags", request.tags()));
  q.tags.assign(request.tags().begin(), request.tags().end());
  if (request.has_resolved()) q.resolved = request.resolved();
  const auto time_of = [](const google::protobuf::Timestamp& t) {
    return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(t));
  };
  if (request.has_start_time()) {
    if (!ValidTimestamp(request.start_time())) {
      return server::InvalidField("start_time", "not a valid timestamp");
    }
    q.start_time = time_of(request.start_time());
  }
  if (request.has_end_time()) {
    if (!ValidTimestamp(request.end_time())) {
      return server::InvalidField("end_time", "not a valid timestamp");
    }
    q.end_time = time_of(request.end_time());
  }
  if (q.start_time.has_value() && q.end_time.has_value() && *q.end_time <= *q.start_time) {
    return server::InvalidField("end_time", "must be after start_time");
  }
  // Relevance needs text; without it the newest cases come first.
  q.order = request.sort() == v1::CASE_SORT_NEWEST || q.text.empty() ? CaseOrder::kNewest
                                                                     : CaseOrder::kRelevance;
  const std::string kind =
      q.order == CaseOrder::kNewest ? "search.cases.newest" : "search.cases.relevance";
  ASSIGN_OR_RETURN(q.after, DecodeCursor(kind, request.page_token()));

  ASSIGN_OR_RETURN(CasePage page, store_->SearchCases(std::move(q)));
  for (v1::CaseHit& h : page.hits) *response.add_cases() = std::move(h);
  if (page.next.has_value()) response.set_next_page_token(EncodeCursor(kind, *page.next));
  return absl::OkStatus();
}

absl::Status SearchServiceImpl::DoSuggest(const grpc::ServerContextBase& context,
                                          const v1::SuggestRequest& request,
                                          v1::SuggestResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  if (request.prefix().empty() || text::CodePointCount(request.prefix()) > kMaxSuggestPrefixCodePoints) {
    return server::InvalidField(
        "prefix", absl::StrCat("must have 1 to ", kMaxSuggestPrefixCodePoints, " characters"));
  }
  if (request.limit() < 0 || request.limit() > kMaxSuggestions) {
    return server::InvalidField("limit", absl::StrCat("must be between 1 and ", kMaxSuggestions));
  }
  const int limit = request.limit() == 0 ? kMaxSuggestions : request.limit();
  std::vector<std::string> kinds;
  for (int k : request.kinds()) {
    switch (k) {
      case v1::SUGGESTION_KIND_SPECIALTY: kinds.push_back("specialty"); break;
      case v1::SUGGESTION_KIND_COMPETENCE: kinds.push_back("competence"); break;
      case v1::SUGGESTION_KIND_DOCTOR: kinds.push_back("doctor"); break;
      case v1::SUGGESTION_KIND_COMMUNE: kinds.push_back("commune"); break;
      default: return server::InvalidField("kinds", "unknown suggestion kind");
    }
  }
  const std::string key = text::FoldedKey(request.prefix());
  if (key.empty()) return absl::OkStatus();  // only punctuation: nothing to suggest
  ASSIGN_OR_RETURN(std::vector<v1::Suggestion> suggestions, store_->Suggest(key, limit, kinds));
  for (v1::Suggestion& s : suggestions) *response.add_suggestions() = std::move(s);
  return absl::OkStatus();
}

}  // namespace meltingdoc::search
