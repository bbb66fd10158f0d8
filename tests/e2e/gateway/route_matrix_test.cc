// Every route of the gateway's table × every kind of caller gets its documented status.
//
// The routes come from the same descriptors the gateway reads, so a new annotated RPC is
// covered automatically: it fails here until its row is added to kExpectations below (that
// row is its documented access rule). Path variables get fresh UUIDs (nothing exists), bodies
// are "{}", so the expected status is the authorization answer for an unknown resource.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/route_table.h"
#include "gateway/suite_services.h"
#include "libs/common/uuid.h"
#include "tests/e2e/gateway/gateway_fixture.h"
#include "tests/e2e/gateway/route_paths.h"

namespace meltingdoc::testing {
namespace {

enum Caller { kAnonymous, kPending, kVerified, kModerator, kAdmin, kCallerCount };
const char* const kCallerNames[] = {"anonymous", "pending", "verified", "moderator", "admin"};

struct Expectation {
  const char* rpc;  // full method name
  int status[kCallerCount];
};

// The documented access rules, by RPC: anonymous, pending, verified doctor, moderator, admin.
// (Resources named by the path do not exist, so "allowed" reads as 404 for a Get.)
const Expectation kExpectations[] = {
    // Own account, or moderators and admins.
    {"meltingdoc.identity.v1.IdentityService.GetAccount", {401, 403, 403, 404, 404}},
    // Any signed-in account, for itself (the unknown account of the test is 404).
    {"meltingdoc.identity.v1.IdentityService.GetMe", {401, 404, 404, 404, 404}},
    // Any signed-in account, for itself; the empty body is then refused (rpps or adeli needed).
    {"meltingdoc.identity.v1.IdentityService.StartVerification", {401, 400, 400, 400, 400}},
    // Moderators and admins.
    {"meltingdoc.identity.v1.IdentityService.ListPendingVerifications", {401, 403, 403, 200, 200}},
    // Moderators and admins; the empty body is then refused (decision and reason needed).
    {"meltingdoc.identity.v1.IdentityService.DecideVerification", {401, 403, 403, 400, 400}},
    // Admins only; the empty body is then refused (path needed).
    {"meltingdoc.identity.v1.IdentityService.ImportRegister", {401, 403, 403, 403, 400}},
    // Admins only; the empty body is then refused (role and reason needed).
    {"meltingdoc.identity.v1.IdentityService.SetAccountRole", {401, 403, 403, 403, 400}},
    // Admins only; the empty body is then refused (reason needed).
    {"meltingdoc.identity.v1.IdentityService.ReopenVerification", {401, 403, 403, 403, 400}},
    // Moderators and admins; the empty body is then refused (reason needed).
    {"meltingdoc.identity.v1.IdentityService.SuspendAccount", {401, 403, 403, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.UnsuspendAccount", {401, 403, 403, 400, 400}},
    // Verified doctors read any profile; others only their own.
    {"meltingdoc.profiles.v1.ProfilesService.GetProfile", {401, 403, 404, 404, 404}},
    // Anyone signed in has a "my profile" once verified (none exists here).
    {"meltingdoc.profiles.v1.ProfilesService.GetMyProfile", {401, 404, 404, 404, 404}},
    // Verified doctors; "{}" names no id.
    {"meltingdoc.profiles.v1.ProfilesService.BatchGetProfiles", {401, 403, 400, 400, 400}},
    // The doctor only: the path names someone else.
    {"meltingdoc.profiles.v1.ProfilesService.UpdateProfile", {401, 403, 403, 403, 403}},
    // Reference data: anyone signed in.
    {"meltingdoc.profiles.v1.ProfilesService.ListSpecialties", {401, 200, 200, 200, 200}},
    {"meltingdoc.profiles.v1.ProfilesService.ListCompetences", {401, 200, 200, 200, 200}},
    // The commune table: anyone signed in; without a query it is a 400.
    {"meltingdoc.profiles.v1.ProfilesService.SearchCommunes", {401, 400, 400, 400, 400}},
    // Admins (search's Reindex).
    {"meltingdoc.profiles.v1.ProfilesService.ExportProfiles", {401, 403, 403, 403, 200}},
    // The network: verified doctors; "{}" names no colleague.
    {"meltingdoc.profiles.v1.ProfilesService.RequestConnection", {401, 403, 400, 400, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.RespondToConnection", {401, 403, 400, 400, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.WithdrawConnectionRequest", {401, 403, 400, 400, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.RemoveConnection", {401, 403, 404, 404, 404}},
    {"meltingdoc.profiles.v1.ProfilesService.ListConnections", {401, 403, 200, 200, 200}},
    {"meltingdoc.profiles.v1.ProfilesService.ListConnectionRequests", {401, 403, 200, 200, 200}},
    {"meltingdoc.profiles.v1.ProfilesService.ListSuggestedColleagues", {401, 403, 200, 200, 200}},
    {"meltingdoc.profiles.v1.ProfilesService.EndorseCompetence", {401, 403, 400, 400, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.RetractEndorsement", {401, 403, 404, 404, 404}},
    // Verified doctors.
    {"meltingdoc.discussions.v1.DiscussionsService.ListSpaces", {401, 403, 200, 200, 200}},
    // Discussions: verified doctors only (moderators and admins are verified doctors too).
    // An empty text has no finding; an empty case or an update without mask is a 400.
    {"meltingdoc.discussions.v1.DiscussionsService.CheckText", {401, 403, 200, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.CreateCase", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.GetCase", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListCases", {401, 403, 200, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.UpdateCase", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.DeleteCase", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListCaseRevisions", {401, 403, 404, 404, 404}},
    // Replies: an empty text is a 400; unknown cases and replies are 404.
    {"meltingdoc.discussions.v1.DiscussionsService.AddReply", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListReplies", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.EditReply", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.VoteReplyHelpful", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.AcceptReply", {401, 403, 404, 404, 404}},
    // Private groups: an empty title is a 400, an unknown group or invitation a 404; everyone
    // has a (possibly empty) list of invitations.
    {"meltingdoc.discussions.v1.DiscussionsService.CreateGroup", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.InviteToGroup", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListInvitations", {401, 403, 200, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.RespondToInvitation", {401, 403, 404, 404, 404}},
    // A group's pending invitations and their cancellation: its owner only (unknown here: 404).
    {"meltingdoc.discussions.v1.DiscussionsService.ListGroupInvitations", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.CancelInvitation", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.LeaveGroup", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListGroupMembers", {401, 403, 404, 404, 404}},
    // Audit and moderation: reports need a target (400); the queue and decisions are for
    // moderators (a decision without target is a 400 once the role is checked).
    {"meltingdoc.discussions.v1.DiscussionsService.ListCaseAudit", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.ReportContent", {401, 403, 400, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListReports", {401, 403, 403, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.HideContent", {401, 403, 403, 400, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.UnhideContent", {401, 403, 403, 400, 400}},
    // Follows need an existing case; everyone has notifications (possibly none).
    {"meltingdoc.discussions.v1.DiscussionsService.FollowCase", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.UnfollowCase", {401, 403, 404, 404, 404}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListNotifications", {401, 403, 200, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.MarkNotificationsRead", {401, 403, 200, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.GetUnreadCount", {401, 403, 200, 200, 200}},
    // Admins only.
    {"meltingdoc.search.v1.SearchService.GetIndexStats", {401, 403, 403, 403, 200}},
    // Accounts and sessions (identity). No token needed: with the empty body "{}" these are
    // bad input (or, without a signing key, FAILED_PRECONDITION), 400 for everybody.
    {"meltingdoc.identity.v1.IdentityService.RegisterAccount", {400, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.ConfirmEmail", {400, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.ResendConfirmationCode", {400, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.Login", {400, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.VerifySecondFactor", {400, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.Refresh", {400, 400, 400, 400, 400}},
    // Public keys: anyone.
    {"meltingdoc.identity.v1.IdentityService.GetSigningKeys", {200, 200, 200, 200, 200}},
    // The caller's own session(s), any account: the session named by the path is not theirs (404);
    // an empty ChangePassword/ConfirmTotp is bad input; EnrollTotp needs an existing account (404).
    {"meltingdoc.identity.v1.IdentityService.Logout", {401, 200, 200, 200, 200}},
    {"meltingdoc.identity.v1.IdentityService.ListSessions", {401, 200, 200, 200, 200}},
    {"meltingdoc.identity.v1.IdentityService.RevokeSession", {401, 404, 404, 404, 404}},
    {"meltingdoc.identity.v1.IdentityService.ChangePassword", {401, 400, 400, 400, 400}},
    {"meltingdoc.identity.v1.IdentityService.EnrollTotp", {401, 404, 404, 404, 404}},
    {"meltingdoc.identity.v1.IdentityService.ConfirmTotp", {401, 400, 400, 400, 400}},
    // Only one's own account, whatever the role.
    {"meltingdoc.identity.v1.IdentityService.DeleteAccount", {401, 403, 403, 403, 403}},
    // Verified doctors; with no query nor filter a search lists (empty index here), while
    // Suggest needs a prefix.
    {"meltingdoc.search.v1.SearchService.SearchDoctors", {401, 403, 200, 200, 200}},
    {"meltingdoc.search.v1.SearchService.SearchCases", {401, 403, 200, 200, 200}},
    {"meltingdoc.search.v1.SearchService.Suggest", {401, 403, 400, 400, 400}},
};

const Expectation* ExpectationFor(const std::string& rpc) {
  for (const Expectation& e : kExpectations) {
    if (rpc == e.rpc) return &e;
  }
  return nullptr;
}

class RouteMatrixTest : public GatewayStack {};

TEST_F(RouteMatrixTest, EveryRouteAnswersEveryCallerAsDocumented) {
  auto table = gateway::RouteTable::Build(gateway::SuiteServiceDescriptors());
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_GE(table->routes().size(), 4u);
  std::vector<std::string> uncovered;
  for (const gateway::Route& route : table->routes()) {
    const Expectation* e = ExpectationFor(route.method->full_name());
    if (e == nullptr) {
      uncovered.push_back(absl::StrCat(route.method->full_name(), " (", route.label, ")"));
      continue;
    }
    for (int c = 0; c < kCallerCount; ++c) {
      const std::string account = NewUuid();
      std::string token;
      switch (c) {
        case kAnonymous: break;
        case kPending: token = tokens_->Pending(account); break;
        case kVerified: token = tokens_->VerifiedDoctor(account); break;
        case kModerator: token = tokens_->WithRole(account, auth::Role::kModerator); break;
        case kAdmin: token = tokens_->WithRole(account, auth::Role::kAdmin); break;
      }
      HttpCall call;
      call.method = route.http_method;
      call.target = RoutePath(route, [] { return NewUuid(); });
      if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
      if (!route.body.empty()) {
        call.headers.emplace_back("Content-Type", "application/json");
        call.body = "{}";
      }
      auto r = HttpRequest(port(), call);
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->status, e->status[c]) << route.label << " as " << kCallerNames[c] << " (" << call.method << " "
                                         << call.target << "): " << r->body;
      if (r->status >= 400) {
        EXPECT_EQ(r->Header("content-type"), "application/problem+json") << route.label;
      }
    }
  }
  EXPECT_TRUE(uncovered.empty()) << "routes with no documented access rule; add them to kExpectations in "
                                 << __FILE__ << ":\n  " << absl::StrJoin(uncovered, "\n  ");
}

}  // namespace
}  // namespace meltingdoc::testing
