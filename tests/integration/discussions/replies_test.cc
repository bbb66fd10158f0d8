// Replies through the real binary: one level of threading, the guard, edit history, helpful
// marks (one per doctor, never on one's own reply), accepting a reply resolves the case,
// idempotent retries, private groups, events in the outbox.
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

class RepliesTest : public DiscussionsFixture {
 protected:
  static dv1::Case NewCase(const std::string& author, const std::string& space = kGeneralSpace) {
    dv1::Case c;
    EXPECT_TRUE(Create(author, NewCaseMessage(space, "Cas à discuter"), &c).ok());
    return c;
  }
  static grpc::Status Reply(const std::string& author, const std::string& case_id, const std::string& text,
                            dv1::Reply* out, const std::string& parent = "", const std::string& request_id = "") {
    dv1::AddReplyRequest req;
    req.set_case_id(case_id);
    req.set_parent_reply_id(parent);
    req.set_text(text);
    req.set_request_id(request_id);
    dv1::AddReplyResponse resp;
    grpc::Status s = stub_->AddReply(CallAs(Doctor(author)).get(), req, &resp);
    if (out != nullptr) *out = resp.reply();
    return s;
  }
  static std::vector<dv1::Reply> ListAllReplies(const std::string& reader, const std::string& case_id,
                                                int page_size = 2) {
    std::vector<dv1::Reply> out;
    dv1::ListRepliesRequest req;
    req.set_case_id(case_id);
    req.set_page_size(page_size);
    for (int page = 0; page < 100; ++page) {
      dv1::ListRepliesResponse resp;
      grpc::Status s = stub_->ListReplies(CallAs(Doctor(reader)).get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), resp.replies().begin(), resp.replies().end());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return out;
  }
  static dv1::Case GetCase(const std::string& reader, const std::string& case_id) {
    dv1::GetCaseRequest req;
    req.set_case_id(case_id);
    dv1::GetCaseResponse resp;
    EXPECT_TRUE(stub_->GetCase(CallAs(Doctor(reader)).get(), req, &resp).ok());
    return resp.case_();
  }
};

TEST_F(RepliesTest, OneLevelOfThreadingInWritingOrder) {
  const std::string author = NewUuid(), a = NewUuid(), b = NewUuid();
  const dv1::Case c = NewCase(author);
  dv1::Reply r1, r2, r3;
  ASSERT_TRUE(Reply(a, c.case_id(), "Je propose une coloscopie.", &r1).ok());
  ASSERT_TRUE(Reply(b, c.case_id(), "D'accord avec la coloscopie.", &r2, r1.reply_id()).ok());
  ASSERT_TRUE(Reply(author, c.case_id(), "Merci, et l'IRM ?", &r3).ok());
  EXPECT_EQ(r2.parent_reply_id(), r1.reply_id());
  EXPECT_EQ(r1.author_id(), a);
  EXPECT_EQ(r1.version(), 1);

  // No second level, no parent from another case, no parent that does not exist.
  EXPECT_EQ(Reply(a, c.case_id(), "Niveau 2", nullptr, r2.reply_id()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const dv1::Case other = NewCase(author);
  grpc::Status s = Reply(a, other.case_id(), "Ailleurs", nullptr, r1.reply_id());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "parent_reply_id");
  EXPECT_EQ(Reply(a, NewUuid(), "Cas inconnu", nullptr).error_code(), grpc::StatusCode::NOT_FOUND);

  const std::vector<dv1::Reply> listed = ListAllReplies(NewUuid(), c.case_id());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].reply_id(), r1.reply_id());
  EXPECT_EQ(listed[1].reply_id(), r2.reply_id());
  EXPECT_EQ(listed[2].reply_id(), r3.reply_id());

  const dv1::Case after = GetCase(author, c.case_id());
  EXPECT_EQ(after.reply_count(), 3);
  EXPECT_GT(after.version(), c.version());
  EXPECT_GE(after.last_activity_time().seconds(), c.last_activity_time().seconds());
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE event_type = 'reply_changed' AND aggregate_id IN ('" +
                r1.reply_id() + "','" + r2.reply_id() + "','" + r3.reply_id() + "')"),
            "3");
}

TEST_F(RepliesTest, TheGuardRefusesIdentifyingRepliesAndStoresNothing) {
  const dv1::Case c = NewCase(NewUuid());
  grpc::Status s = Reply(NewUuid(), c.case_id(), "Son fils Karim peut être joint au 07 11 22 33 44.", nullptr);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "text,text");
  const dv1::PatientDataFindings f = FindingsDetail(s);
  ASSERT_EQ(f.findings_size(), 2);
  EXPECT_EQ(f.findings(0).category(), dv1::PATIENT_DATA_CATEGORY_PATIENT_NAME);
  EXPECT_EQ(f.findings(1).category(), dv1::PATIENT_DATA_CATEGORY_PHONE);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.replies WHERE case_id = '" + c.case_id() + "'"), "0");
  EXPECT_EQ(GetCase(NewUuid(), c.case_id()).reply_count(), 0);
}

TEST_F(RepliesTest, EditIsForTheAuthorAndKeepsRevisions) {
  const std::string a = NewUuid();
  const dv1::Case c = NewCase(NewUuid());
  dv1::Reply r;
  ASSERT_TRUE(Reply(a, c.case_id(), "Première version.", &r).ok());
  dv1::EditReplyRequest req;
  req.set_reply_id(r.reply_id());
  req.set_text("Version corrigée.");
  dv1::EditReplyResponse resp;
  EXPECT_EQ(stub_->EditReply(CallAs(Doctor(NewUuid())).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->EditReply(CallAs(Doctor(a)).get(), req, &resp).ok());
  EXPECT_EQ(resp.reply().text(), "Version corrigée.");
  EXPECT_EQ(resp.reply().version(), 2);
  req.set_version(1);
  EXPECT_EQ(stub_->EditReply(CallAs(Doctor(a)).get(), req, &resp).error_code(), grpc::StatusCode::ABORTED);
  req.set_version(0);
  req.set_text("Adresse : 12 rue de la Paix.");
  EXPECT_EQ(stub_->EditReply(CallAs(Doctor(a)).get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Sql("SELECT string_agg(text, '|' ORDER BY version) FROM discussions.reply_revisions WHERE reply_id = '" +
                r.reply_id() + "'"),
            "Première version.|Version corrigée.");
}

TEST_F(RepliesTest, HelpfulMarksOnePerDoctorNeverOnOnesOwn) {
  const std::string a = NewUuid(), v1 = NewUuid(), v2 = NewUuid();
  const dv1::Case c = NewCase(NewUuid());
  dv1::Reply r;
  ASSERT_TRUE(Reply(a, c.case_id(), "Réponse utile.", &r).ok());
  auto vote = [&](const std::string& voter, bool helpful, dv1::Reply* out) {
    dv1::VoteReplyHelpfulRequest req;
    req.set_reply_id(r.reply_id());
    req.set_helpful(helpful);
    dv1::VoteReplyHelpfulResponse resp;
    grpc::Status s = stub_->VoteReplyHelpful(CallAs(Doctor(voter)).get(), req, &resp);
    if (out != nullptr) *out = resp.reply();
    return s;
  };
  dv1::Reply out;
  EXPECT_EQ(vote(a, true, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(vote(v1, true, &out).ok());
  EXPECT_EQ(out.helpful_count(), 1);
  EXPECT_TRUE(out.helpful_by_caller());
  ASSERT_TRUE(vote(v1, true, &out).ok());  // twice: still one mark
  EXPECT_EQ(out.helpful_count(), 1);
  ASSERT_TRUE(vote(v2, true, &out).ok());
  EXPECT_EQ(out.helpful_count(), 2);
  ASSERT_TRUE(vote(v1, false, &out).ok());
  EXPECT_EQ(out.helpful_count(), 1);
  EXPECT_FALSE(out.helpful_by_caller());
  ASSERT_TRUE(vote(v1, false, &out).ok());  // withdrawing twice changes nothing
  EXPECT_EQ(out.helpful_count(), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.reply_votes WHERE reply_id = '" + r.reply_id() + "'"), "1");
  const std::vector<dv1::Reply> as_v2 = ListAllReplies(v2, c.case_id());
  ASSERT_EQ(as_v2.size(), 1u);
  EXPECT_TRUE(as_v2[0].helpful_by_caller());
  EXPECT_EQ(as_v2[0].helpful_count(), 1);
}

TEST_F(RepliesTest, TheCaseAuthorAcceptsAReplyAndResolvesTheCase) {
  const std::string author = NewUuid(), a = NewUuid(), b = NewUuid();
  const dv1::Case c = NewCase(author);
  dv1::Reply ra, rb;
  ASSERT_TRUE(Reply(a, c.case_id(), "Réponse A.", &ra).ok());
  ASSERT_TRUE(Reply(b, c.case_id(), "Réponse B.", &rb).ok());
  dv1::AcceptReplyRequest req;
  req.set_reply_id(ra.reply_id());
  dv1::AcceptReplyResponse resp;
  EXPECT_EQ(stub_->AcceptReply(CallAs(Doctor(a)).get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->AcceptReply(CallAs(Doctor(author)).get(), req, &resp).ok());
  EXPECT_EQ(resp.case_().status(), dv1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(resp.case_().accepted_reply_id(), ra.reply_id());
  // Moving the mark to another reply.
  req.set_reply_id(rb.reply_id());
  ASSERT_TRUE(stub_->AcceptReply(CallAs(Doctor(author)).get(), req, &resp).ok());
  EXPECT_EQ(resp.case_().accepted_reply_id(), rb.reply_id());
  const std::vector<dv1::Reply> listed = ListAllReplies(author, c.case_id());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_FALSE(listed[0].accepted());
  EXPECT_TRUE(listed[1].accepted());

  dv1::ListCasesRequest list;
  list.set_author_id(author);
  list.set_status(dv1::CASE_STATUS_RESOLVED);
  dv1::ListCasesResponse cases;
  ASSERT_TRUE(stub_->ListCases(CallAs(Doctor(author)).get(), list, &cases).ok());
  ASSERT_EQ(cases.cases_size(), 1);
  EXPECT_EQ(cases.cases(0).case_id(), c.case_id());
  // The search event says resolved, with the accepted reply.
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id = '" + c.case_id() +
                "' AND event_type = 'case_changed'"),
            "5");  // created, 2 replies, 2 accepts
}

TEST_F(RepliesTest, DeletedCasesTakeNoReplyAndRetriesCreateOneReply) {
  const std::string author = NewUuid(), a = NewUuid();
  const dv1::Case c = NewCase(author);
  absl::Mutex mu;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&] {
      dv1::Reply r;
      grpc::Status s = Reply(a, c.case_id(), "Une seule réponse.", &r, "", "reply-key-1");
      EXPECT_TRUE(s.ok()) << s.error_message();
      absl::MutexLock lock(&mu);
      ids.insert(r.reply_id());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(GetCase(author, c.case_id()).reply_count(), 1);

  dv1::DeleteCaseRequest del;
  del.set_case_id(c.case_id());
  dv1::DeleteCaseResponse deleted;
  ASSERT_TRUE(stub_->DeleteCase(CallAs(Doctor(author)).get(), del, &deleted).ok());
  EXPECT_EQ(Reply(a, c.case_id(), "Trop tard.", nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RepliesTest, PrivateGroupRepliesExistOnlyForMembers) {
  const std::string member = NewUuid(), outsider = NewUuid(), group = NewUuid();
  Sql("INSERT INTO discussions.spaces (space_id, kind, title) VALUES ('" + group +
      "', 'private_group', 'Groupe réplique'); INSERT INTO discussions.space_members VALUES ('" + group + "', '" +
      member + "', 'owner', now())");
  const dv1::Case c = NewCase(member, group);
  dv1::Reply r;
  ASSERT_TRUE(Reply(member, c.case_id(), "Réponse interne.", &r).ok());
  EXPECT_EQ(Reply(outsider, c.case_id(), "Intrusion.", nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
  dv1::ListRepliesRequest list;
  list.set_case_id(c.case_id());
  dv1::ListRepliesResponse replies;
  EXPECT_EQ(stub_->ListReplies(CallAs(Doctor(outsider)).get(), list, &replies).error_code(),
            grpc::StatusCode::NOT_FOUND);
  dv1::VoteReplyHelpfulRequest vote;
  vote.set_reply_id(r.reply_id());
  vote.set_helpful(true);
  dv1::VoteReplyHelpfulResponse voted;
  EXPECT_EQ(stub_->VoteReplyHelpful(CallAs(Doctor(outsider)).get(), vote, &voted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  dv1::EditReplyRequest edit;
  edit.set_reply_id(r.reply_id());
  edit.set_text("x");
  dv1::EditReplyResponse edited;
  EXPECT_EQ(stub_->EditReply(CallAs(Doctor(outsider)).get(), edit, &edited).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace meltingdoc::testing
