#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/page_token.h"
#include "services/discussions/discussions_service.h"
#include "tests/unit/services/handler_fixture.h"

namespace meltingdoc::discussions {
namespace {

using auth::Role;
using auth::VerificationStatus;
using testing::CallContext;
using testing::ExpectBadRequestNaming;

// Returns `rows_available` spaces titled "Space 000", "Space 001", ..., at most `limit`.
class FakeDiscussionsStore : public DiscussionsStore {
 public:
  absl::StatusOr<std::vector<v1::Space>> ListSpaces(const std::string& account_id,
                                                    const std::optional<SpaceCursor>& after,
                                                    int limit) override {
    ++calls;
    last_account_id = account_id;
    last_after = after;
    last_limit = limit;
    if (!error.ok()) return error;
    std::vector<v1::Space> out;
    for (int i = 0; i < rows_available && i < limit; ++i) {
      v1::Space s;
      s.set_space_id(absl::StrCat("00000000-0000-4000-8000-", absl::Dec(i, absl::kZeroPad12)));
      s.set_title(absl::StrCat("Space ", absl::Dec(i, absl::kZeroPad3)));
      s.set_kind(v1::SPACE_KIND_SPECIALTY);
      out.push_back(std::move(s));
    }
    return out;
  }
  // The case methods only count calls here: the handler tests below check what must never
  // reach the store; the store itself is tested on PostgreSQL (tests/integration/discussions).
  absl::StatusOr<v1::Case> CreateCase(const NewCase& n, bool* created) override {
    ++case_calls;
    last_new_case = n;
    *created = true;
    v1::Case c;
    c.set_case_id("00000000-0000-4000-8000-00000000abcd");
    c.set_title(n.content.title);
    return c;
  }
  absl::StatusOr<v1::Case> GetCase(const std::string&, bool, const std::string&,
                                   const std::optional<std::string>&) override {
    ++case_calls;
    return absl::NotFoundError("case not found");
  }
  absl::StatusOr<std::vector<v1::Case>> ListCases(const std::string&, const CaseFilter&,
                                                  const std::optional<CaseCursor>&, int) override {
    ++case_calls;
    return std::vector<v1::Case>{};
  }
  absl::StatusOr<v1::Case> UpdateCase(const std::string&, const std::string&, int64_t,
                                      const CaseContent&) override {
    ++case_calls;
    return absl::NotFoundError("case not found");
  }
  absl::Status DeleteCase(const std::string&, bool, const std::string&) override {
    ++case_calls;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::CaseRevision>> ListCaseRevisions(const std::string&, bool,
                                                                  const std::string&) override {
    ++case_calls;
    return std::vector<v1::CaseRevision>{};
  }
  absl::StatusOr<v1::Reply> AddReply(const NewReply&, bool, bool* created, std::vector<std::string>*) override {
    ++case_calls;
    *created = true;
    return v1::Reply();
  }
  absl::StatusOr<std::vector<v1::Reply>> ListReplies(const std::string&, bool, const std::string&,
                                                     const std::optional<ReplyCursor>&, int) override {
    ++case_calls;
    return std::vector<v1::Reply>{};
  }
  absl::StatusOr<v1::Reply> EditReply(const std::string&, bool, const std::string&, int64_t,
                                      const std::string&) override {
    ++case_calls;
    return v1::Reply();
  }
  absl::StatusOr<v1::Reply> VoteReplyHelpful(const std::string&, bool, const std::string&, bool) override {
    ++case_calls;
    return v1::Reply();
  }
  absl::StatusOr<v1::Case> AcceptReply(const std::string&, bool, const std::string&, std::vector<std::string>*) override {
    ++case_calls;
    return v1::Case();
  }
  absl::StatusOr<v1::Space> CreateGroup(const std::string&, const std::string&) override {
    ++case_calls;
    return v1::Space();
  }
  absl::StatusOr<v1::Invitation> InviteToGroup(const std::string&, const std::string&, const std::string&) override {
    ++case_calls;
    return v1::Invitation();
  }
  absl::StatusOr<std::vector<v1::Invitation>> ListInvitations(const std::string&, int) override {
    ++case_calls;
    return std::vector<v1::Invitation>{};
  }
  absl::StatusOr<v1::Invitation> RespondToInvitation(const std::string&, const std::string&, bool) override {
    ++case_calls;
    return v1::Invitation();
  }
  absl::StatusOr<std::vector<v1::Invitation>> ListGroupInvitations(const std::string&, const std::string&,
                                                                   const std::optional<InvitationCursor>&,
                                                                   int) override {
    ++case_calls;
    return std::vector<v1::Invitation>{};
  }
  absl::StatusOr<v1::Invitation> CancelInvitation(const std::string&, const std::string&) override {
    ++case_calls;
    return v1::Invitation();
  }
  absl::Status LeaveGroup(const std::string&, const std::string&) override {
    ++case_calls;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::GroupMember>> ListGroupMembers(const std::string&, const std::string&,
                                                                const std::optional<MemberCursor>&, int) override {
    ++case_calls;
    return std::vector<v1::GroupMember>{};
  }
  absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseRead>>> ListCaseAudit(const std::string&, bool,
                                                                              const std::string&, int64_t,
                                                                              int) override {
    ++case_calls;
    return std::vector<std::pair<int64_t, v1::CaseRead>>{};
  }
  absl::StatusOr<v1::Report> ReportContent(const std::string&, const ContentRef&, v1::ReportReason,
                                           const std::string&) override {
    ++case_calls;
    return v1::Report();
  }
  absl::StatusOr<std::vector<v1::Report>> ListReports(const std::optional<std::pair<int64_t, std::string>>&,
                                                      int) override {
    ++case_calls;
    return std::vector<v1::Report>{};
  }
  absl::Status SetHidden(const std::string&, const ContentRef&, bool, const std::string&) override {
    ++case_calls;
    return absl::OkStatus();
  }
  absl::Status SetFollow(const std::string&, bool, const std::string&, bool) override {
    ++case_calls;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::Notification>> ListNotifications(const std::string&, int64_t, int) override {
    ++case_calls;
    return std::vector<v1::Notification>{};
  }
  absl::StatusOr<int64_t> MarkNotificationsRead(const std::string&, int64_t) override {
    ++case_calls;
    return 0;
  }
  absl::StatusOr<int64_t> CountUnread(const std::string&) override {
    ++case_calls;
    return unread;
  }
  absl::StatusOr<ExportPage> ExportEvents(const ExportPosition& after, int, size_t) override {
    ++case_calls;
    ExportPage page;
    page.last = after;
    page.done = true;
    return page;
  }
  int64_t unread = 0;
  int case_calls = 0;
  NewCase last_new_case;
  int calls = 0;
  std::string last_account_id;
  std::optional<SpaceCursor> last_after;
  int last_limit = -1;
  int rows_available = 0;
  absl::Status error;
};

class DiscussionsHandlerTest : public testing::HandlerTest {
 protected:
  absl::Status List(int page_size, const std::string& page_token = "",
                    const std::string* token = nullptr) {
    v1::ListSpacesRequest req;
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    response_.Clear();
    return service_.DoListSpaces(CallContext::Bearer(token ? *token : doctor_)->get(), req,
                                 response_);
  }

  const std::string me_ = NewUuid();
  const std::string doctor_ = tokens_.VerifiedDoctor(me_);
  FakeDiscussionsStore store_;
  DiscussionsServiceImpl service_{&store_, &verifier_, &executor_};
  v1::ListSpacesResponse response_;
};

TEST_F(DiscussionsHandlerTest, DefaultPageAsksTheStoreForOneRowMore) {
  store_.rows_available = 3;
  ASSERT_TRUE(List(0).ok());
  EXPECT_EQ(store_.last_limit, kDefaultPageSize + 1);
  EXPECT_EQ(store_.last_limit, 51);
  EXPECT_EQ(store_.last_account_id, me_) << "the store filters by the caller";
  EXPECT_FALSE(store_.last_after.has_value());
  ASSERT_EQ(response_.spaces_size(), 3);
  EXPECT_EQ(response_.spaces(0).title(), "Space 000");
  EXPECT_EQ(response_.spaces(2).title(), "Space 002");
  EXPECT_EQ(response_.next_page_token(), "") << "last page";
}

TEST_F(DiscussionsHandlerTest, PageSizeBounds) {
  ASSERT_TRUE(List(1).ok());
  EXPECT_EQ(store_.last_limit, 2);
  ASSERT_TRUE(List(kMaxPageSize).ok());
  EXPECT_EQ(store_.last_limit, 101);
  const int calls = store_.calls;
  for (int bad : {101, -1, 1000000, -2147483647 - 1, 2147483647}) {
    ExpectBadRequestNaming(List(bad), "page_size");
  }
  EXPECT_EQ(store_.calls, calls) << "invalid requests must not reach the store";
}

TEST_F(DiscussionsHandlerTest, NextPageTokenOnlyWhenThereIsMore) {
  store_.rows_available = 50;  // exactly a default page
  ASSERT_TRUE(List(0).ok());
  EXPECT_EQ(response_.spaces_size(), 50);
  EXPECT_EQ(response_.next_page_token(), "");

  store_.rows_available = 51;
  ASSERT_TRUE(List(0).ok());
  EXPECT_EQ(response_.spaces_size(), 50) << "the extra row is not shown";
  EXPECT_NE(response_.next_page_token(), "");

  store_.rows_available = 0;
  ASSERT_TRUE(List(0).ok());
  EXPECT_EQ(response_.spaces_size(), 0);
  EXPECT_EQ(response_.next_page_token(), "");
}

TEST_F(DiscussionsHandlerTest, TokenResumesAfterTheLastRowShown) {
  store_.rows_available = 10;
  ASSERT_TRUE(List(3).ok());
  ASSERT_EQ(response_.spaces_size(), 3);
  const v1::Space last = response_.spaces(2);
  const std::string token = response_.next_page_token();
  ASSERT_FALSE(token.empty());

  ASSERT_TRUE(List(3, token).ok());
  ASSERT_TRUE(store_.last_after.has_value());
  EXPECT_EQ(store_.last_after->title, "Space 002");
  EXPECT_EQ(store_.last_after->title, last.title());
  EXPECT_EQ(store_.last_after->space_id, last.space_id());
  EXPECT_EQ(store_.last_limit, 4);
}

TEST_F(DiscussionsHandlerTest, CursorKeepsUnusualTitlesExactly) {
  // A title with separators, quotes and non-ASCII text must come back byte for byte.
  const std::string title = "Médecine \"générale\" | 2:3;\n\\";
  const std::string token =
      EncodePageToken("spaces", {title, "00000000-0000-4000-8000-000000000007"});
  ASSERT_TRUE(List(5, token).ok());
  ASSERT_TRUE(store_.last_after.has_value());
  EXPECT_EQ(store_.last_after->title, title);
  EXPECT_EQ(store_.last_after->space_id, "00000000-0000-4000-8000-000000000007");
}

TEST_F(DiscussionsHandlerTest, BadPageTokenIsInvalidArgumentNamingPageToken) {
  const int calls = store_.calls;
  for (const std::string& bad :
       {std::string("garbage"), std::string("!!!"), std::string(5000, 'A'),
        EncodePageToken("posts", {"Space 001", "x"}),  // another list's token
        EncodePageToken("spaces", {"only one key"})}) {
    ExpectBadRequestNaming(List(10, bad), "page_token");
  }
  EXPECT_EQ(store_.calls, calls);
}

// Page tokens are not signed: a forged time key outside what a timestamp holds
// ('epoch' + micros does not fit) is refused naming page_token before the database sees it.
TEST_F(DiscussionsHandlerTest, PageTokenTimesOutsideTheTimestampRangeAreInvalidArgument) {
  const std::string id = NewUuid();
  const auto ctx = [&] { return CallContext::Bearer(doctor_); };
  const int before = store_.case_calls;
  for (const std::string& micros : {std::string("-9223372036854775808"), std::string("-1"),
                                   std::string("253402300800000000"), std::string("9223372036854775807")}) {
    v1::ListGroupInvitationsRequest invitations;
    invitations.set_space_id(id);
    invitations.set_page_token(EncodePageToken(absl::StrCat("group-invitations/", id), {micros, id}));
    v1::ListGroupInvitationsResponse invitations_out;
    ExpectBadRequestNaming(service_.DoListGroupInvitations(ctx()->get(), invitations, invitations_out), "page_token");

    v1::ListGroupMembersRequest members;
    members.set_space_id(id);
    members.set_page_token(EncodePageToken(absl::StrCat("members/", id), {micros, id}));
    v1::ListGroupMembersResponse members_out;
    ExpectBadRequestNaming(service_.DoListGroupMembers(ctx()->get(), members, members_out), "page_token");

    v1::ListRepliesRequest replies;
    replies.set_case_id(id);
    replies.set_page_token(EncodePageToken(absl::StrCat("replies/", id), {micros, id}));
    v1::ListRepliesResponse replies_out;
    ExpectBadRequestNaming(service_.DoListReplies(ctx()->get(), replies, replies_out), "page_token");
  }
  EXPECT_EQ(store_.case_calls, before) << "a forged token reached the store";
  // A time the lists do write is taken.
  v1::ListGroupInvitationsRequest ok;
  ok.set_space_id(id);
  ok.set_page_token(EncodePageToken(absl::StrCat("group-invitations/", id), {"1764500000000000", id}));
  v1::ListGroupInvitationsResponse ok_out;
  EXPECT_TRUE(service_.DoListGroupInvitations(ctx()->get(), ok, ok_out).ok());
}

TEST_F(DiscussionsHandlerTest, OnlyVerifiedDoctorsList) {
  for (VerificationStatus status :
       {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
        VerificationStatus::kRejected, VerificationStatus::kSuspended}) {
    const std::string token = TokenFor(me_, Role::kDoctor, status);
    EXPECT_EQ(List(10, "", &token).code(), absl::StatusCode::kPermissionDenied)
        << auth::VerificationStatusName(status);
  }
  const std::string pending = tokens_.Pending(me_);
  EXPECT_EQ(List(10, "", &pending).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(DiscussionsHandlerTest, MissingTokenIsUnauthenticated) {
  v1::ListSpacesRequest req;
  EXPECT_EQ(service_.DoListSpaces(CallContext("").get(), req, response_).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(DiscussionsHandlerTest, IdentifyingDataNeverReachesTheStore) {
  v1::CreateCaseRequest req;
  req.mutable_case_()->set_space_id("00000000-0000-4000-8000-000000000001");
  req.mutable_case_()->set_title("Avis pour Mme Durand");
  req.mutable_case_()->mutable_body()->set_question("Que faire ?");
  v1::CreateCaseResponse resp;
  const absl::Status s = service_.DoCreateCase(CallContext::Bearer(doctor_)->get(), req, resp);
  ExpectBadRequestNaming(s, "case.title");
  EXPECT_EQ(store_.case_calls, 0);

  req.mutable_case_()->set_title("Avis pour une patiente de 67 ans");
  ASSERT_TRUE(service_.DoCreateCase(CallContext::Bearer(doctor_)->get(), req, resp).ok());
  EXPECT_EQ(store_.case_calls, 1);
  EXPECT_EQ(store_.last_new_case.author_id, me_) << "the author is the caller, never the request";
}

TEST_F(DiscussionsHandlerTest, RepliesWithIdentifyingDataNeverReachTheStore) {
  v1::AddReplyRequest add;
  add.set_case_id("00000000-0000-4000-8000-00000000abcd");
  add.set_text("Voir son dossier : IPP 80012345.");
  v1::AddReplyResponse added;
  ExpectBadRequestNaming(service_.DoAddReply(CallContext::Bearer(doctor_)->get(), add, added), "text");
  v1::EditReplyRequest edit;
  edit.set_reply_id("00000000-0000-4000-8000-00000000abce");
  edit.set_text("Appelez sa fille au 06 12 34 56 78.");
  v1::EditReplyResponse edited;
  ExpectBadRequestNaming(service_.DoEditReply(CallContext::Bearer(doctor_)->get(), edit, edited), "text");
  edit.set_text("");
  ExpectBadRequestNaming(service_.DoEditReply(CallContext::Bearer(doctor_)->get(), edit, edited), "text");
  EXPECT_EQ(store_.case_calls, 0);
}

TEST_F(DiscussionsHandlerTest, GroupTitlesAreCheckedByTheGuard) {
  v1::CreateGroupRequest req;
  req.set_title("Suivi de Mme Durand");
  v1::CreateGroupResponse resp;
  ExpectBadRequestNaming(service_.DoCreateGroup(CallContext::Bearer(doctor_)->get(), req, resp), "title");
  req.set_title(std::string(121, 'g'));
  ExpectBadRequestNaming(service_.DoCreateGroup(CallContext::Bearer(doctor_)->get(), req, resp), "title");
  EXPECT_EQ(store_.case_calls, 0);
  req.set_title("Staff MICI du jeudi");
  ASSERT_TRUE(service_.DoCreateGroup(CallContext::Bearer(doctor_)->get(), req, resp).ok());
  EXPECT_EQ(store_.case_calls, 1);
}

TEST_F(DiscussionsHandlerTest, ModerationIsForModeratorsAndNeedsOneTargetAndAReason) {
  v1::HideContentRequest hide;
  hide.set_case_id("00000000-0000-4000-8000-00000000abcd");
  hide.set_reason("Données identifiantes");
  v1::HideContentResponse hidden;
  EXPECT_EQ(service_.DoHideContent(CallContext::Bearer(doctor_)->get(), hide, hidden).code(),
            absl::StatusCode::kPermissionDenied);
  const std::string moderator = tokens_.WithRole(me_, Role::kModerator);
  hide.set_reply_id("00000000-0000-4000-8000-00000000abce");
  EXPECT_EQ(service_.DoHideContent(CallContext::Bearer(moderator)->get(), hide, hidden).code(),
            absl::StatusCode::kInvalidArgument);
  hide.clear_reply_id();
  hide.set_reason(" ");
  ExpectBadRequestNaming(service_.DoHideContent(CallContext::Bearer(moderator)->get(), hide, hidden), "reason");
  EXPECT_EQ(store_.case_calls, 0);
  hide.set_reason("Données identifiantes");
  EXPECT_TRUE(service_.DoHideContent(CallContext::Bearer(moderator)->get(), hide, hidden).ok());
  EXPECT_EQ(store_.case_calls, 1);

  v1::ReportContentRequest report;
  report.set_case_id("00000000-0000-4000-8000-00000000abcd");
  report.set_reason(v1::REPORT_REASON_PATIENT_DATA);
  report.set_details("Le nom complet est dans le titre : Mme Durand.");
  v1::ReportContentResponse reported;
  ExpectBadRequestNaming(service_.DoReportContent(CallContext::Bearer(doctor_)->get(), report, reported), "details");
  EXPECT_EQ(store_.case_calls, 1);
}

TEST_F(DiscussionsHandlerTest, WithoutRedisTheUnreadCountComesFromTheStore) {
  store_.unread = 7;
  v1::GetUnreadCountRequest req;
  v1::GetUnreadCountResponse resp;
  ASSERT_TRUE(service_.DoGetUnreadCount(CallContext::Bearer(doctor_)->get(), req, resp).ok());
  EXPECT_EQ(resp.unread(), 7);
  store_.unread = 8;
  ASSERT_TRUE(service_.DoGetUnreadCount(CallContext::Bearer(doctor_)->get(), req, resp).ok());
  EXPECT_EQ(resp.unread(), 8) << "no cache without Redis";
}

TEST_F(DiscussionsHandlerTest, CheckTextStoresNothing) {
  v1::CheckTextRequest req;
  req.set_text("Le patient Dupont, tél 06 12 34 56 78.");
  v1::CheckTextResponse resp;
  ASSERT_TRUE(service_.DoCheckText(CallContext::Bearer(doctor_)->get(), req, resp).ok());
  EXPECT_EQ(resp.findings_size(), 2);
  EXPECT_EQ(resp.findings(0).field(), "text");
  EXPECT_EQ(store_.case_calls + store_.calls, 0);
}

TEST_F(DiscussionsHandlerTest, StoreErrorPropagates) {
  store_.error = absl::UnavailableError("database unavailable");
  EXPECT_EQ(List(0).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(response_.spaces_size(), 0);
}

}  // namespace
}  // namespace meltingdoc::discussions
