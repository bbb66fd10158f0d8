// Reindex on a real PostgreSQL and Redis, through a real gRPC server hosting the search
// service beside stand-ins of profiles' ExportProfiles and discussions' ExportCases (served
// from memory, so that the test decides when an export pauses): queries running all along
// only ever see the old index or the new one; events published during the rebuild are not
// lost (newer ones win over the export, older ones lose); private-group membership comes
// through; the caller's token reaches the exports; a second Reindex is refused meanwhile.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "services/search/pg_reindex_store.h"
#include "tests/integration/search/search_fixture.h"

namespace meltingdoc::search {
namespace {

using namespace ::meltingdoc::search::testing;  // NOLINT: event builders
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int kSourceDoctors = 1200;  // three ExportProfiles pages of 500
constexpr int kOldDoctors = 300;      // indexed from events before the rebuild

std::string AuthorizationOf(const grpc::ServerContext& context) {
  const auto it = context.client_metadata().find("authorization");
  return it == context.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

// ExportProfiles from memory, keyset by position; pauses before the second page until told.
class FakeProfiles final : public profiles::v1::ProfilesService::Service {
 public:
  grpc::Status ExportProfiles(grpc::ServerContext* context,
                              const profiles::v1::ExportProfilesRequest* request,
                              profiles::v1::ExportProfilesResponse* response) override {
    authorizations.push_back(AuthorizationOf(*context));
    const size_t from = request->page_token().empty() ? 0 : std::stoul(request->page_token());
    if (from > 0 && !second_page_reached.HasBeenNotified()) {
      second_page_reached.Notify();
      resume.WaitForNotification();
    }
    const size_t to = std::min(profiles.size(), from + static_cast<size_t>(request->page_size()));
    for (size_t i = from; i < to; ++i) *response->add_profiles() = profiles[i];
    if (to < profiles.size()) response->set_next_page_token(std::to_string(to));
    return grpc::Status::OK;
  }
  std::vector<events::v1::ProfileChanged> profiles;
  std::vector<std::string> authorizations;
  absl::Notification second_page_reached, resume;
};

class FakeDiscussions final : public discussions::v1::DiscussionsService::Service {
 public:
  grpc::Status ExportCases(grpc::ServerContext* context, const discussions::v1::ExportCasesRequest*,
                           grpc::ServerWriter<discussions::v1::ExportCasesResponse>* writer) override {
    authorizations.push_back(AuthorizationOf(*context));
    for (const auto& message : messages) writer->Write(message);
    return grpc::Status::OK;
  }
  std::vector<discussions::v1::ExportCasesResponse> messages;
  std::vector<std::string> authorizations;
};

class ReindexTest : public SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    reindex_store_ = std::make_unique<PgReindexStore>(pool_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    builder.RegisterService(&profiles_);
    builder.RegisterService(&discussions_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    ReindexOptions ro;
    ro.profiles = channel_;
    ro.discussions = channel_;
    service_->EnableReindex(reindex_store_.get(), ro);
    stub_ = v1::SearchService::NewStub(channel_);
  }
  void TearDown() override {
    if (!profiles_.resume.HasBeenNotified()) profiles_.resume.Notify();
    if (server_) server_->Shutdown();
    SearchFixture::TearDown();
  }

  // Runs a Reindex to its end; the messages received and the final status.
  grpc::Status RunReindex(const std::string& token, std::vector<v1::ReindexResponse>* messages) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    auto reader = stub_->Reindex(&ctx, v1::ReindexRequest());
    v1::ReindexResponse m;
    while (reader->Read(&m)) messages->push_back(m);
    return reader->Finish();
  }

  int64_t Total(const std::string& query) {
    v1::SearchDoctorsRequest req;
    req.set_query(query);
    req.set_include_facets(true);
    return Doctors(req).total_size();
  }

  std::unique_ptr<PgReindexStore> reindex_store_;
  FakeProfiles profiles_;
  FakeDiscussions discussions_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SearchService::Stub> stub_;
};

TEST_F(ReindexTest, RebuildsWhileServingKeepsLiveEventsAndSwitches) {
  // The sources: 1200 cardiologists. The old index has the first 300 (from events), plus
  // one doctor the sources no longer have.
  std::vector<DoctorSpec> doctors(kSourceDoctors);
  for (int i = 0; i < kSourceDoctors; ++i) {
    DoctorSpec& d = doctors[i];
    d.given = "Jean";
    d.family = absl::StrCat("Cardio", i);
    d.specialty_code = "SM04";
    d.specialty_label = "Cardiologie";
    d.places = {{"Lyon", "69003", 45.76, 4.84}};
    // Versions 3: an export carries the current version, newer than the events' ones.
    profiles_.profiles.push_back(ProfileChanged(d, 3).profile_changed());
  }
  std::sort(profiles_.profiles.begin(), profiles_.profiles.end(),
            [](const auto& a, const auto& b) { return a.profile_id() < b.profile_id(); });
  for (int i = 0; i < kOldDoctors; ++i) PublishProfile(ProfileChanged(doctors[i], 1));
  DoctorSpec gone;
  gone.given = "Ancien";
  gone.family = "Disparu";
  gone.specialty_label = "Cardiologie";
  PublishProfile(ProfileChanged(gone, 1));
  Drain();
  ASSERT_EQ(Total("cardiologie "), kOldDoctors + 1);

  // Discussions: a private group with one member and its case, a public case with a reply.
  const std::string group = NewUuid(), member = NewUuid(), outsider = NewUuid();
  CaseSpec secret;
  secret.space_id = group;
  secret.title = "Bradycardie nocturne";
  secret.private_group = true;
  CaseSpec open;
  open.space_id = NewUuid();
  open.title = "Tachycardie jonctionnelle";
  discussions::v1::ExportCasesResponse m1, m2;
  *m1.add_events() = GroupMembershipChanged(group, member, true, 4);
  *m2.add_events() = CaseChanged(secret, 2);
  *m2.add_events() = CaseChanged(open, 1);
  *m2.add_events() = ReplyChanged(NewUuid(), open.id, "Pensez au holter", false, 1);
  discussions_.messages = {m1, m2};

  // Queries all along: the old index (301, then up to 303 with the two doctors of the events
  // below) or the new one (1200), never anything else.
  std::atomic<bool> stop{false};
  std::vector<int64_t> seen;
  std::thread queries([&] {
    while (!stop.load()) seen.push_back(Total("cardiologie "));
  });

  const std::string admin = tokens_.WithRole(NewUuid(), auth::Role::kAdmin);
  std::vector<v1::ReindexResponse> messages;
  grpc::Status status;
  std::thread reindex([&] { status = RunReindex(admin, &messages); });

  // Paused after the first page: events published now must reach the new index too.
  profiles_.second_page_reached.WaitForNotification();
  {
    // Another Reindex meanwhile is refused.
    std::vector<v1::ReindexResponse> other;
    EXPECT_EQ(RunReindex(admin, &other).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  const auto by_id = [&](const std::string& id) -> const DoctorSpec& {
    for (const DoctorSpec& d : doctors) {
      if (d.id == id) return d;
    }
    return doctors[0];
  };
  DoctorSpec renamed = by_id(profiles_.profiles.front().profile_id());  // exported already (v3)
  renamed.headline = "Rythmologue xylophoniste";                        // a v4 event must win
  PublishProfile(ProfileChanged(renamed, 4));
  DoctorSpec later = by_id(profiles_.profiles.back().profile_id());  // in the last page (v3)
  later.headline = "Vieux titre obsolète";  // its export (v3, later page) must win over v2
  PublishProfile(ProfileChanged(later, 2));
  CaseSpec fresh;
  fresh.space_id = NewUuid();
  fresh.title = "Syncope vasovagale";
  PublishDiscussion(CaseChanged(fresh, 1));
  Drain();
  profiles_.resume.Notify();
  reindex.join();
  stop = true;
  queries.join();

  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front().phase(), v1::REINDEX_PHASE_STARTED);
  const v1::ReindexResponse& done = messages.back();
  EXPECT_EQ(done.phase(), v1::REINDEX_PHASE_DONE);
  EXPECT_EQ(done.profiles_indexed(), kSourceDoctors);
  EXPECT_EQ(done.case_events_indexed(), 4);
  EXPECT_EQ(done.doctor_count(), kSourceDoctors);
  EXPECT_EQ(done.case_count(), 3);  // the two exported cases and the one from the stream
  // The caller's token went to both exports.
  EXPECT_THAT(profiles_.authorizations, Contains("Bearer " + admin));
  EXPECT_THAT(discussions_.authorizations, ElementsAre("Bearer " + admin));

  std::set<int64_t> totals(seen.begin(), seen.end());
  EXPECT_THAT(totals, ::testing::IsSubsetOf({int64_t{kOldDoctors + 1}, int64_t{kOldDoctors + 2},
                                              int64_t{kOldDoctors + 3}, int64_t{kSourceDoctors}}));
  EXPECT_GT(seen.size(), 3u);

  // The index equals the sources (+ the events of the rebuild).
  EXPECT_EQ(Total("cardiologie "), kSourceDoctors);
  EXPECT_THAT(Ids(Doctors("disparu ")), IsEmpty());
  EXPECT_THAT(Ids(Doctors("xylophoniste ")), ElementsAre(renamed.id));
  EXPECT_THAT(Ids(Doctors("obsolete ")), IsEmpty());
  v1::SearchCasesRequest q;
  q.set_query("syncope ");
  EXPECT_THAT(CaseIds(Cases(NewUuid(), q)), ElementsAre(fresh.id));
  q.set_query("holter ");
  EXPECT_THAT(CaseIds(Cases(NewUuid(), q)), ElementsAre(open.id));
  // Private-group membership came through the export.
  q.set_query("bradycardie ");
  EXPECT_THAT(CaseIds(Cases(member, q)), ElementsAre(secret.id));
  EXPECT_THAT(CaseIds(Cases(outsider, q)), IsEmpty());
  // No copy left behind, and the live tables kept their index names.
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'search' AND tablename LIKE 'rebuild%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'search' AND indexname = 'doctors_document_idx'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_constraint WHERE conname = 'doctor_competences_profile_id_fkey'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM reindex_state WHERE running"), 0);

  // Events after the switch go to the new tables only, and a second Reindex now runs.
  DoctorSpec newcomer;
  newcomer.family = "Nouveauvenu";
  PublishProfile(ProfileChanged(newcomer, 1));
  Drain();
  EXPECT_THAT(Ids(Doctors("nouveauvenu ")), ElementsAre(newcomer.id));
}

TEST_F(ReindexTest, AdminsOnlyAndACancelledRebuildLeavesTheLiveIndex) {
  DoctorSpec d;
  d.family = "Survivant";
  PublishProfile(ProfileChanged(d, 1));
  Drain();
  std::vector<v1::ReindexResponse> messages;
  EXPECT_EQ(RunReindex(tokens_.VerifiedDoctor(NewUuid()), &messages).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(messages.empty());

  // Cancelled while paused in the profiles: the copies go, the live index stays.
  for (int i = 0; i < 600; ++i) profiles_.profiles.push_back(ProfileChanged(DoctorSpec(), 1).profile_changed());
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + tokens_.WithRole(NewUuid(), auth::Role::kAdmin));
  auto reader = stub_->Reindex(&ctx, v1::ReindexRequest());
  v1::ReindexResponse m;
  ASSERT_TRUE(reader->Read(&m));
  profiles_.second_page_reached.WaitForNotification();
  ctx.TryCancel();
  profiles_.resume.Notify();
  while (reader->Read(&m)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  for (int i = 0; i < 100 && Count("SELECT count(*) FROM reindex_state WHERE running") != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(Count("SELECT count(*) FROM reindex_state WHERE running"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'search' AND tablename LIKE 'rebuild%'"), 0);
  EXPECT_THAT(Ids(Doctors("survivant ")), ElementsAre(d.id));
}

}  // namespace
}  // namespace meltingdoc::search
