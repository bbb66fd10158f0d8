// Private groups through the real binary: creation, invitations, membership checked on
// every read and write, leaving, membership events for search; the owner's list of pending
// invitations and cancelling one.
#include <algorithm>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "tests/integration/discussions/discussions_fixture.h"
#include "tests/integration/system/call_helpers.h"

namespace meltingdoc::testing {
namespace {

class GroupsTest : public DiscussionsFixture {
 protected:
  static dv1::Space NewGroup(const std::string& owner, const std::string& title = "Staff MICI") {
    dv1::CreateGroupRequest req;
    req.set_title(title);
    dv1::CreateGroupResponse resp;
    grpc::Status s = stub_->CreateGroup(CallAs(Doctor(owner)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.space();
  }
  static grpc::Status Invite(const std::string& inviter, const std::string& group, const std::string& invitee,
                             dv1::Invitation* out = nullptr) {
    dv1::InviteToGroupRequest req;
    req.set_space_id(group);
    req.set_account_id(invitee);
    dv1::InviteToGroupResponse resp;
    grpc::Status s = stub_->InviteToGroup(CallAs(Doctor(inviter)).get(), req, &resp);
    if (out != nullptr) *out = resp.invitation();
    return s;
  }
  static grpc::Status Respond(const std::string& invitee, const std::string& invitation_id, bool accept) {
    dv1::RespondToInvitationRequest req;
    req.set_invitation_id(invitation_id);
    req.set_accept(accept);
    dv1::RespondToInvitationResponse resp;
    return stub_->RespondToInvitation(CallAs(Doctor(invitee)).get(), req, &resp);
  }
  static std::vector<std::string> Members(const std::string& reader, const std::string& group, grpc::Status* status) {
    std::vector<std::string> out;
    dv1::ListGroupMembersRequest req;
    req.set_space_id(group);
    req.set_page_size(1);
    for (int page = 0; page < 50; ++page) {
      dv1::ListGroupMembersResponse resp;
      *status = stub_->ListGroupMembers(CallAs(Doctor(reader)).get(), req, &resp);
      if (!status->ok()) break;
      for (const auto& m : resp.members()) out.push_back(m.account_id());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return out;
  }
  // Every page of the group's pending invitations (page size 2), as `reader`; invitee ids.
  static std::vector<std::string> Pending(const std::string& reader, const std::string& group, grpc::Status* status) {
    std::vector<std::string> out;
    dv1::ListGroupInvitationsRequest req;
    req.set_space_id(group);
    req.set_page_size(2);
    for (int page = 0; page < 50; ++page) {
      dv1::ListGroupInvitationsResponse resp;
      *status = stub_->ListGroupInvitations(CallAs(Doctor(reader)).get(), req, &resp);
      if (!status->ok()) break;
      for (const auto& i : resp.invitations()) {
        EXPECT_EQ(i.status(), dv1::INVITATION_STATUS_PENDING);
        EXPECT_EQ(i.space_id(), absl::AsciiStrToLower(group)) << "ids in PostgreSQL's lower case";
        out.push_back(i.invitee_id());
      }
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return out;
  }
  static grpc::Status Cancel(const std::string& actor, const std::string& invitation_id,
                             dv1::Invitation* out = nullptr) {
    dv1::CancelInvitationRequest req;
    req.set_invitation_id(invitation_id);
    dv1::CancelInvitationResponse resp;
    grpc::Status s = stub_->CancelInvitation(CallAs(actor).get(), req, &resp);
    if (out != nullptr) *out = resp.invitation();
    return s;
  }
  static grpc::Status Read(const std::string& reader, const std::string& case_id) {
    dv1::GetCaseRequest req;
    req.set_case_id(case_id);
    dv1::GetCaseResponse resp;
    return stub_->GetCase(CallAs(Doctor(reader)).get(), req, &resp);
  }
};

TEST_F(GroupsTest, InvitationMembershipAndIsolation) {
  const std::string owner = NewUuid(), guest = NewUuid(), outsider = NewUuid();
  const dv1::Space group = NewGroup(owner);
  EXPECT_EQ(group.kind(), dv1::SPACE_KIND_PRIVATE_GROUP);
  dv1::Case c;
  ASSERT_TRUE(Create(owner, NewCaseMessage(group.space_id(), "Cas du staff"), &c).ok());

  // Before joining, the guest sees nothing of the group and cannot write there.
  EXPECT_EQ(Read(guest, c.case_id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Create(guest, NewCaseMessage(group.space_id(), "Trop tôt"), nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s;
  Members(guest, group.space_id(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  // Only the owner invites; outsiders do not even learn the group exists.
  EXPECT_EQ(Invite(outsider, group.space_id(), guest).error_code(), grpc::StatusCode::NOT_FOUND);

  dv1::Invitation inv, again;
  ASSERT_TRUE(Invite(owner, group.space_id(), guest, &inv).ok());
  ASSERT_TRUE(Invite(owner, group.space_id(), guest, &again).ok());
  EXPECT_EQ(again.invitation_id(), inv.invitation_id()) << "one pending invitation";
  EXPECT_EQ(inv.status(), dv1::INVITATION_STATUS_PENDING);

  dv1::ListInvitationsRequest lreq;
  dv1::ListInvitationsResponse invitations;
  ASSERT_TRUE(stub_->ListInvitations(CallAs(Doctor(guest)).get(), lreq, &invitations).ok());
  ASSERT_EQ(invitations.invitations_size(), 1);
  EXPECT_EQ(invitations.invitations(0).group_title(), "Staff MICI");
  EXPECT_EQ(invitations.invitations(0).inviter_id(), owner);

  // Someone else cannot answer the guest's invitation.
  EXPECT_EQ(Respond(outsider, inv.invitation_id(), true).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Respond(guest, inv.invitation_id(), true).ok());
  EXPECT_EQ(Respond(guest, inv.invitation_id(), true).error_code(), grpc::StatusCode::NOT_FOUND) << "answered";
  EXPECT_TRUE(Read(guest, c.case_id()).ok());
  EXPECT_TRUE(Create(guest, NewCaseMessage(group.space_id(), "Cas de l'invité"), nullptr).ok());
  EXPECT_EQ(Invite(owner, group.space_id(), guest).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // Members cannot invite; the owner can.
  EXPECT_EQ(Invite(guest, group.space_id(), outsider).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_THAT(Members(guest, group.space_id(), &s), ::testing::UnorderedElementsAre(owner, guest));
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Read(outsider, c.case_id()).error_code(), grpc::StatusCode::NOT_FOUND);

  // The owner cannot leave while others remain; the guest leaves and loses access.
  dv1::LeaveGroupRequest leave;
  leave.set_space_id(group.space_id());
  dv1::LeaveGroupResponse left;
  EXPECT_EQ(stub_->LeaveGroup(CallAs(Doctor(owner)).get(), leave, &left).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(stub_->LeaveGroup(CallAs(Doctor(guest)).get(), leave, &left).ok());
  EXPECT_EQ(Read(guest, c.case_id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->LeaveGroup(CallAs(Doctor(guest)).get(), leave, &left).error_code(), grpc::StatusCode::NOT_FOUND);

  // Search learns each membership change, in order.
  EXPECT_EQ(Sql("SELECT string_agg(aggregate_version::text, ',' ORDER BY id) FROM discussions.outbox "
                "WHERE event_type = 'group_membership_changed' AND aggregate_id = '" +
                group.space_id() + "'"),
            "2,3,4");
}

TEST_F(GroupsTest, DeclinedInvitationsGrantNothingAndTitlesAreGuarded) {
  const std::string owner = NewUuid(), guest = NewUuid();
  const dv1::Space group = NewGroup(owner, "Groupe RCP");
  dv1::Invitation inv;
  ASSERT_TRUE(Invite(owner, group.space_id(), guest, &inv).ok());
  ASSERT_TRUE(Respond(guest, inv.invitation_id(), false).ok());
  grpc::Status s;
  Members(guest, group.space_id(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  dv1::ListInvitationsRequest lreq;
  dv1::ListInvitationsResponse invitations;
  ASSERT_TRUE(stub_->ListInvitations(CallAs(Doctor(guest)).get(), lreq, &invitations).ok());
  EXPECT_EQ(invitations.invitations_size(), 0);
  // A new invitation after a refusal is possible.
  ASSERT_TRUE(Invite(owner, group.space_id(), guest, &inv).ok());
  EXPECT_EQ(inv.status(), dv1::INVITATION_STATUS_PENDING);

  dv1::CreateGroupRequest req;
  req.set_title("Famille de M. Martin");
  dv1::CreateGroupResponse resp;
  s = stub_->CreateGroup(CallAs(Doctor(owner)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FindingsDetail(s).findings(0).category(), dv1::PATIENT_DATA_CATEGORY_PATIENT_NAME);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.spaces WHERE owner_id = '" + owner + "'"), "1");
}

TEST_F(GroupsTest, TheOwnerListsAndCancelsPendingInvitations) {
  const std::string owner = NewUuid(), member = NewUuid(), outsider = NewUuid(), moderator = NewUuid();
  const dv1::Space group = NewGroup(owner, "Staff neuro-oncologie");
  dv1::Invitation to_member;
  ASSERT_TRUE(Invite(owner, group.space_id(), member, &to_member).ok());
  ASSERT_TRUE(Respond(member, to_member.invitation_id(), true).ok());
  // Five pending invitations (three pages of two), newest first; the answered one is not listed.
  std::vector<std::string> invitees;
  std::vector<dv1::Invitation> invitations;
  for (int i = 0; i < 5; ++i) {
    invitees.push_back(NewUuid());
    ASSERT_TRUE(Invite(owner, group.space_id(), invitees.back(), &invitations.emplace_back()).ok());
  }
  const std::vector<std::string> newest_first(invitees.rbegin(), invitees.rend());
  grpc::Status s;
  EXPECT_EQ(Pending(owner, group.space_id(), &s), newest_first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Upper-case ids are the same group.
  std::string upper = group.space_id();
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(Pending(owner, upper, &s), newest_first);

  // Only the owner: a member is refused (they know the group), anyone else learns nothing,
  // invitees and moderators who are not members included.
  Pending(member, group.space_id(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  for (const std::string& other : {outsider, invitees[0]}) {
    Pending(other, group.space_id(), &s);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    dv1::ListGroupInvitationsRequest req;
    req.set_space_id(group.space_id());
    dv1::ListGroupInvitationsResponse resp;
    s = stub_->ListGroupInvitations(CallAs(tokens_->WithRole(moderator, auth::Role::kModerator)).get(), req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    // Bad input names the field.
    req.set_page_size(101);
    s = stub_->ListGroupInvitations(CallAs(Doctor(owner)).get(), req, &resp);
    EXPECT_EQ(ViolatedFields(s), "page_size");
    req.set_page_size(0);
    req.set_page_token("bm90IGEgdG9rZW4");
    s = stub_->ListGroupInvitations(CallAs(Doctor(owner)).get(), req, &resp);
    EXPECT_EQ(ViolatedFields(s), "page_token");
    req.set_page_token("");
    req.set_space_id("not-a-uuid");
    s = stub_->ListGroupInvitations(CallAs(Doctor(owner)).get(), req, &resp);
    EXPECT_EQ(ViolatedFields(s), "space_id");
  }

  // Cancelling: the invitee, outsiders and moderators outside the group get NOT_FOUND, a member
  // PERMISSION_DENIED; nothing changes for them.
  const std::string target = invitations[2].invitation_id();
  EXPECT_EQ(Cancel(Doctor(invitees[2]), target).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Cancel(Doctor(outsider), target).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Cancel(tokens_->WithRole(moderator, auth::Role::kModerator), target).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Cancel(Doctor(member), target).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Cancel(Doctor(owner), NewUuid()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ViolatedFields(Cancel(Doctor(owner), "12")), "invitation_id");
  dv1::Invitation cancelled;
  ASSERT_TRUE(Cancel(Doctor(owner), target, &cancelled).ok());
  EXPECT_EQ(cancelled.status(), dv1::INVITATION_STATUS_CANCELLED);
  EXPECT_EQ(cancelled.invitee_id(), invitees[2]);
  EXPECT_EQ(Cancel(Doctor(owner), target).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Pending(owner, group.space_id(), &s),
            (std::vector<std::string>{invitees[4], invitees[3], invitees[1], invitees[0]}));

  // The invitee no longer sees it nor can accept it; an answered invitation cannot be cancelled.
  dv1::ListInvitationsResponse theirs;
  ASSERT_TRUE(stub_->ListInvitations(CallAs(Doctor(invitees[2])).get(), dv1::ListInvitationsRequest(), &theirs).ok());
  EXPECT_EQ(theirs.invitations_size(), 0);
  EXPECT_EQ(Respond(invitees[2], target, true).error_code(), grpc::StatusCode::NOT_FOUND);
  Members(invitees[2], group.space_id(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Cancel(Doctor(owner), to_member.invitation_id()).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Invited again later: a new pending invitation.
  dv1::Invitation again;
  ASSERT_TRUE(Invite(owner, group.space_id(), invitees[2], &again).ok());
  EXPECT_NE(again.invitation_id(), target);
  EXPECT_EQ(Pending(owner, group.space_id(), &s).front(), invitees[2]);
  EXPECT_EQ(Sql("SELECT status FROM discussions.group_invitations WHERE invitation_id = '" + target + "'"),
            "cancelled");
}

}  // namespace
}  // namespace meltingdoc::testing
