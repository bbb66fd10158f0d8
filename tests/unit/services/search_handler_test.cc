#include <cmath>
#include <string>
#include <vector>

#include "services/search/search_service.h"
#include "tests/unit/services/handler_fixture.h"

namespace meltingdoc::search {
namespace {

using auth::Role;

// The field named by the google.rpc.BadRequest of an INVALID_ARGUMENT, or "".
std::string FieldOf(const absl::Status& s) {
  if (s.code() != absl::StatusCode::kInvalidArgument) return "(" + s.ToString() + ")";
  auto payload = s.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  if (!payload.has_value()) return "";
  google::rpc::BadRequest br;
  if (!br.ParseFromString(std::string(*payload)) || br.field_violations_size() == 0) return "";
  return br.field_violations(0).field();
}
using testing::CallContext;

class FakeSearchStore : public SearchStore {
 public:
  absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() override {
    ++calls;
    if (!error.ok()) return error;
    std::vector<v1::StreamStats> out(2);
    out[0].set_stream("meltingdoc.discussions");
    out[0].set_applied_event_count(12);
    out[1].set_stream("meltingdoc.profiles");
    out[1].set_applied_event_count(3);
    return out;
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> IndexedCounts() override {
    if (!error.ok()) return error;
    return std::make_pair<int64_t, int64_t>(7, 9);
  }
  absl::StatusOr<std::optional<GeoPoint>> ResolvePlace(const std::string& place) override {
    ++calls;
    if (place == "Lyon") return std::optional<GeoPoint>(GeoPoint{45.76, 4.83});
    return std::optional<GeoPoint>();
  }
  absl::StatusOr<DoctorPage> SearchDoctors(DoctorQuery query) override {
    ++calls;
    if (!error.ok()) return error;
    last_doctors = query;
    DoctorPage page;
    page.hits.emplace_back().set_profile_id(NewUuid());
    page.next = Cursor{0.25, NewUuid()};
    return page;
  }
  absl::StatusOr<CasePage> SearchCases(CaseQuery query) override {
    ++calls;
    if (!error.ok()) return error;
    last_cases = query;
    return CasePage{};
  }
  absl::StatusOr<std::vector<v1::Suggestion>> Suggest(
      const std::string& key, int limit, const std::vector<std::string>& kinds) override {
    ++calls;
    last_suggest_key = key;
    last_suggest_limit = limit;
    return std::vector<v1::Suggestion>{};
  }
  int calls = 0;
  absl::Status error;
  DoctorQuery last_doctors;
  CaseQuery last_cases;
  std::string last_suggest_key;
  int last_suggest_limit = 0;
};

class SearchHandlerTest : public testing::HandlerTest {
 protected:
  absl::Status Stats(const std::string& authorization) {
    response_.Clear();
    return service_.DoGetIndexStats(CallContext(authorization).get(), response_);
  }

  const std::string me_ = NewUuid();
  FakeSearchStore store_;
  SearchServiceImpl service_{&store_, &verifier_, &executor_};
  v1::GetIndexStatsResponse response_;
};

TEST_F(SearchHandlerTest, AdminSeesEveryStream) {
  const absl::Status s = Stats("Bearer " + tokens_.WithRole(me_, Role::kAdmin));
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(response_.streams_size(), 2);
  EXPECT_EQ(response_.streams(0).stream(), "meltingdoc.discussions");
  EXPECT_EQ(response_.streams(0).applied_event_count(), 12);
  EXPECT_EQ(response_.streams(1).stream(), "meltingdoc.profiles");
}

TEST_F(SearchHandlerTest, ModeratorsAndDoctorsAreDenied) {
  for (const std::string& token : {tokens_.WithRole(me_, Role::kModerator),
                                   tokens_.VerifiedDoctor(me_), tokens_.Pending(me_)}) {
    const absl::Status s = Stats("Bearer " + token);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
    EXPECT_EQ(response_.streams_size(), 0);
  }
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(SearchHandlerTest, MissingTokenIsUnauthenticated) {
  EXPECT_EQ(Stats("").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Stats("Bearer x").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(SearchHandlerTest, StoreErrorPropagates) {
  store_.error = absl::UnavailableError("database unavailable");
  EXPECT_EQ(Stats("Bearer " + tokens_.WithRole(me_, Role::kAdmin)).code(),
            absl::StatusCode::kUnavailable);
}

class SearchQueryHandlerTest : public SearchHandlerTest {
 protected:
  absl::Status Doctors(const v1::SearchDoctorsRequest& request) {
    doctors_.Clear();
    return service_.DoSearchDoctors(CallContext("Bearer " + tokens_.VerifiedDoctor(me_)).get(),
                                    request, doctors_);
  }
  absl::Status Cases(const v1::SearchCasesRequest& request) {
    return service_.DoSearchCases(CallContext("Bearer " + tokens_.VerifiedDoctor(me_)).get(),
                                  request, cases_);
  }
  v1::SearchDoctorsResponse doctors_;
  v1::SearchCasesResponse cases_;
};

TEST_F(SearchQueryHandlerTest, OnlyVerifiedDoctorsSearch) {
  v1::SearchDoctorsRequest req;
  req.set_query("cardiologue");
  const absl::Status s = service_.DoSearchDoctors(CallContext("Bearer " + tokens_.Pending(me_)).get(),
                                                  req, doctors_);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  v1::SuggestRequest sreq;
  sreq.set_prefix("car");
  v1::SuggestResponse sresp;
  EXPECT_EQ(service_.DoSuggest(CallContext("").get(), sreq, sresp).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(SearchQueryHandlerTest, BadDoctorRequestsNameTheField) {
  const auto field_of = [&](const v1::SearchDoctorsRequest& req) {
    const absl::Status s = Doctors(req);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return FieldOf(s);
  };
  v1::SearchDoctorsRequest req;
  req.set_query(std::string(201, 'a'));
  EXPECT_EQ(field_of(req), "query");
  req.Clear();
  req.set_page_size(51);
  EXPECT_EQ(field_of(req), "page_size");
  req.Clear();
  req.set_page_token("garbage");
  EXPECT_EQ(field_of(req), "page_token");
  req.Clear();
  req.set_sort(v1::DOCTOR_SORT_DISTANCE);
  EXPECT_EQ(field_of(req), "sort");
  req.Clear();
  req.mutable_near()->mutable_point()->set_latitude(91);
  EXPECT_EQ(field_of(req), "near.point");
  req.Clear();
  req.mutable_near()->set_place("Lyon");
  req.mutable_near()->set_radius_km(-1);
  EXPECT_EQ(field_of(req), "near.radius_km");
  req.mutable_near()->set_radius_km(std::nan(""));
  EXPECT_EQ(field_of(req), "near.radius_km");
  req.mutable_near()->set_radius_km(10);
  req.mutable_near()->set_place("Atlantis");
  EXPECT_EQ(field_of(req), "near.place");
  req.Clear();
  for (int i = 0; i < 21; ++i) req.add_competences("x");
  EXPECT_EQ(field_of(req), "competences");
}

TEST_F(SearchQueryHandlerTest, DoctorRequestReachesTheStoreParsedAndPaged) {
  v1::SearchDoctorsRequest req;
  req.set_query("Gynécologues PMA");
  req.mutable_near()->set_place("Lyon");
  req.mutable_near()->set_radius_km(30);
  req.set_sort(v1::DOCTOR_SORT_DISTANCE);
  req.add_languages("EN");
  ASSERT_TRUE(Doctors(req).ok());
  ASSERT_EQ(store_.last_doctors.text.terms.size(), 2u);
  EXPECT_EQ(store_.last_doctors.text.terms[0].word, "gynecologues");
  EXPECT_TRUE(store_.last_doctors.text.terms[1].prefix);
  ASSERT_TRUE(store_.last_doctors.origin.has_value());
  EXPECT_DOUBLE_EQ(store_.last_doctors.origin->latitude, 45.76);
  EXPECT_EQ(store_.last_doctors.order, DoctorOrder::kDistance);
  EXPECT_EQ(store_.last_doctors.limit, kDefaultPageSize);
  EXPECT_EQ(store_.last_doctors.languages, std::vector<std::string>{"en"});
  ASSERT_FALSE(doctors_.next_page_token().empty());

  // The token carries the cursor back to the store; it is refused for another sort order.
  req.set_page_token(doctors_.next_page_token());
  ASSERT_TRUE(Doctors(req).ok());
  ASSERT_TRUE(store_.last_doctors.after.has_value());
  EXPECT_DOUBLE_EQ(store_.last_doctors.after->sort_value, 0.25);
  req.set_sort(v1::DOCTOR_SORT_RELEVANCE);
  EXPECT_EQ(Doctors(req).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchQueryHandlerTest, CasesAreSearchedAsTheCaller) {
  v1::SearchCasesRequest req;
  req.set_query("endométriose");
  req.add_space_ids("not-a-uuid");
  EXPECT_EQ(FieldOf(Cases(req)), "space_ids");
  req.clear_space_ids();
  req.mutable_start_time()->set_seconds(2000);
  req.mutable_end_time()->set_seconds(1000);
  EXPECT_EQ(FieldOf(Cases(req)), "end_time");
  req.clear_end_time();
  req.set_resolved(false);
  ASSERT_TRUE(Cases(req).ok());
  EXPECT_EQ(store_.last_cases.caller_account_id, me_);
  ASSERT_TRUE(store_.last_cases.resolved.has_value());
  EXPECT_FALSE(*store_.last_cases.resolved);
  EXPECT_EQ(store_.last_cases.order, CaseOrder::kRelevance);
  req.clear_query();
  ASSERT_TRUE(Cases(req).ok());
  EXPECT_EQ(store_.last_cases.order, CaseOrder::kNewest);  // no text: newest first
}

TEST_F(SearchQueryHandlerTest, SuggestChecksPrefixAndLimit) {
  v1::SuggestRequest req;
  v1::SuggestResponse resp;
  const auto ctx = [&] { return CallContext("Bearer " + tokens_.VerifiedDoctor(me_)); };
  EXPECT_EQ(FieldOf(service_.DoSuggest(ctx().get(), req, resp)), "prefix");
  req.set_prefix("Gynéco");
  req.set_limit(11);
  EXPECT_EQ(FieldOf(service_.DoSuggest(ctx().get(), req, resp)), "limit");
  req.set_limit(0);
  ASSERT_TRUE(service_.DoSuggest(ctx().get(), req, resp).ok());
  EXPECT_EQ(store_.last_suggest_key, "gyneco");
  EXPECT_EQ(store_.last_suggest_limit, kMaxSuggestions);
}

}  // namespace
}  // namespace meltingdoc::search
