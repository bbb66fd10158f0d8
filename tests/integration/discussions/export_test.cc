// ExportCases through the real binary: admins only, memberships then cases each followed by
// its replies, current versions, tombstones and hidden cases flagged, bounded messages,
// resumption from any message.
#include <map>
#include <set>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

namespace ev1 = ::meltingdoc::events::v1;

class ExportTest : public DiscussionsFixture {
 protected:
  static std::string Admin() { return tokens_->WithRole(NewUuid(), auth::Role::kAdmin); }

  // The whole export from `resume_token`; the messages in `messages`.
  static grpc::Status Export(const std::string& token, int max_events, const std::string& resume_token,
                             std::vector<dv1::ExportCasesResponse>* messages) {
    dv1::ExportCasesRequest req;
    req.set_max_events(max_events);
    req.set_resume_token(resume_token);
    auto ctx = CallAs(token);
    auto reader = stub_->ExportCases(ctx.get(), req);
    dv1::ExportCasesResponse msg;
    while (reader->Read(&msg)) messages->push_back(msg);
    return reader->Finish();
  }

  static std::vector<ev1::Event> Events(const std::vector<dv1::ExportCasesResponse>& messages, size_t from = 0) {
    std::vector<ev1::Event> out;
    for (size_t i = from; i < messages.size(); ++i) {
      for (const auto& e : messages[i].events()) out.push_back(e);
    }
    return out;
  }

  // What identifies an exported event, apart from its fresh event id.
  static std::string Key(const ev1::Event& e) {
    return absl::StrCat(e.aggregate_type(), "/", e.aggregate_id(), "/", e.aggregate_version(), "/",
                        e.payload_case(), "/", e.group_membership_changed().account_id());
  }

  static std::string AddReply(const std::string& account, const std::string& case_id, const std::string& text) {
    dv1::AddReplyRequest req;
    req.set_case_id(case_id);
    req.set_text(text);
    dv1::AddReplyResponse resp;
    EXPECT_TRUE(stub_->AddReply(CallAs(Doctor(account)).get(), req, &resp).ok());
    return resp.reply().reply_id();
  }
};

TEST_F(ExportTest, AdminsOnlyAndBadInputIsNamed) {
  std::vector<dv1::ExportCasesResponse> messages;
  EXPECT_EQ(Export(Doctor(NewUuid()), 0, "", &messages).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Export(tokens_->WithRole(NewUuid(), auth::Role::kModerator), 0, "", &messages).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Export(tokens_->Pending(NewUuid()), 0, "", &messages).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Export("", 0, "", &messages).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(messages.empty());
  grpc::Status s = Export(Admin(), 501, "", &messages);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("max_events"));
  s = Export(Admin(), 0, "not-a-token", &messages);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("resume_token"));
  s = Export(Admin(), -1, "", &messages);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ExportTest, EverythingSearchIndexesInOrderAndResumable) {
  const std::string owner = NewUuid(), member = NewUuid(), a = NewUuid(), b = NewUuid();
  // A private group with two members.
  dv1::CreateGroupRequest group_req;
  group_req.set_title("Groupe d'export");
  dv1::CreateGroupResponse group;
  ASSERT_TRUE(stub_->CreateGroup(CallAs(Doctor(owner)).get(), group_req, &group).ok());
  const std::string space = group.space().space_id();
  dv1::InviteToGroupRequest invite;
  invite.set_space_id(space);
  invite.set_account_id(member);
  dv1::InviteToGroupResponse invited;
  ASSERT_TRUE(stub_->InviteToGroup(CallAs(Doctor(owner)).get(), invite, &invited).ok());
  dv1::RespondToInvitationRequest respond;
  respond.set_invitation_id(invited.invitation().invitation_id());
  respond.set_accept(true);
  dv1::RespondToInvitationResponse responded;
  ASSERT_TRUE(stub_->RespondToInvitation(CallAs(Doctor(member)).get(), respond, &responded).ok());

  // Cases: with replies, without, private, deleted (with a reply), hidden.
  std::map<std::string, std::vector<std::string>> replies_of;
  dv1::Case c1, c2, c3, c4, c5;
  ASSERT_TRUE(Create(a, NewCaseMessage(kGeneralSpace, "Export un"), &c1).ok());
  ASSERT_TRUE(Create(a, NewCaseMessage(kGynecologySpace, "Export deux"), &c2).ok());
  ASSERT_TRUE(Create(owner, NewCaseMessage(space, "Export privé"), &c3).ok());
  ASSERT_TRUE(Create(b, NewCaseMessage(kGeneralSpace, "Export supprimé"), &c4).ok());
  ASSERT_TRUE(Create(b, NewCaseMessage(kGeneralSpace, "Export masqué"), &c5).ok());
  for (int i = 0; i < 3; ++i) replies_of[c1.case_id()].push_back(AddReply(b, c1.case_id(), absl::StrCat("Avis ", i)));
  replies_of[c3.case_id()].push_back(AddReply(member, c3.case_id(), "Avis privé"));
  AddReply(a, c4.case_id(), "Réponse à un cas supprimé");
  replies_of[c5.case_id()].push_back(AddReply(a, c5.case_id(), "Réponse à un cas masqué"));
  dv1::DeleteCaseRequest del;
  del.set_case_id(c4.case_id());
  dv1::DeleteCaseResponse deleted;
  ASSERT_TRUE(stub_->DeleteCase(CallAs(Doctor(b)).get(), del, &deleted).ok());
  dv1::HideContentRequest hide;
  hide.set_case_id(c5.case_id());
  hide.set_reason("Test d'export.");
  dv1::HideContentResponse hidden;
  ASSERT_TRUE(stub_->HideContent(CallAs(tokens_->WithRole(NewUuid(), auth::Role::kModerator)).get(), hide, &hidden)
                  .ok());

  std::vector<dv1::ExportCasesResponse> messages;
  ASSERT_TRUE(Export(Admin(), 2, "", &messages).ok());
  for (const auto& m : messages) {
    EXPECT_LE(m.events_size(), 2);
    EXPECT_GE(m.events_size(), 1);
    EXPECT_FALSE(m.resume_token().empty());
  }
  const std::vector<ev1::Event> events = Events(messages);

  // Memberships first.
  ASSERT_GE(events.size(), 2u);
  std::set<std::string> members;
  size_t i = 0;
  for (; i < events.size() && events[i].has_group_membership_changed(); ++i) {
    const auto& m = events[i].group_membership_changed();
    if (m.space_id() != space) continue;
    EXPECT_TRUE(m.member());
    EXPECT_EQ(m.group_title(), "Groupe d'export");
    EXPECT_EQ(std::to_string(events[i].aggregate_version()),
              Sql("SELECT version FROM discussions.spaces WHERE space_id = '" + space + "'"));
    members.insert(m.account_id());
  }
  EXPECT_EQ(members, (std::set<std::string>{owner, member}));

  // Then every case once, in case_id order, each followed by its replies.
  std::vector<std::string> case_order;
  std::map<std::string, std::vector<std::string>> exported_replies;
  std::string current;
  for (; i < events.size(); ++i) {
    const ev1::Event& e = events[i];
    ASSERT_FALSE(e.has_group_membership_changed()) << "membership after the cases";
    if (e.has_case_changed() || e.has_case_deleted()) {
      current = e.aggregate_id();
      case_order.push_back(current);
      EXPECT_EQ(std::to_string(e.aggregate_version()),
                Sql("SELECT version FROM discussions.cases WHERE case_id = '" + current + "'"));
      if (current == c4.case_id()) { EXPECT_TRUE(e.has_case_deleted()); }
      if (current == c5.case_id()) { EXPECT_TRUE(e.case_changed().hidden()); }
      if (current == c3.case_id()) { EXPECT_TRUE(e.case_changed().private_group()); }
      if (current == c1.case_id()) {
        EXPECT_EQ(e.case_changed().title(), "Export un");
        EXPECT_EQ(e.case_changed().reply_count(), 3);
      }
    } else {
      ASSERT_TRUE(e.has_reply_changed());
      EXPECT_EQ(e.reply_changed().case_id(), current) << "a reply right after its case";
      exported_replies[current].push_back(e.reply_changed().reply_id());
      EXPECT_EQ(std::to_string(e.aggregate_version()),
                Sql("SELECT version FROM discussions.replies WHERE reply_id = '" + e.aggregate_id() + "'"));
    }
  }
  EXPECT_TRUE(std::is_sorted(case_order.begin(), case_order.end()));
  EXPECT_EQ(std::set<std::string>(case_order.begin(), case_order.end()).size(), case_order.size());
  EXPECT_EQ(std::to_string(case_order.size()), Sql("SELECT count(*) FROM discussions.cases"));
  EXPECT_EQ(exported_replies, replies_of) << "replies of the tombstone are not exported";

  // Resuming from any message gives exactly what followed it.
  for (size_t m = 0; m + 1 < messages.size(); ++m) {
    std::vector<dv1::ExportCasesResponse> rest;
    ASSERT_TRUE(Export(Admin(), 3, messages[m].resume_token(), &rest).ok());
    std::vector<std::string> want, got;
    for (const auto& e : Events(messages, m + 1)) want.push_back(Key(e));
    for (const auto& e : Events(rest)) got.push_back(Key(e));
    EXPECT_EQ(got, want) << "resumed after message " << m;
  }
  // After the last message there is nothing.
  std::vector<dv1::ExportCasesResponse> rest;
  ASSERT_TRUE(Export(Admin(), 0, messages.back().resume_token(), &rest).ok());
  EXPECT_TRUE(rest.empty());
}

// A message stops growing past 1 MiB, whatever max_events allows.
TEST_F(ExportTest, MessagesStayBounded) {
  const std::string author = NewUuid();
  std::string long_text;
  while (long_text.size() < 9500) long_text += "Discussion clinique détaillée. ";
  for (int i = 0; i < 50; ++i) {  // ~30 KB each: 1.5 MB in all
    dv1::Case c = NewCaseMessage(kGeneralSpace, absl::StrCat("Cas long ", i));
    c.mutable_body()->set_context(long_text);
    c.mutable_body()->set_examination(long_text);
    c.mutable_body()->set_investigations(long_text);
    ASSERT_TRUE(Create(author, c, nullptr).ok());
  }
  std::vector<dv1::ExportCasesResponse> messages;
  ASSERT_TRUE(Export(Admin(), 500, "", &messages).ok());
  EXPECT_GE(messages.size(), 2u);
  size_t events = 0;
  for (const auto& m : messages) {
    EXPECT_LE(m.ByteSizeLong(), (1u << 20) + 200'000u);
    events += m.events_size();
  }
  EXPECT_GE(events, 50u);
}

}  // namespace
}  // namespace meltingdoc::testing
