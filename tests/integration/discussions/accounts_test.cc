// AccountDeleted from identity's stream: the doctor's cases and replies stay, shown as from a
// deleted account; their follows, notifications and group memberships are forgotten.
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

class AccountsTest : public DiscussionsFixture {
 protected:
  // Publishes like identity's outbox relay does.
  static void PublishAccountDeleted(const std::string& account) {
    events::v1::Event e;
    e.set_event_id(NewUuid());
    e.set_aggregate_type("account");
    e.set_aggregate_id(account);
    e.set_aggregate_version(7);
    e.mutable_account_deleted()->set_account_id(account);
    redis::RedisOptions o;
    o.port = SharedRedisPort();
    redis::RedisClient client(o);
    absl::StatusOr<redis::RedisReply> r = client.Command(
        {"XADD", identity_stream_, "*", "event_id", e.event_id(), "event_type", "account_deleted", "aggregate_type",
         "account", "aggregate_id", account, "aggregate_version", "7", "payload", e.SerializeAsString()});
    ASSERT_TRUE(r.ok()) << r.status();
  }
};

TEST_F(AccountsTest, ContentOfADeletedAccountStaysAndIsShownAsSuch) {
  const std::string leaver = NewUuid(), colleague = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(leaver, NewCaseMessage(kGeneralSpace, "Cas d'un confrère parti"), &c).ok());
  dv1::Case other;
  ASSERT_TRUE(Create(colleague, NewCaseMessage(kGeneralSpace, "Cas suivi"), &other).ok());
  dv1::FollowCaseRequest follow;
  follow.set_case_id(other.case_id());
  dv1::FollowCaseResponse followed;
  ASSERT_TRUE(stub_->FollowCase(CallAs(Doctor(leaver)).get(), follow, &followed).ok());
  dv1::AddReplyRequest add;
  add.set_case_id(other.case_id());
  add.set_text("Ma réponse reste utile.");
  dv1::AddReplyResponse added;
  ASSERT_TRUE(stub_->AddReply(CallAs(Doctor(leaver)).get(), add, &added).ok());

  PublishAccountDeleted(leaver);

  dv1::GetCaseRequest get;
  get.set_case_id(c.case_id());
  dv1::GetCaseResponse got;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(stub_->GetCase(CallAs(Doctor(colleague)).get(), get, &got).ok());
    if (got.case_().author_deleted()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(got.case_().author_deleted());
  EXPECT_EQ(got.case_().author_id(), "");
  EXPECT_EQ(got.case_().title(), "Cas d'un confrère parti") << "the content stays";

  dv1::ListRepliesRequest list;
  list.set_case_id(other.case_id());
  dv1::ListRepliesResponse replies;
  ASSERT_TRUE(stub_->ListReplies(CallAs(Doctor(colleague)).get(), list, &replies).ok());
  ASSERT_EQ(replies.replies_size(), 1);
  EXPECT_TRUE(replies.replies(0).author_deleted());
  EXPECT_EQ(replies.replies(0).text(), "Ma réponse reste utile.");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_follows WHERE account_id = '" + leaver + "'"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.processed_events"), "1");
}

}  // namespace
}  // namespace meltingdoc::testing
