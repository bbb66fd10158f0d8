// The real search binary: events published to its streams become searchable over gRPC, the
// lag metrics are exported, and a SIGKILL in the middle of indexing loses nothing: after a
// restart the index equals the source.
#include <signal.h>

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "meltingdoc/search/v1/search_service.grpc.pb.h"
#include "tests/integration/search/search_events.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::search {
namespace {

using ::meltingdoc::testing::CallAs;
using ::meltingdoc::testing::HttpGet;
using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::ServiceProcess;
using ::meltingdoc::testing::SharedPostgresPort;
using ::meltingdoc::testing::SharedRedisPort;
using ::testing::HasSubstr;
using namespace ::meltingdoc::search::testing;  // NOLINT: event builders

// The value of an unlabelled metric in a Prometheus text page, or NaN.
double Metric(const std::string& page, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (absl::StartsWith(line, name + " ")) {
      double v = 0;
      if (absl::SimpleAtod(line.substr(name.size() + 1), &v)) return v;
    }
  }
  return std::nan("");
}

class SearchProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    redis::RedisOptions ro;
    ro.port = SharedRedisPort();
    redis_ = std::make_unique<redis::RedisClient>(ro);
    const std::string tag = NewUuid();
    profiles_stream_ = "test.search.profiles." + tag;
    discussions_stream_ = "test.search.discussions." + tag;
  }
  void TearDown() override {
    if (redis_) {
      (void)redis_->Command({"DEL", profiles_stream_});
      (void)redis_->Command({"DEL", discussions_stream_});
    }
  }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartSearch() {
    auto sp = ServiceProcess::Start(
        {.service = "search",
         .pg_url = db_->Url("search"),
         .redis_port = SharedRedisPort(),
         .public_keys_file = tokens_.public_keys_file(),
         .extra_env = {{"MELTINGDOC_SEARCH_EVENT_STREAMS",
                        absl::StrCat(profiles_stream_, ",", discussions_stream_)},
                       // The same name across the restart: it finds its own pending entries.
                       {"MELTINGDOC_SEARCH_CONSUMER_NAME", "search-under-test"}}});
    if (!sp.ok()) return sp.status();
    if (absl::Status s = (*sp)->WaitForHealth(true); !s.ok()) return s;
    return sp;
  }

  int64_t SuperuserCount(const std::string& sql) {
    absl::StatusOr<std::string> out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    int64_t n = -1;
    if (out.ok()) {
      for (absl::string_view line : absl::StrSplit(*out, '\n')) {
        if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n)) break;
      }
    }
    return n;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::string profiles_stream_, discussions_stream_;
  meltingdoc::testing::TestTokens tokens_;
};

TEST_F(SearchProcessTest, EventsBecomeSearchableAndAKillLosesNothing) {
  auto search = StartSearch();
  ASSERT_TRUE(search.ok()) << search.status();

  // Searchable over gRPC shortly after publication.
  DoctorSpec first;
  first.family = "Lefebvre";
  first.headline = "Neurologue";
  first.competences = {{"neuro-sep", "Sclérose en plaques", {"SEP"}, 4}};
  ASSERT_TRUE(Publish(*redis_, profiles_stream_, ProfileChanged(first, 1)).ok());
  auto stub = v1::SearchService::NewStub((*search)->channel());
  const std::string token = tokens_.VerifiedDoctor(NewUuid());
  v1::SearchDoctorsRequest req;
  req.set_query("SEP ");
  v1::SearchDoctorsResponse resp;
  const absl::Time published = absl::Now();
  while (absl::Now() - published < absl::Seconds(10)) {
    grpc::Status s = stub->SearchDoctors(CallAs(token).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (resp.doctors_size() > 0) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(resp.doctors_size(), 1);
  EXPECT_EQ(resp.doctors(0).profile_id(), first.id);

  // 300 doctors, three versions each, interleaved; the process is killed mid-way.
  std::vector<DoctorSpec> doctors(300);
  const char* const kHeadlines[] = {"", "Néphrologue", "Dermatologue", "Ophtalmologue"};
  for (int version = 1; version <= 3; ++version) {
    for (DoctorSpec& d : doctors) {
      d.headline = kHeadlines[version];
      ASSERT_TRUE(Publish(*redis_, profiles_stream_, ProfileChanged(d, version)).ok());
    }
  }
  const int64_t total = 1 + 900;
  while (SuperuserCount("SELECT count(*) FROM search.processed_events") < 150) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE((*search)->process().Signal(SIGKILL));
  ASSERT_TRUE((*search)->process().Wait(absl::Seconds(10)).ok());
  const int64_t at_kill = SuperuserCount("SELECT count(*) FROM search.processed_events");
  EXPECT_LT(at_kill, total) << "the kill came too late to test anything";

  search = StartSearch();
  ASSERT_TRUE(search.ok()) << search.status();
  const absl::Time restarted = absl::Now();
  std::fprintf(stderr, "killed after %lld of %lld events\n", static_cast<long long>(at_kill),
               static_cast<long long>(total));
  while (SuperuserCount("SELECT count(*) FROM search.processed_events") < total &&
         absl::Now() - restarted < absl::Seconds(60)) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::fprintf(stderr, "caught up %.1f s after the restart\n",
               absl::ToDoubleSeconds(absl::Now() - restarted));
  // The index equals the source: every event once, every doctor at its last version.
  EXPECT_EQ(SuperuserCount("SELECT count(*) FROM search.processed_events"), total);
  EXPECT_EQ(SuperuserCount("SELECT count(*) FROM search.doctors WHERE version = 3 AND "
                           "headline = 'Ophtalmologue' AND NOT deleted"),
            300);
  EXPECT_EQ(SuperuserCount("SELECT count(*) FROM search.doctors"), 301);
  stub = v1::SearchService::NewStub((*search)->channel());
  req.set_query("ophtalmologue ");
  req.set_include_facets(true);
  // The in-memory index follows the tables every 100 ms: searchable within a second.
  const absl::Time indexed = absl::Now();
  for (;;) {
    ASSERT_TRUE(stub->SearchDoctors(CallAs(token).get(), req, &resp).ok());
    if (resp.total_size() == 300 || absl::Now() - indexed > absl::Seconds(2)) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(resp.total_size(), 300);
  req.set_query("dermatologue ");
  ASSERT_TRUE(stub->SearchDoctors(CallAs(token).get(), req, &resp).ok());
  EXPECT_EQ(resp.total_size(), 0);

  // Caught up: nothing waiting, no lag.
  absl::StatusOr<std::string> metrics = HttpGet((*search)->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(Metric(*metrics, "meltingdoc_search_events_waiting"), 0) << *metrics;
  EXPECT_EQ(Metric(*metrics, "meltingdoc_search_index_lag_seconds"), 0);
  EXPECT_GE(Metric(*metrics, "meltingdoc_search_last_apply_delay_seconds"), 0);
  // GetIndexStats reports the streams to admins.
  v1::GetIndexStatsResponse stats;
  ASSERT_TRUE(stub->GetIndexStats(CallAs(tokens_.WithRole(NewUuid(), auth::Role::kAdmin)).get(),
                                  v1::GetIndexStatsRequest(), &stats)
                  .ok());
  ASSERT_EQ(stats.streams_size(), 1);
  EXPECT_EQ(stats.streams(0).stream(), profiles_stream_);
  EXPECT_GE(stats.doctor_count(), 301);
  EXPECT_THAT((*search)->ReadLog(), ::testing::Not(HasSubstr("event not indexed")));
}

}  // namespace
}  // namespace meltingdoc::search
