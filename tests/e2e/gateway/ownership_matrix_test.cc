// Who may touch whose data, through the gateway (issue #10, "security matrix").
//
// The route matrix (route_matrix_test.cc) asks every route about resources that do not exist.
// This matrix asks about real ones: for every route whose path names a resource, each kind of
// caller — anonymous, pending, a verified doctor outside the group, a group member, a
// moderator outside the group, and the owner of the resource — calls it on a world of its own
// (built through the API before each call, so a deletion cannot leak into the next row):
//
//   owner O: created private group G, invited member M (who accepted) and outsider X (invitation
//   I, still pending), wrote case C in G and reply R on C; a public case P in the general space.
//
// Path variables name those resources (case_id -> C, reply_id -> R, space_id -> G,
// invitation_id -> I, account_id -> O); bodies are real requests, not "{}". Every such route
// must have a row here: the row is its documented access rule, and a caller that gets anything
// but its expected status is an IDOR (or a broken feature) the test names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gateway/route_table.h"
#include "gateway/suite_services.h"
#include "google/protobuf/struct.pb.h"
#include "libs/common/uuid.h"
#include "tests/e2e/gateway/gateway_fixture.h"
#include "tests/e2e/gateway/route_paths.h"

namespace meltingdoc::testing {
namespace {

enum Caller { kAnonymous, kPending, kOutsider, kMember, kModerator, kOwner, kCallerCount };
const char* const kCallerNames[] = {"anonymous", "pending", "outsider", "member", "moderator", "owner"};

struct Row {
  const char* rpc;
  // The request body, with {case} {reply} {space} {public_case} replaced; "" for no body.
  const char* body;
  int status[kCallerCount];
};

// Resources in a private group are invisible to non-members (404, never 403: a non-member
// must not learn that the id exists). Moderators do not read private groups they are not in,
// but (issue #5) may delete any case and read any case's audit trail.
const Row kRows[] = {
    // ---- cases in a private group ----
    {"meltingdoc.discussions.v1.DiscussionsService.GetCase", "", {401, 403, 404, 200, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.UpdateCase",
     R"({"case":{"caseId":"{case}","title":"Titre révisé du cas"},"updateMask":"title"})",
     {401, 403, 404, 403, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.DeleteCase", "", {401, 403, 404, 403, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListCaseRevisions", "", {401, 403, 404, 200, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.AddReply", R"({"text":"Je proposerais une IRM de diffusion."})",
     {401, 403, 404, 200, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListReplies", "", {401, 403, 404, 200, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListCaseAudit", "", {401, 403, 404, 403, 200, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.FollowCase", "{}", {401, 403, 404, 200, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.UnfollowCase", "{}", {401, 403, 404, 200, 404, 200}},
    // ---- replies (R is the owner's reply on the owner's case) ----
    {"meltingdoc.discussions.v1.DiscussionsService.EditReply", R"({"text":"Réponse corrigée.","version":"1"})",
     {401, 403, 404, 403, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.VoteReplyHelpful", R"({"helpful":true})",
     {401, 403, 404, 200, 404, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.AcceptReply", "{}", {401, 403, 404, 403, 404, 200}},
    // ---- the group ----
    {"meltingdoc.discussions.v1.DiscussionsService.InviteToGroup", R"({"accountId":"{fresh}"})",
     {401, 403, 404, 403, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.LeaveGroup", "{}", {401, 403, 404, 200, 404, 400}},
    {"meltingdoc.discussions.v1.DiscussionsService.ListGroupMembers", "", {401, 403, 404, 200, 404, 200}},
    // The invitation I is addressed to the outsider: only they may answer it.
    {"meltingdoc.discussions.v1.DiscussionsService.RespondToInvitation", R"({"accept":true})",
     {401, 403, 200, 404, 404, 404}},
    // The group's pending invitations, and cancelling I: the owner only; a member is refused
    // (403, as for inviting), anyone outside the group — the invitee included — gets 404.
    {"meltingdoc.discussions.v1.DiscussionsService.ListGroupInvitations", "", {401, 403, 404, 403, 404, 200}},
    {"meltingdoc.discussions.v1.DiscussionsService.CancelInvitation", "{}", {401, 403, 404, 403, 404, 200}},
    // ---- accounts (account_id -> O; test tokens, so identity has no row for O: the owner
    // gets past authorization to "not found") ----
    {"meltingdoc.identity.v1.IdentityService.GetAccount", "", {401, 403, 403, 403, 404, 404}},
    {"meltingdoc.identity.v1.IdentityService.DeleteAccount", R"({"password":"not the password"})",
     {401, 403, 403, 403, 403, 404}},
    // Admins only (none among these callers), the owner included: nobody raises their own role.
    {"meltingdoc.identity.v1.IdentityService.SetAccountRole",
     R"({"role":"ROLE_ADMIN","reason":"Je me nomme administrateur"})", {401, 403, 403, 403, 403, 403}},
    // Moderators and admins, never on their own account (the owner is a doctor: 403); the
    // moderator gets past authorization to "not found" (O has no row in identity).
    {"meltingdoc.identity.v1.IdentityService.SuspendAccount", R"({"reason":"Faux médecin signalé par l'Ordre"})",
     {401, 403, 403, 403, 404, 403}},
    {"meltingdoc.identity.v1.IdentityService.UnsuspendAccount", R"({"reason":"Identité confirmée par l'Ordre"})",
     {401, 403, 403, 403, 404, 403}},
    // ---- sessions: the path names a session of nobody here; another's session is covered by
    // tests/integration/identity_accounts/sessions_test.cc (RevokeSession of another account is 404).
    {"meltingdoc.identity.v1.IdentityService.RevokeSession", "{}", {401, 404, 404, 404, 404, 404}},
    // ---- verification requests: the path names a request of nobody here (the decisions on
    // real requests, a moderator's own included, are in tests/integration/identity_register).
    // Moderators only; a moderator with a real body reaches "not found".
    {"meltingdoc.identity.v1.IdentityService.DecideVerification",
     R"({"decision":"DECISION_APPROVE","reason":"Inscrit au tableau de l'Ordre, vérifié par téléphone"})",
     {401, 403, 403, 403, 404, 403}},
    // Admins only: a moderator may decide a request, not reopen a decision.
    {"meltingdoc.identity.v1.IdentityService.ReopenVerification", R"({"reason":"Pièce nouvelle reçue par courrier"})",
     {401, 403, 403, 403, 403, 403}},
    // ---- profiles (profile_id -> O). O has no profile here (profiles creates one from
    // identity's AccountVerified, which test tokens skip), so these rows prove that nobody but
    // O gets past authorization, and that one cannot endorse or disconnect oneself; the
    // effects on real profiles are in tests/integration/profiles. ----
    {"meltingdoc.profiles.v1.ProfilesService.GetProfile", "", {401, 403, 404, 404, 404, 404}},
    {"meltingdoc.profiles.v1.ProfilesService.UpdateProfile",
     R"({"profile":{"profileId":"{owner}","bio":"Neuro-oncologue, RCP hebdomadaire."},"updateMask":"bio"})",
     {401, 403, 403, 403, 403, 404}},
    {"meltingdoc.profiles.v1.ProfilesService.RemoveConnection", "", {401, 403, 404, 404, 404, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.EndorseCompetence", R"({"competenceKey":"free:neuro-oncologie"})",
     {401, 403, 404, 404, 404, 400}},
    {"meltingdoc.profiles.v1.ProfilesService.RetractEndorsement", "", {401, 403, 404, 404, 404, 400}},
};

const Row* RowFor(const std::string& rpc) {
  for (const Row& r : kRows) {
    if (rpc == r.rpc) return &r;
  }
  return nullptr;
}

class OwnershipMatrixTest : public GatewayStack {
 protected:
  struct Account {
    std::string id;
    std::string token;
  };
  struct World {
    Account owner, member, outsider, moderator, pending;
    std::string group, invitation, group_case, reply, public_case;
  };

  // POST/GET as `token`; the parsed JSON of a 200, or a test failure.
  google::protobuf::Struct Call(const std::string& method, const std::string& target, const std::string& token,
                                const std::string& body = "") {
    HttpCall call;
    call.method = method;
    call.target = target;
    call.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) {
      call.headers.emplace_back("Content-Type", "application/json");
      call.body = body;
    }
    auto r = HttpRequest(port(), call);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << method << " " << target << ": " << r->body;
    return r->status == 200 ? Json(r->body) : google::protobuf::Struct();
  }

  static std::string Field(const google::protobuf::Struct& s, const std::string& message, const std::string& field) {
    auto m = s.fields().find(message);
    if (m == s.fields().end()) return "";
    auto f = m->second.struct_value().fields().find(field);
    return f == m->second.struct_value().fields().end() ? "" : f->second.string_value();
  }

  Account Doctor() {
    Account a{NewUuid(), ""};
    a.token = tokens_->VerifiedDoctor(a.id);
    return a;
  }

  std::string GeneralSpace() {
    const google::protobuf::Struct spaces = Call("GET", "/v1/spaces?pageSize=100", Doctor().token);
    for (const auto& s : spaces.fields().at("spaces").list_value().values()) {
      const auto& f = s.struct_value().fields();
      if (f.at("kind").string_value() == "SPACE_KIND_GENERAL") return f.at("spaceId").string_value();
    }
    ADD_FAILURE() << "no general space";
    return "";
  }

  World NewWorld() {
    World w;
    w.owner = Doctor();
    w.member = Doctor();
    w.outsider = Doctor();
    w.moderator.id = NewUuid();
    w.moderator.token = tokens_->WithRole(w.moderator.id, auth::Role::kModerator);
    w.pending.id = NewUuid();
    w.pending.token = tokens_->Pending(w.pending.id);

    w.group = Field(Call("POST", "/v1/groups", w.owner.token, R"({"title":"Staff de neuro-oncologie"})"), "space", "spaceId");
    const std::string to_member = Field(
        Call("POST", absl::StrCat("/v1/groups/", w.group, "/invitations"), w.owner.token,
             absl::StrCat(R"({"accountId":")", w.member.id, R"("})")),
        "invitation", "invitationId");
    Call("POST", absl::StrCat("/v1/invitations/", to_member, ":respond"), w.member.token, R"({"accept":true})");
    w.invitation = Field(Call("POST", absl::StrCat("/v1/groups/", w.group, "/invitations"), w.owner.token,
                              absl::StrCat(R"({"accountId":")", w.outsider.id, R"("})")),
                         "invitation", "invitationId");
    const std::string case_json = R"({"spaceId":"%s","title":"Céphalées progressives chez un adulte jeune",)"
                                  R"("body":{"question":"Quel bilan complémentaire proposeriez-vous ?"}})";
    w.group_case = Field(Call("POST", "/v1/cases", w.owner.token, absl::StrReplaceAll(case_json, {{"%s", w.group}})),
                         "case", "caseId");
    w.public_case = Field(
        Call("POST", "/v1/cases", w.owner.token, absl::StrReplaceAll(case_json, {{"%s", general_space_}})), "case",
        "caseId");
    w.reply = Field(Call("POST", absl::StrCat("/v1/cases/", w.group_case, "/replies"), w.owner.token,
                         R"({"text":"Premier élément : IRM avec injection."})"),
                    "reply", "replyId");
    return w;
  }

  const Account& As(const World& w, Caller c) {
    switch (c) {
      case kPending: return w.pending;
      case kOutsider: return w.outsider;
      case kMember: return w.member;
      case kModerator: return w.moderator;
      case kOwner: return w.owner;
      default: return anonymous_;
    }
  }

  static std::string PathIn(const gateway::Route& route, const World& w) {
    // Variables in template order; each one's field decides the resource.
    size_t next = 0;
    return RoutePath(route, [&]() -> std::string {
      const std::string field = next < route.path.variables().size() ? route.path.variables()[next].field_path : "";
      ++next;
      if (field == "case_id" || field == "case.case_id") return w.group_case;
      if (field == "reply_id") return w.reply;
      if (field == "space_id") return w.group;
      if (field == "invitation_id") return w.invitation;
      if (field == "account_id") return w.owner.id;
      if (field == "profile_id" || field == "profile.profile_id") return w.owner.id;
      if (field == "competence_key") return "free:neuro-oncologie";
      return NewUuid();
    });
  }

  static std::string BodyIn(const Row& row, const World& w) {
    return absl::StrReplaceAll(row.body, {{"{case}", w.group_case},
                                          {"{reply}", w.reply},
                                          {"{space}", w.group},
                                          {"{public_case}", w.public_case},
                                          {"{owner}", w.owner.id},
                                          {"{fresh}", NewUuid()}});
  }

  void SetUp() override {
    GatewayStack::SetUp();
    if (!IsSkipped() && general_space_.empty()) general_space_ = GeneralSpace();
  }

  Account anonymous_;
  static std::string general_space_;
};

std::string OwnershipMatrixTest::general_space_;

TEST_F(OwnershipMatrixTest, EveryRouteOnARealResourceAnswersEachCallerAsDocumented) {
  auto table = gateway::RouteTable::Build(gateway::SuiteServiceDescriptors());
  ASSERT_TRUE(table.ok()) << table.status();
  std::vector<std::string> uncovered, mismatches;
  int checked = 0;
  for (const gateway::Route& route : table->routes()) {
    if (route.path.variables().empty()) continue;  // names no resource: the route matrix covers it
    const Row* row = RowFor(route.method->full_name());
    if (row == nullptr) {
      uncovered.push_back(absl::StrCat(route.method->full_name(), " (", route.label, ")"));
      continue;
    }
    for (int c = 0; c < kCallerCount; ++c) {
      const World w = NewWorld();
      ASSERT_FALSE(w.group.empty() || w.invitation.empty() || w.group_case.empty() || w.reply.empty() ||
                   w.public_case.empty())
          << "could not build the world";
      HttpCall call;
      call.method = route.http_method;
      call.target = PathIn(route, w);
      const std::string& token = As(w, static_cast<Caller>(c)).token;
      if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
      if (!route.body.empty()) {
        call.headers.emplace_back("Content-Type", "application/json");
        call.body = BodyIn(*row, w);
      }
      auto r = HttpRequest(port(), call);
      ASSERT_TRUE(r.ok()) << r.status();
      ++checked;
      if (r->status != row->status[c]) {
        mismatches.push_back(absl::StrCat(route.label, " as ", kCallerNames[c], ": ", r->status, " (documented ",
                                          row->status[c], ") ", r->body.substr(0, 160)));
      }
      if (r->status >= 400) {
        EXPECT_EQ(r->Header("content-type"), "application/problem+json") << route.label;
      }
    }
  }
  EXPECT_GT(checked, 60);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " callers got another status than documented:\n  "
                                  << absl::StrJoin(mismatches, "\n  ");
  EXPECT_TRUE(uncovered.empty()) << "routes naming a resource with no ownership rule; add them to kRows in "
                                 << __FILE__ << ":\n  " << absl::StrJoin(uncovered, "\n  ");
}

// The one place where a route without path variables names a resource by its body: reports
// and moderation decisions about the private case C.
TEST_F(OwnershipMatrixTest, ReportsAndModerationOfAPrivateCase) {
  const World w = NewWorld();
  const std::string report = absl::StrCat(R"({"caseId":")", w.group_case, R"(","reason":"REPORT_REASON_CONDUCT"})");
  auto as = [&](const Account& a, const std::string& target, const std::string& body) {
    HttpCall call;
    call.method = "POST";
    call.target = target;
    call.headers = {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/json"}};
    call.body = body;
    auto r = HttpRequest(port(), call);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->status : 0;
  };
  EXPECT_EQ(as(w.outsider, "/v1/reports", report), 404) << "an outsider reported a case they cannot see";
  EXPECT_EQ(as(w.member, "/v1/reports", report), 200);
  const std::string hide = absl::StrCat(R"({"caseId":")", w.group_case, R"(","reason":"Signalement vérifié"})");
  EXPECT_EQ(as(w.member, "/v1/moderation:hide", hide), 403);
  EXPECT_EQ(as(w.owner, "/v1/moderation:hide", hide), 403);
  EXPECT_EQ(as(w.moderator, "/v1/moderation:hide", hide), 200);
}

}  // namespace
}  // namespace meltingdoc::testing
