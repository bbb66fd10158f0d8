// The read audit for authors and moderators; reports, the moderators' queue, hide/unhide
// with the reason recorded, through the real binary.
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

class ModerationTest : public DiscussionsFixture {
 protected:
  static std::string Moderator() { return tokens_->WithRole(NewUuid(), auth::Role::kModerator); }
  static grpc::Status Read(const std::string& token, const std::string& case_id, dv1::Case* out = nullptr) {
    dv1::GetCaseRequest req;
    req.set_case_id(case_id);
    dv1::GetCaseResponse resp;
    grpc::Status s = stub_->GetCase(CallAs(token).get(), req, &resp);
    if (out != nullptr) *out = resp.case_();
    return s;
  }
  static std::vector<std::string> ListedBy(const std::string& token, const std::string& author) {
    dv1::ListCasesRequest req;
    req.set_author_id(author);
    dv1::ListCasesResponse resp;
    EXPECT_TRUE(stub_->ListCases(CallAs(token).get(), req, &resp).ok());
    std::vector<std::string> ids;
    for (const auto& c : resp.cases()) ids.push_back(c.case_id());
    return ids;
  }
};

TEST_F(ModerationTest, TheAuditIsForTheAuthorAndModerators) {
  const std::string author = NewUuid(), reader = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Lu par qui ?"), &c).ok());
  for (int i = 0; i < 3; ++i) {
    auto ctx = CallAs(Doctor(reader));
    ctx->AddMetadata("x-request-id", absl::StrCat("audit-", i));
    dv1::GetCaseRequest req;
    req.set_case_id(c.case_id());
    dv1::GetCaseResponse resp;
    ASSERT_TRUE(stub_->GetCase(ctx.get(), req, &resp).ok());
  }
  dv1::ListCaseAuditRequest req;
  req.set_case_id(c.case_id());
  req.set_page_size(2);
  dv1::ListCaseAuditResponse resp;
  EXPECT_EQ(stub_->ListCaseAudit(CallAs(Doctor(reader)).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ListCaseAudit(CallAs(Doctor(author)).get(), req, &resp).ok());
  ASSERT_EQ(resp.reads_size(), 2);
  EXPECT_EQ(resp.reads(0).reader_id(), reader);
  EXPECT_EQ(resp.reads(0).request_id(), "audit-2");  // newest first
  EXPECT_EQ(resp.reads(1).request_id(), "audit-1");
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  ASSERT_TRUE(stub_->ListCaseAudit(CallAs(Moderator()).get(), req, &resp).ok());
  ASSERT_EQ(resp.reads_size(), 1);
  EXPECT_EQ(resp.reads(0).request_id(), "audit-0");
  EXPECT_TRUE(resp.next_page_token().empty());
}

TEST_F(ModerationTest, ReportsQueueHideAndUnhide) {
  const std::string author = NewUuid(), reporter = NewUuid(), other = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Cas signalé"), &c).ok());

  dv1::ReportContentRequest report;
  report.set_case_id(c.case_id());
  report.set_reason(dv1::REPORT_REASON_PATIENT_DATA);
  report.set_details("Détails qui permettent de reconnaître la patiente.");
  dv1::ReportContentResponse reported, again;
  ASSERT_TRUE(stub_->ReportContent(CallAs(Doctor(reporter)).get(), report, &reported).ok());
  ASSERT_TRUE(stub_->ReportContent(CallAs(Doctor(reporter)).get(), report, &again).ok());
  EXPECT_EQ(again.report().report_id(), reported.report().report_id()) << "one open report per doctor";
  report.clear_case_id();
  EXPECT_EQ(stub_->ReportContent(CallAs(Doctor(reporter)).get(), report, &again).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  dv1::ListReportsRequest list;
  list.set_page_size(100);
  dv1::ListReportsResponse queue;
  EXPECT_EQ(stub_->ListReports(CallAs(Doctor(reporter)).get(), list, &queue).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ListReports(CallAs(Moderator()).get(), list, &queue).ok());
  bool queued = false;
  for (const auto& r : queue.reports()) {
    if (r.report_id() == reported.report().report_id()) {
      queued = true;
      EXPECT_EQ(r.case_id(), c.case_id());
      EXPECT_EQ(r.reason(), dv1::REPORT_REASON_PATIENT_DATA);
    }
  }
  EXPECT_TRUE(queued);

  dv1::HideContentRequest hide;
  hide.set_case_id(c.case_id());
  hide.set_reason("Âge, profession et ville rares : patiente reconnaissable.");
  dv1::HideContentResponse hidden;
  EXPECT_EQ(stub_->HideContent(CallAs(Doctor(other)).get(), hide, &hidden).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->HideContent(CallAs(Moderator()).get(), hide, &hidden).ok());

  // Gone for others, still there for the author (marked hidden) and moderators.
  EXPECT_EQ(Read(Doctor(other), c.case_id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(ListedBy(Doctor(other), author).empty());
  dv1::Case seen;
  ASSERT_TRUE(Read(Doctor(author), c.case_id(), &seen).ok());
  EXPECT_TRUE(seen.has_hide_time());
  EXPECT_TRUE(Read(Moderator(), c.case_id()).ok());
  // The report left the queue; the decision and its reason are recorded.
  ASSERT_TRUE(stub_->ListReports(CallAs(Moderator()).get(), list, &queue).ok());
  for (const auto& r : queue.reports()) EXPECT_NE(r.report_id(), reported.report().report_id());
  EXPECT_EQ(Sql("SELECT action || ':' || reason FROM discussions.moderation_actions WHERE target_id = '" +
                c.case_id() + "'"),
            "hide:Âge, profession et ville rares : patiente reconnaissable.");

  dv1::UnhideContentRequest unhide;
  unhide.set_case_id(c.case_id());
  unhide.set_reason("Texte corrigé par l'auteur.");
  dv1::UnhideContentResponse shown;
  ASSERT_TRUE(stub_->UnhideContent(CallAs(Moderator()).get(), unhide, &shown).ok());
  EXPECT_TRUE(Read(Doctor(other), c.case_id()).ok());
  EXPECT_EQ(ListedBy(Doctor(other), author), std::vector<std::string>{c.case_id()});
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.moderation_actions WHERE target_id = '" + c.case_id() + "'"), "2");
  // Each decision told search: created + hide + unhide.
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id = '" + c.case_id() + "'"), "3");

  // The decision log cannot be rewritten by the service role either.
  EXPECT_THAT(db_->SuperuserSql("SET ROLE discussions; DELETE FROM discussions.moderation_actions").status().message(),
              ::testing::HasSubstr("permission denied"));
}

TEST_F(ModerationTest, HiddenRepliesLeaveTheThread) {
  const std::string author = NewUuid(), a = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Fil modéré"), &c).ok());
  dv1::AddReplyRequest add;
  add.set_case_id(c.case_id());
  add.set_text("Réponse à masquer.");
  dv1::AddReplyResponse added;
  ASSERT_TRUE(stub_->AddReply(CallAs(Doctor(a)).get(), add, &added).ok());
  dv1::HideContentRequest hide;
  hide.set_reply_id(added.reply().reply_id());
  hide.set_reason("Propos déplacés.");
  dv1::HideContentResponse hidden;
  ASSERT_TRUE(stub_->HideContent(CallAs(Moderator()).get(), hide, &hidden).ok());
  dv1::ListRepliesRequest list;
  list.set_case_id(c.case_id());
  dv1::ListRepliesResponse replies;
  ASSERT_TRUE(stub_->ListReplies(CallAs(Doctor(author)).get(), list, &replies).ok());
  EXPECT_EQ(replies.replies_size(), 0);
  hide.set_reply_id(NewUuid());
  EXPECT_EQ(stub_->HideContent(CallAs(Moderator()).get(), hide, &hidden).error_code(), grpc::StatusCode::NOT_FOUND);
}

// A hidden case takes its thread with it: every read of it follows GetCase's rule (its author
// and moderators only), and nobody writes in it until a moderator shows it again.
TEST_F(ModerationTest, AHiddenCaseHidesItsThread) {
  const std::string author = NewUuid(), replier = NewUuid(), other = NewUuid();
  const std::string moderator = Moderator();
  dv1::Case c;
  ASSERT_TRUE(Create(author, NewCaseMessage(kGeneralSpace, "Fil d'un cas masqué"), &c).ok());
  dv1::AddReplyRequest add;
  add.set_case_id(c.case_id());
  add.set_text("Réponse écrite avant la décision du modérateur.");
  dv1::AddReplyResponse added;
  ASSERT_TRUE(stub_->AddReply(CallAs(Doctor(replier)).get(), add, &added).ok());
  const std::string reply_id = added.reply().reply_id();

  auto list_replies = [&](const std::string& token, dv1::ListRepliesResponse* out) {
    dv1::ListRepliesRequest req;
    req.set_case_id(c.case_id());
    return stub_->ListReplies(CallAs(token).get(), req, out).error_code();
  };
  auto list_revisions = [&](const std::string& token) {
    dv1::ListCaseRevisionsRequest req;
    req.set_case_id(c.case_id());
    dv1::ListCaseRevisionsResponse resp;
    return stub_->ListCaseRevisions(CallAs(token).get(), req, &resp).error_code();
  };
  auto follow = [&](const std::string& token) {
    dv1::FollowCaseRequest req;
    req.set_case_id(c.case_id());
    dv1::FollowCaseResponse resp;
    return stub_->FollowCase(CallAs(token).get(), req, &resp).error_code();
  };
  auto reply = [&](const std::string& token) {
    dv1::AddReplyResponse resp;
    return stub_->AddReply(CallAs(token).get(), add, &resp).error_code();
  };
  auto vote = [&](const std::string& token) {
    dv1::VoteReplyHelpfulRequest req;
    req.set_reply_id(reply_id);
    req.set_helpful(true);
    dv1::VoteReplyHelpfulResponse resp;
    return stub_->VoteReplyHelpful(CallAs(token).get(), req, &resp).error_code();
  };
  auto edit = [&](const std::string& token) {
    dv1::EditReplyRequest req;
    req.set_reply_id(reply_id);
    req.set_text("Réponse corrigée.");
    dv1::EditReplyResponse resp;
    return stub_->EditReply(CallAs(token).get(), req, &resp).error_code();
  };
  auto accept = [&](const std::string& token) {
    dv1::AcceptReplyRequest req;
    req.set_reply_id(reply_id);
    dv1::AcceptReplyResponse resp;
    return stub_->AcceptReply(CallAs(token).get(), req, &resp).error_code();
  };
  auto report_reply = [&](const std::string& token) {
    dv1::ReportContentRequest req;
    req.set_reply_id(reply_id);
    req.set_reason(dv1::REPORT_REASON_CONDUCT);
    dv1::ReportContentResponse resp;
    return stub_->ReportContent(CallAs(token).get(), req, &resp).error_code();
  };

  dv1::HideContentRequest hide;
  hide.set_case_id(c.case_id());
  hide.set_reason("Patiente reconnaissable.");
  dv1::HideContentResponse hidden;
  ASSERT_TRUE(stub_->HideContent(CallAs(moderator).get(), hide, &hidden).ok());
  const std::string outbox_before =
      Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id IN ('" + c.case_id() + "', '" + reply_id + "')");

  // Doctors who may not read the case (the reply's own author included) learn nothing.
  for (const std::string& id : {other, replier}) {
    SCOPED_TRACE(id == other ? "another doctor" : "the reply's author");
    const std::string t = Doctor(id);
    dv1::ListRepliesResponse seen;
    EXPECT_EQ(list_replies(t, &seen), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(seen.replies_size(), 0);
    EXPECT_EQ(list_revisions(t), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(follow(t), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(reply(t), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(vote(t), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(edit(t), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(report_reply(t), grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(accept(Doctor(other)), grpc::StatusCode::NOT_FOUND);
  // The author and moderators read the thread, as they read the case, but it is frozen.
  for (const std::string& t : {Doctor(author), moderator}) {
    SCOPED_TRACE(t == moderator ? "a moderator" : "the case's author");
    dv1::ListRepliesResponse seen;
    ASSERT_EQ(list_replies(t, &seen), grpc::StatusCode::OK);
    ASSERT_EQ(seen.replies_size(), 1);
    EXPECT_EQ(seen.replies(0).reply_id(), reply_id);
    EXPECT_EQ(list_revisions(t), grpc::StatusCode::OK);
    EXPECT_EQ(follow(t), grpc::StatusCode::OK);
    EXPECT_EQ(reply(t), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(vote(t), grpc::StatusCode::FAILED_PRECONDITION);
  }
  EXPECT_EQ(accept(Doctor(author)), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.replies WHERE case_id = '" + c.case_id() + "'"), "1");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id IN ('" + c.case_id() + "', '" +
                reply_id + "')"),
            outbox_before)
      << "nothing written in a hidden thread";

  dv1::UnhideContentRequest unhide;
  unhide.set_case_id(c.case_id());
  unhide.set_reason("Texte corrigé.");
  dv1::UnhideContentResponse shown;
  ASSERT_TRUE(stub_->UnhideContent(CallAs(moderator).get(), unhide, &shown).ok());
  dv1::ListRepliesResponse seen;
  ASSERT_EQ(list_replies(Doctor(other), &seen), grpc::StatusCode::OK);
  EXPECT_EQ(seen.replies_size(), 1);
  EXPECT_EQ(vote(Doctor(other)), grpc::StatusCode::OK);
  EXPECT_EQ(accept(Doctor(author)), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace meltingdoc::testing
