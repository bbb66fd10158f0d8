#include <string>
#include <vector>

#include "services/search/search_service.h"
#include "tests/unit/services/handler_fixture.h"

namespace meltingdoc::search {
namespace {

using auth::Role;
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
  int calls = 0;
  absl::Status error;
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

}  // namespace
}  // namespace meltingdoc::search
