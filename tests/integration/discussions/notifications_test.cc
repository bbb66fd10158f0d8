// Follows and notifications through the real binary: who is notified of new replies and
// accepted answers, reading and marking, and the unread count served from Redis and
// recounted from PostgreSQL when Redis lost it.
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/redis/redis_client.h"
#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

class NotificationsTest : public DiscussionsFixture {
 protected:
  static int64_t Unread(const std::string& account) {
    dv1::GetUnreadCountRequest req;
    dv1::GetUnreadCountResponse resp;
    grpc::Status s = stub_->GetUnreadCount(CallAs(Doctor(account)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.unread();
  }
  static std::vector<dv1::Notification> List(const std::string& account) {
    std::vector<dv1::Notification> out;
    dv1::ListNotificationsRequest req;
    req.set_page_size(1);
    for (int page = 0; page < 50; ++page) {
      dv1::ListNotificationsResponse resp;
      EXPECT_TRUE(stub_->ListNotifications(CallAs(Doctor(account)).get(), req, &resp).ok());
      out.insert(out.end(), resp.notifications().begin(), resp.notifications().end());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return out;
  }
  static dv1::Reply AddReply(const std::string& author, const std::string& case_id) {
    dv1::AddReplyRequest req;
    req.set_case_id(case_id);
    req.set_text("Avis d'un confrère.");
    dv1::AddReplyResponse resp;
    EXPECT_TRUE(stub_->AddReply(CallAs(Doctor(author)).get(), req, &resp).ok());
    return resp.reply();
  }
  static grpc::Status Follow(const std::string& account, const std::string& case_id, bool follow) {
    if (follow) {
      dv1::FollowCaseRequest req;
      req.set_case_id(case_id);
      dv1::FollowCaseResponse resp;
      return stub_->FollowCase(CallAs(Doctor(account)).get(), req, &resp);
    }
    dv1::UnfollowCaseRequest req;
    req.set_case_id(case_id);
    dv1::UnfollowCaseResponse resp;
    return stub_->UnfollowCase(CallAs(Doctor(account)).get(), req, &resp);
  }
  static redis::RedisClient& Redis() {
    static redis::RedisClient* client = [] {
      redis::RedisOptions o;
      o.host = "127.0.0.1";
      o.port = SharedRedisPort();
      return new redis::RedisClient(o);
    }();
    return *client;
  }
};

TEST_F(NotificationsTest, FollowersAreNotifiedOfRepliesAndAcceptedAnswers) {
  const std::string author = NewUuid(), follower = NewUuid(), replier = NewUuid(), bystander = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Suivi"), &c).ok());
  ASSERT_TRUE(Follow(follower, c.case_id(), true).ok());
  ASSERT_TRUE(Follow(follower, c.case_id(), true).ok());  // idempotent
  EXPECT_EQ(Follow(follower, NewUuid(), true).error_code(), grpc::StatusCode::NOT_FOUND);

  const dv1::Reply r = AddReply(replier, c.case_id());
  for (const std::string& who : {author, follower}) {
    const std::vector<dv1::Notification> n = List(who);
    ASSERT_EQ(n.size(), 1u) << who;
    EXPECT_EQ(n[0].kind(), dv1::NOTIFICATION_KIND_NEW_REPLY);
    EXPECT_EQ(n[0].case_id(), c.case_id());
    EXPECT_EQ(n[0].reply_id(), r.reply_id());
    EXPECT_EQ(n[0].actor_id(), replier);
    EXPECT_FALSE(n[0].read());
    EXPECT_EQ(Unread(who), 1);
  }
  EXPECT_TRUE(List(replier).empty()) << "nobody is notified of their own reply";
  EXPECT_TRUE(List(bystander).empty());

  // The author accepts: followers but the author hear of it.
  dv1::AcceptReplyRequest accept;
  accept.set_reply_id(r.reply_id());
  dv1::AcceptReplyResponse accepted;
  ASSERT_TRUE(stub_->AcceptReply(CallAs(Doctor(author)).get(), accept, &accepted).ok());
  EXPECT_EQ(Unread(follower), 2) << "the cached count was dropped by the write";
  EXPECT_EQ(List(follower)[0].kind(), dv1::NOTIFICATION_KIND_REPLY_ACCEPTED);
  EXPECT_EQ(Unread(author), 1);

  // Unfollowing stops notifications.
  ASSERT_TRUE(Follow(follower, c.case_id(), false).ok());
  AddReply(replier, c.case_id());
  EXPECT_EQ(Unread(follower), 2);
  EXPECT_EQ(Unread(author), 2);
}

TEST_F(NotificationsTest, MarkingReadAndTheCountWhenRedisLostIt) {
  const std::string author = NewUuid(), replier = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Compteur"), &c).ok());
  for (int i = 0; i < 3; ++i) AddReply(replier, c.case_id());
  EXPECT_EQ(Unread(author), 3);

  // The count is cached in Redis...
  const std::string key = "meltingdoc:discussions:unread:" + author;
  absl::StatusOr<redis::RedisReply> cached = Redis().Command({"GET", key});
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->str, "3");
  // ...and recounted from PostgreSQL when Redis lost it (or holds a wrong value that expired).
  ASSERT_TRUE(Redis().Command({"DEL", key}).ok());
  EXPECT_EQ(Unread(author), 3);

  const std::vector<dv1::Notification> n = List(author);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_GT(n[0].notification_id(), n[1].notification_id()) << "newest first";
  dv1::MarkNotificationsReadRequest mark;
  mark.set_up_to_id(n[1].notification_id());
  dv1::MarkNotificationsReadResponse marked;
  ASSERT_TRUE(stub_->MarkNotificationsRead(CallAs(Doctor(author)).get(), mark, &marked).ok());
  EXPECT_EQ(marked.marked(), 2);
  EXPECT_EQ(Unread(author), 1);
  mark.set_up_to_id(0);
  ASSERT_TRUE(stub_->MarkNotificationsRead(CallAs(Doctor(author)).get(), mark, &marked).ok());
  EXPECT_EQ(marked.marked(), 1);
  EXPECT_EQ(Unread(author), 0);
  EXPECT_TRUE(List(author)[0].read());
}

TEST_F(NotificationsTest, FormerGroupMembersAreNotNotified) {
  const std::string owner = NewUuid(), member = NewUuid();
  dv1::CreateGroupRequest g;
  g.set_title("Groupe notifié");
  dv1::CreateGroupResponse group;
  ASSERT_TRUE(stub_->CreateGroup(CallAs(Doctor(owner)).get(), g, &group).ok());
  dv1::InviteToGroupRequest inv;
  inv.set_space_id(group.space().space_id());
  inv.set_account_id(member);
  dv1::InviteToGroupResponse invited;
  ASSERT_TRUE(stub_->InviteToGroup(CallAs(Doctor(owner)).get(), inv, &invited).ok());
  dv1::RespondToInvitationRequest resp;
  resp.set_invitation_id(invited.invitation().invitation_id());
  resp.set_accept(true);
  dv1::RespondToInvitationResponse responded;
  ASSERT_TRUE(stub_->RespondToInvitation(CallAs(Doctor(member)).get(), resp, &responded).ok());
  dv1::Case c;
  ASSERT_TRUE(Create(owner, NewCaseMessage(group.space().space_id(), "Cas du groupe"), &c).ok());
  ASSERT_TRUE(Follow(member, c.case_id(), true).ok());
  dv1::LeaveGroupRequest leave;
  leave.set_space_id(group.space().space_id());
  dv1::LeaveGroupResponse left;
  ASSERT_TRUE(stub_->LeaveGroup(CallAs(Doctor(member)).get(), leave, &left).ok());
  dv1::AddReplyRequest add;
  add.set_case_id(c.case_id());
  add.set_text("Réponse du propriétaire.");
  dv1::AddReplyResponse added;
  ASSERT_TRUE(stub_->AddReply(CallAs(Doctor(owner)).get(), add, &added).ok());
  EXPECT_EQ(Unread(member), 0);
}

}  // namespace
}  // namespace meltingdoc::testing
