// Authors' names from the real profiles service: one BatchGetProfiles per page, names on
// cases and replies; with profiles stopped, the same pages are served at once without names.
#include <signal.h>

#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "tests/integration/discussions/discussions_fixture.h"
#include "tests/support/identity_events.h"
#include "tests/support/local_redis.h"
#include "tests/support/private_profiles.h"

namespace meltingdoc::testing {
namespace {

class AuthorNamesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    tokens_ = new TestTokens();
    // Profiles reads identity's stream meltingdoc.identity: a private Redis keeps it ours.
    auto profiles = PrivateProfiles::Start(SharedPostgresPort(), *tokens_);
    ASSERT_TRUE(profiles.ok()) << profiles.status();
    private_profiles_ = std::move(profiles).value().release();
    db_ = private_profiles_->db.get();
    redis_server_ = private_profiles_->redis.get();
    profiles_ = private_profiles_->service.get();
    auto discussions = ServiceProcess::Start(
        {.service = "discussions",
         .pg_url = db_->Url("discussions"),
         .redis_port = SharedRedisPort(),
         .public_keys_file = tokens_->public_keys_file(),
         .extra_env = {{"MELTINGDOC_DISCUSSIONS_IDENTITY_STREAM", "meltingdoc.identity.test-" + NewUuid()},
                       {"MELTINGDOC_DISCUSSIONS_PROFILES_ADDR", profiles_->address()}}});
    ASSERT_TRUE(discussions.ok()) << discussions.status();
    discussions_ = std::move(discussions).value().release();
    ASSERT_TRUE(discussions_->WaitForHealth(true).ok()) << discussions_->ReadLog();
    stub_ = dv1::DiscussionsService::NewStub(discussions_->channel()).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    delete discussions_;
    delete private_profiles_;
    delete tokens_;
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  // Identity verifies a doctor: profiles creates the profile; waits until it is served.
  static void VerifyDoctor(const std::string& id, const std::string& given, const std::string& family) {
    static int counter = 0;
    const events::v1::Event e =
        AccountVerifiedEvent(id, absl::StrCat("100", 20000000 + ++counter), given, family, "SM20");
    redis::RedisOptions o;
    o.port = redis_server_->port();
    redis::RedisClient client(o);
    ASSERT_TRUE(PublishIdentityEvent(client, e).ok());
    auto stub = profiles::v1::ProfilesService::NewStub(profiles_->channel());
    for (int i = 0; i < 300; ++i) {
      profiles::v1::GetProfileRequest req;
      req.set_profile_id(id);
      profiles::v1::GetProfileResponse resp;
      if (stub->GetProfile(CallAs(tokens_->VerifiedDoctor(id)).get(), req, &resp).ok()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "profiles never created " << id;
  }

  static dv1::Case NewCase(const std::string& title) {
    dv1::Case c;
    c.set_space_id(kGeneralSpace);
    c.set_title(title);
    c.mutable_body()->set_question("Quel traitement proposer ?");
    return c;
  }

  static inline PrivateProfiles* private_profiles_ = nullptr;
  static inline ScratchDatabase* db_ = nullptr;
  static inline LocalRedis* redis_server_ = nullptr;
  static inline TestTokens* tokens_ = nullptr;
  static inline ServiceProcess* profiles_ = nullptr;
  static inline ServiceProcess* discussions_ = nullptr;
  static inline dv1::DiscussionsService::Stub* stub_ = nullptr;
};

TEST_F(AuthorNamesTest, NamesFromProfilesThenNoneWhenProfilesIsDown) {
  const std::string claire = NewUuid(), paul = NewUuid(), unknown = NewUuid();
  VerifyDoctor(claire, "Claire", "Martin");
  VerifyDoctor(paul, "Paul", "Durand");
  std::string case_id;
  for (const auto& [author, title] : std::vector<std::pair<std::string, std::string>>{
           {claire, "Cas de Claire"}, {paul, "Cas de Paul"}, {unknown, "Cas sans profil"}}) {
    dv1::CreateCaseRequest req;
    *req.mutable_case_() = NewCase(title);
    dv1::CreateCaseResponse resp;
    ASSERT_TRUE(stub_->CreateCase(CallAs(tokens_->VerifiedDoctor(author)).get(), req, &resp).ok());
    if (author == claire) {
      EXPECT_EQ(resp.case_().author_name(), "Claire Martin");
      case_id = resp.case_().case_id();
    }
  }
  dv1::AddReplyRequest add;
  add.set_case_id(case_id);
  add.set_text("Je proposerais une IRM.");
  dv1::AddReplyResponse added;
  ASSERT_TRUE(stub_->AddReply(CallAs(tokens_->VerifiedDoctor(paul)).get(), add, &added).ok());
  EXPECT_EQ(added.reply().author_name(), "Paul Durand");

  const std::string reader = tokens_->VerifiedDoctor(NewUuid());
  dv1::ListCasesRequest list;
  dv1::ListCasesResponse page;
  ASSERT_TRUE(stub_->ListCases(CallAs(reader).get(), list, &page).ok());
  std::map<std::string, std::string> names;  // title -> name
  for (const auto& c : page.cases()) names[c.title()] = c.author_name();
  EXPECT_EQ(names["Cas de Claire"], "Claire Martin");
  EXPECT_EQ(names["Cas de Paul"], "Paul Durand");
  EXPECT_EQ(names["Cas sans profil"], "") << "no profile, no name";
  dv1::ListRepliesRequest replies_req;
  replies_req.set_case_id(case_id);
  dv1::ListRepliesResponse replies;
  ASSERT_TRUE(stub_->ListReplies(CallAs(reader).get(), replies_req, &replies).ok());
  ASSERT_EQ(replies.replies_size(), 1);
  EXPECT_EQ(replies.replies(0).author_name(), "Paul Durand");

  // Profiles hangs (SIGSTOP: connections stay open, nothing answers): pages keep coming,
  // within the 300 ms deadline, with the names discussions still remembers and none for
  // authors it never asked about.
  ASSERT_TRUE(profiles_->process().Signal(SIGSTOP));
  const std::string newcomer = NewUuid();
  dv1::CreateCaseRequest req;
  *req.mutable_case_() = NewCase("Cas d'un nouveau");
  dv1::CreateCaseResponse created;
  ASSERT_TRUE(stub_->CreateCase(CallAs(tokens_->VerifiedDoctor(newcomer)).get(), req, &created).ok());
  EXPECT_EQ(created.case_().author_name(), "");
  for (int i = 0; i < 3; ++i) {
    const absl::Time t0 = absl::Now();
    ASSERT_TRUE(stub_->ListCases(CallAs(reader).get(), list, &page).ok());
    EXPECT_LT(absl::Now() - t0, absl::Seconds(2)) << "profiles down must not stall the page";
    for (const auto& c : page.cases()) {
      if (c.title() == "Cas de Claire") { EXPECT_EQ(c.author_name(), "Claire Martin") << "cached"; }
      if (c.title() == "Cas d'un nouveau") { EXPECT_EQ(c.author_name(), ""); }
    }
  }
  ASSERT_TRUE(profiles_->process().Signal(SIGCONT));
}

}  // namespace
}  // namespace meltingdoc::testing
