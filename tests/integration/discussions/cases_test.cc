// Cases through the real meltingdoc-discussions binary on real PostgreSQL: the guard refuses
// identifying data and stores nothing, create/read/list/paginate (also under concurrent
// inserts), edit history, tombstones, idempotent creation, the read audit, private groups,
// pending accounts refused on every RPC, events in discussions.outbox.
#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "libs/taxonomy/ordinal_specialties.h"
#include "tests/integration/discussions/discussions_fixture.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CasesTest : public DiscussionsFixture {};

TEST_F(CasesTest, CheckTextReportsFindingsWithCodePointOffsets) {
  dv1::CheckTextRequest req;
  req.set_text("Évolution défavorable chez Mme Lefèvre, née le 12/03/1957.");
  req.set_field("case.body.context");
  dv1::CheckTextResponse resp;
  grpc::Status s = stub_->CheckText(CallAs(Doctor(NewUuid())).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.findings_size(), 2);
  EXPECT_EQ(resp.findings(0).field(), "case.body.context");
  EXPECT_EQ(resp.findings(0).category(), dv1::PATIENT_DATA_CATEGORY_PATIENT_NAME);
  EXPECT_EQ(resp.findings(0).start_offset(), 27);
  EXPECT_EQ(resp.findings(0).end_offset(), 38);
  EXPECT_THAT(resp.findings(0).suggestion(), HasSubstr("« la patiente »"));
  EXPECT_EQ(resp.findings(1).category(), dv1::PATIENT_DATA_CATEGORY_BIRTH_DATE);
  EXPECT_EQ(resp.findings(1).start_offset(), 47);

  req.set_text("Patiente de 54 ans, maladie de Crohn, Dr House, CRP 12 mg/L.");
  s = stub_->CheckText(CallAs(Doctor(NewUuid())).get(), req, &resp);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(resp.findings_size(), 0);

  req.set_text(std::string(40001, 'a'));
  s = stub_->CheckText(CallAs(Doctor(NewUuid())).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "text");
}

TEST_F(CasesTest, CreateThenGetAndAnEventInTheOutbox) {
  const std::string me = NewUuid();
  dv1::Case created;
  grpc::Status s = Create(me, NewCaseMessage(kGynecologySpace, "Crohn et grossesse"), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(IsValidUuid(created.case_id()));
  EXPECT_EQ(created.author_id(), me);
  EXPECT_EQ(created.status(), dv1::CASE_STATUS_OPEN);
  EXPECT_EQ(created.version(), 1);
  EXPECT_GT(created.create_time().seconds(), 1'700'000'000);
  EXPECT_FALSE(created.has_delete_time());

  dv1::GetCaseRequest get;
  get.set_case_id(created.case_id());
  dv1::GetCaseResponse got;
  s = stub_->GetCase(CallAs(Doctor(NewUuid())).get(), get, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.case_().title(), "Crohn et grossesse");
  EXPECT_EQ(got.case_().body().question(), "Faut-il intensifier le traitement ?");
  EXPECT_THAT(got.case_().specialty_codes(), ::testing::ElementsAre("SM24"));
  EXPECT_THAT(got.case_().competence_tags(), ::testing::ElementsAre("mici"));

  // The event, in the same transaction: a full CaseChanged for search.
  EXPECT_EQ(Sql("SELECT event_type || ':' || aggregate_version FROM discussions.outbox WHERE aggregate_id = '" +
                created.case_id() + "'"),
            "case_changed:1");

  get.set_case_id(NewUuid());
  s = stub_->GetCase(CallAs(Doctor(me)).get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CasesTest, IdentifyingDataIsRefusedWithEveryFindingAndNothingIsStored) {
  const std::string me = NewUuid();
  dv1::Case c = NewCaseMessage(kGeneralSpace, "Cas de Mme Durand");
  c.mutable_body()->set_context("Née le 12/03/1957, tél 06 12 34 56 78.");
  const std::string outbox_before = Sql("SELECT count(*) FROM discussions.outbox");
  grpc::Status s = Create(me, c, nullptr);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "case.title,case.body.context,case.body.context");
  // The message names categories and offsets, never the text itself.
  EXPECT_THAT(s.error_message(), HasSubstr("PATIENT_NAME"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("Durand")));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("06 12")));
  const dv1::PatientDataFindings findings = FindingsDetail(s);
  ASSERT_EQ(findings.findings_size(), 3);
  EXPECT_EQ(findings.findings(0).field(), "case.title");
  EXPECT_EQ(findings.findings(0).start_offset(), 7);
  EXPECT_EQ(findings.findings(0).end_offset(), 17);
  EXPECT_EQ(findings.findings(1).category(), dv1::PATIENT_DATA_CATEGORY_BIRTH_DATE);
  EXPECT_EQ(findings.findings(2).category(), dv1::PATIENT_DATA_CATEGORY_PHONE);
  EXPECT_FALSE(findings.findings(2).suggestion().empty());

  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.cases WHERE author_id = '" + me + "'"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox"), outbox_before);
}

TEST_F(CasesTest, LimitsAndFormatsNameTheField) {
  const std::string me = NewUuid();
  dv1::Case c = NewCaseMessage(kGeneralSpace, std::string(201, 'x'));
  c.mutable_body()->set_question("   ");
  c.add_competence_tags("Not A Tag");
  c.set_space_id("nope");
  grpc::Status s = Create(me, c, nullptr);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "case.space_id,case.title,case.body.question,case.competence_tags");
  // 200 accented characters are 400 bytes and still fit.
  std::string title;
  for (int i = 0; i < 200; ++i) title += "é";
  s = Create(me, NewCaseMessage(kGeneralSpace, title), nullptr);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // An unknown space.
  s = Create(me, NewCaseMessage(NewUuid(), "Espace inconnu"), nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "case.space_id");
}

// Pages through ListCases, returning the ids in order.
std::vector<std::string> ListAll(dv1::DiscussionsService::Stub* stub, const std::string& token,
                                 dv1::ListCasesRequest req, int page_size,
                                 const std::function<void(int)>& between_pages = nullptr) {
  std::vector<std::string> ids;
  req.set_page_size(page_size);
  for (int page = 0; page < 1000; ++page) {
    dv1::ListCasesResponse resp;
    grpc::Status s = stub->ListCases(CallAs(token).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) break;
    EXPECT_LE(resp.cases_size(), page_size);
    for (const auto& c : resp.cases()) ids.push_back(c.case_id());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
    if (between_pages) between_pages(page);
  }
  return ids;
}

TEST_F(CasesTest, PaginationUnderConcurrentInsertsSkipsAndRepeatsNothing) {
  const std::string author = NewUuid();
  const std::string space = "00000000-0000-4000-8001-000000000041";  // SM41, this test's own
  std::vector<std::string> before;
  for (int i = 0; i < 45; ++i) {
    dv1::Case c;
    ASSERT_TRUE(Create(author, NewCaseMessage(space, absl::StrCat("Dyspnée ", i)), &c).ok());
    before.push_back(c.case_id());
  }
  // Another doctor keeps posting in the same space while we page.
  std::atomic<bool> stop{false};
  std::atomic<int> posted{0};
  std::thread writer([&] {
    const std::string other = NewUuid();
    while (!stop.load()) {
      if (Create(other, NewCaseMessage(space, "Concurrent"), nullptr).ok()) posted.fetch_add(1);
    }
  });
  dv1::ListCasesRequest req;
  req.set_space_id(space);
  const std::vector<std::string> seen =
      ListAll(stub_, Doctor(NewUuid()), req, 4, [](int) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
  stop = true;
  writer.join();
  EXPECT_GT(posted.load(), 0);
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a case was listed twice";
  for (const std::string& id : before) EXPECT_EQ(unique.count(id), 1u) << "skipped " << id;
  // Newest first: the pre-existing cases appear in reverse creation order.
  std::vector<std::string> old_in_order;
  for (const std::string& id : seen) {
    if (std::find(before.begin(), before.end(), id) != before.end()) old_in_order.push_back(id);
  }
  EXPECT_EQ(old_in_order, std::vector<std::string>(before.rbegin(), before.rend()));
}

TEST_F(CasesTest, FiltersByTagAuthorAndStatus) {
  const std::string a = NewUuid(), b = NewUuid();
  const std::string space = "00000000-0000-4000-8001-000000000032";  // SM32
  dv1::Case c1 = NewCaseMessage(space, "Céphalées");
  c1.clear_competence_tags();
  c1.add_competence_tags("migraine");
  ASSERT_TRUE(Create(a, c1, &c1).ok());
  dv1::Case c2 = NewCaseMessage(space, "Épilepsie");
  c2.clear_competence_tags();
  c2.add_competence_tags("epilepsie");
  ASSERT_TRUE(Create(b, c2, &c2).ok());

  dv1::ListCasesRequest req;
  req.set_space_id(space);
  req.set_tag("migraine");
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 10), std::vector<std::string>{c1.case_id()});
  req.clear_tag();
  req.set_author_id(b);
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 10), std::vector<std::string>{c2.case_id()});
  req.clear_author_id();
  req.set_tag("SM24");
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 10), (std::vector<std::string>{c2.case_id(), c1.case_id()}));
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 1), (std::vector<std::string>{c2.case_id(), c1.case_id()}))
      << "one per page: the tag's keyset pages";
  req.set_status(dv1::CASE_STATUS_RESOLVED);
  EXPECT_TRUE(ListAll(stub_, Doctor(a), req, 10).empty());
  req.clear_status();


  // A token is bound to its filters and order.
  req.clear_status();
  req.clear_tag();
  req.set_page_size(1);
  dv1::ListCasesResponse resp;
  ASSERT_TRUE(stub_->ListCases(CallAs(Doctor(a)).get(), req, &resp).ok());
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  req.set_order_by(dv1::CASE_ORDER_MOST_ACTIVE);
  grpc::Status s = stub_->ListCases(CallAs(Doctor(a)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "page_token");

  req = dv1::ListCasesRequest();
  req.set_space_id(space);
  // The tag list follows edits and deletions (case_tags is kept by the writers).
  dv1::UpdateCaseRequest update;
  update.mutable_case_()->set_case_id(c1.case_id());
  update.mutable_case_()->add_competence_tags("cephalee-chronique");
  update.mutable_update_mask()->add_paths("competence_tags");
  dv1::UpdateCaseResponse updated;
  ASSERT_TRUE(stub_->UpdateCase(CallAs(Doctor(a)).get(), update, &updated).ok());
  req.set_tag("migraine");
  EXPECT_TRUE(ListAll(stub_, Doctor(a), req, 10).empty());
  req.set_tag("cephalee-chronique");
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 10), std::vector<std::string>{c1.case_id()});
  dv1::DeleteCaseRequest del;
  del.set_case_id(c1.case_id());
  dv1::DeleteCaseResponse deleted;
  ASSERT_TRUE(stub_->DeleteCase(CallAs(Doctor(a)).get(), del, &deleted).ok());
  EXPECT_TRUE(ListAll(stub_, Doctor(a), req, 10).empty());
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_tags WHERE case_id = '" + c1.case_id() + "'"), "0");
  req.set_tag("SM24");
  EXPECT_EQ(ListAll(stub_, Doctor(a), req, 10), std::vector<std::string>{c2.case_id()});
}

TEST_F(CasesTest, UpdateIsForTheAuthorAndKeepsTheHistory) {
  const std::string me = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(me, NewCaseMessage(kGeneralSpace, "Titre initial"), &c).ok());

  dv1::UpdateCaseRequest req;
  req.mutable_case_()->set_case_id(c.case_id());
  req.mutable_case_()->set_title("Titre corrigé");
  req.mutable_case_()->mutable_body()->set_question("Nouvelle question ?");
  req.mutable_update_mask()->add_paths("title");
  req.mutable_update_mask()->add_paths("body.question");
  dv1::UpdateCaseResponse resp;

  grpc::Status s = stub_->UpdateCase(CallAs(Doctor(NewUuid())).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  s = stub_->UpdateCase(CallAs(Doctor(me)).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.case_().title(), "Titre corrigé");
  EXPECT_EQ(resp.case_().body().question(), "Nouvelle question ?");
  EXPECT_EQ(resp.case_().body().context(), c.body().context());  // not in the mask: unchanged
  EXPECT_EQ(resp.case_().version(), 2);

  // A stale version is refused; so is identifying data, which changes nothing.
  req.mutable_case_()->set_version(1);
  s = stub_->UpdateCase(CallAs(Doctor(me)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  req.mutable_case_()->set_version(0);
  req.mutable_case_()->set_title("Le patient Dupont");
  s = stub_->UpdateCase(CallAs(Doctor(me)).get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FindingsDetail(s).findings_size(), 1);
  req.mutable_update_mask()->add_paths("author_id");
  s = stub_->UpdateCase(CallAs(Doctor(me)).get(), req, &resp);
  EXPECT_EQ(ViolatedFields(s), "update_mask");

  dv1::ListCaseRevisionsRequest lr;
  lr.set_case_id(c.case_id());
  dv1::ListCaseRevisionsResponse revs;
  ASSERT_TRUE(stub_->ListCaseRevisions(CallAs(Doctor(NewUuid())).get(), lr, &revs).ok());
  ASSERT_EQ(revs.revisions_size(), 2);
  EXPECT_EQ(revs.revisions(0).version(), 1);
  EXPECT_EQ(revs.revisions(0).title(), "Titre initial");
  EXPECT_EQ(revs.revisions(1).title(), "Titre corrigé");
  EXPECT_EQ(revs.revisions(1).editor_id(), me);
  EXPECT_EQ(Sql("SELECT string_agg(aggregate_version::text, ',' ORDER BY id) FROM discussions.outbox "
                "WHERE aggregate_id = '" + c.case_id() + "'"),
            "1,2");
}

TEST_F(CasesTest, DeleteLeavesATombstoneForAuthorOrModerator) {
  const std::string me = NewUuid();
  dv1::Case c;
  ASSERT_TRUE(Create(me, NewCaseMessage(kGeneralSpace, "À supprimer"), &c).ok());
  dv1::DeleteCaseRequest del;
  del.set_case_id(c.case_id());
  dv1::DeleteCaseResponse deleted;
  EXPECT_EQ(stub_->DeleteCase(CallAs(Doctor(NewUuid())).get(), del, &deleted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->DeleteCase(CallAs(Doctor(me)).get(), del, &deleted).ok());
  EXPECT_TRUE(stub_->DeleteCase(CallAs(Doctor(me)).get(), del, &deleted).ok());  // idempotent

  dv1::GetCaseRequest get;
  get.set_case_id(c.case_id());
  dv1::GetCaseResponse got;
  ASSERT_TRUE(stub_->GetCase(CallAs(Doctor(NewUuid())).get(), get, &got).ok());
  EXPECT_TRUE(got.case_().has_delete_time());
  EXPECT_EQ(got.case_().title(), "");
  EXPECT_EQ(got.case_().body().context(), "");
  EXPECT_EQ(got.case_().author_id(), me);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_revisions WHERE case_id = '" + c.case_id() +
                "' AND (title <> '' OR context <> '')"),
            "0");
  dv1::ListCasesRequest list;
  list.set_author_id(me);
  EXPECT_TRUE(ListAll(stub_, Doctor(me), list, 10).empty());
  EXPECT_EQ(Sql("SELECT event_type FROM discussions.outbox WHERE aggregate_id = '" + c.case_id() +
                "' ORDER BY id DESC LIMIT 1"),
            "case_deleted");

  // A moderator may delete anyone's case.
  dv1::Case other;
  ASSERT_TRUE(Create(NewUuid(), NewCaseMessage(kGeneralSpace, "Autre"), &other).ok());
  del.set_case_id(other.case_id());
  EXPECT_TRUE(stub_->DeleteCase(CallAs(tokens_->WithRole(NewUuid(), auth::Role::kModerator)).get(), del, &deleted).ok());
}

TEST_F(CasesTest, FiveConcurrentRetriesCreateOneCase) {
  const std::string me = NewUuid();
  const std::string key = "retry-" + NewUuid().substr(0, 8);
  absl::Mutex mu;
  std::vector<std::string> ids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&] {
      dv1::Case c;
      grpc::Status s = Create(me, NewCaseMessage(kGeneralSpace, "Une seule fois"), &c, key);
      EXPECT_TRUE(s.ok()) << s.error_message();
      absl::MutexLock lock(&mu);
      ids.push_back(c.case_id());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), 5u);
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.cases WHERE author_id = '" + me + "'"), "1");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id = '" + ids[0] + "'"), "1");
  // The same key by another author is another case.
  dv1::Case c;
  ASSERT_TRUE(Create(NewUuid(), NewCaseMessage(kGeneralSpace, "Autre auteur"), &c, key).ok());
  EXPECT_NE(c.case_id(), ids[0]);
}

TEST_F(CasesTest, ReadsAreAuditedAndTheServiceRoleCannotRewriteTheAudit) {
  dv1::Case c;
  ASSERT_TRUE(Create(NewUuid(), NewCaseMessage(kGeneralSpace, "Audit"), &c).ok());
  const std::string reader = NewUuid();
  dv1::GetCaseRequest get;
  get.set_case_id(c.case_id());
  dv1::GetCaseResponse got;
  auto ctx = CallAs(Doctor(reader));
  ctx->AddMetadata("x-request-id", "audit-req-1");
  ASSERT_TRUE(stub_->GetCase(ctx.get(), get, &got).ok());
  EXPECT_EQ(Sql("SELECT reader_id || ' ' || request_id FROM discussions.case_reads WHERE case_id = '" +
                c.case_id() + "'"),
            reader + " audit-req-1");

  pqxx::connection conn(db_->Url("discussions"));
  for (const std::string sql : {"UPDATE case_reads SET reader_id = gen_random_uuid()", "DELETE FROM case_reads",
                                "TRUNCATE case_reads"}) {
    pqxx::work txn(conn);
    EXPECT_THROW(txn.exec(sql), pqxx::insufficient_privilege) << sql;
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_reads WHERE case_id = '" + c.case_id() + "'"), "1");

  // Hidden by a moderator: a refused read leaves no audit row, the author's read does.
  Sql("UPDATE discussions.cases SET hidden_at = now() WHERE case_id = '" + c.case_id() + "'");
  EXPECT_EQ(stub_->GetCase(CallAs(Doctor(reader)).get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_reads WHERE case_id = '" + c.case_id() + "'"), "1");
  ASSERT_TRUE(stub_->GetCase(CallAs(Doctor(c.author_id())).get(), get, &got).ok());
  EXPECT_EQ(got.case_().case_id(), c.case_id());
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.case_reads WHERE case_id = '" + c.case_id() +
                "' AND reader_id = '" + c.author_id() + "'"),
            "1");
}

TEST_F(CasesTest, PrivateGroupCasesExistOnlyForMembers) {
  const std::string member = NewUuid(), outsider = NewUuid();
  const std::string group = NewUuid();
  Sql("INSERT INTO discussions.spaces (space_id, kind, title) VALUES ('" + group +
      "', 'private_group', 'Staff MICI'); INSERT INTO discussions.space_members VALUES ('" + group + "', '" + member +
      "', 'owner', now())");
  dv1::Case c;
  ASSERT_TRUE(Create(member, NewCaseMessage(group, "Cas du groupe"), &c).ok());
  EXPECT_EQ(Create(outsider, NewCaseMessage(group, "Intrus"), nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  dv1::GetCaseRequest get;
  get.set_case_id(c.case_id());
  dv1::GetCaseResponse got;
  EXPECT_TRUE(stub_->GetCase(CallAs(Doctor(member)).get(), get, &got).ok());
  EXPECT_EQ(stub_->GetCase(CallAs(Doctor(outsider)).get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Sql("SELECT string_agg(reader_id::text, ',') FROM discussions.case_reads WHERE case_id = '" +
                c.case_id() + "'"),
            member)
      << "only the read that returned the case is audited";
  dv1::ListCaseRevisionsRequest lr;
  lr.set_case_id(c.case_id());
  dv1::ListCaseRevisionsResponse revs;
  EXPECT_EQ(stub_->ListCaseRevisions(CallAs(Doctor(outsider)).get(), lr, &revs).error_code(),
            grpc::StatusCode::NOT_FOUND);
  dv1::DeleteCaseRequest del;
  del.set_case_id(c.case_id());
  dv1::DeleteCaseResponse deleted;
  EXPECT_EQ(stub_->DeleteCase(CallAs(Doctor(outsider)).get(), del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);

  dv1::ListCasesRequest list;
  list.set_author_id(member);
  EXPECT_EQ(ListAll(stub_, Doctor(member), list, 10), std::vector<std::string>{c.case_id()});
  EXPECT_TRUE(ListAll(stub_, Doctor(outsider), list, 10).empty());
  list.clear_author_id();
  list.set_space_id(group);
  EXPECT_TRUE(ListAll(stub_, Doctor(outsider), list, 10).empty());
  // The group itself is listed for its member only.
  dv1::ListSpacesRequest ls;
  ls.set_page_size(100);
  dv1::ListSpacesResponse spaces;
  ASSERT_TRUE(stub_->ListSpaces(CallAs(Doctor(member)).get(), ls, &spaces).ok());
  EXPECT_EQ(std::count_if(spaces.spaces().begin(), spaces.spaces().end(),
                          [&](const dv1::Space& s) { return s.space_id() == group; }),
            1);
  ASSERT_TRUE(stub_->ListSpaces(CallAs(Doctor(outsider)).get(), ls, &spaces).ok());
  EXPECT_EQ(std::count_if(spaces.spaces().begin(), spaces.spaces().end(),
                          [&](const dv1::Space& s) { return s.space_id() == group; }),
            0);
  // The event tells search that the case is private.
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id = '" + c.case_id() + "'"), "1");
}

// One space per specialty of the suite's list (libs/taxonomy, TRE_R38), titled with its
// label; general practice (SM26, SM53, SM54) is one space, SM54's.
TEST_F(CasesTest, SpecialtySpacesFollowTheSuitesList) {
  std::map<std::string, std::string> titles;  // specialty code -> title
  dv1::ListSpacesRequest req;
  req.set_page_size(100);
  for (;;) {
    dv1::ListSpacesResponse resp;
    ASSERT_TRUE(stub_->ListSpaces(CallAs(Doctor(NewUuid())).get(), req, &resp).ok());
    for (const auto& s : resp.spaces()) {
      if (s.kind() == dv1::SPACE_KIND_SPECIALTY) titles[s.specialty_code()] = s.title();
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  size_t canonical = 0;
  for (const taxonomy::OrdinalSpecialty& s : taxonomy::OrdinalSpecialties()) {
    if (s.canonical_code != s.code) {
      EXPECT_EQ(titles.count(std::string(s.code)), 0u) << s.code << " is shown as " << s.canonical_code;
      continue;
    }
    ++canonical;
    EXPECT_EQ(titles[std::string(s.code)], s.label) << s.code;
  }
  EXPECT_EQ(titles.size(), canonical);
  EXPECT_EQ(titles["SM95"], "Santé publique option administration de la santé");
  EXPECT_EQ(titles["SM46"], "Médecine intensive-réanimation");

  // Codes: only those of the list, general practice stored as SM54.
  dv1::Case c = NewCaseMessage(kGeneralSpace, "Codes de spécialité");
  c.clear_specialty_codes();
  c.add_specialty_codes("SM26");
  c.add_specialty_codes("SM54");
  dv1::Case created;
  ASSERT_TRUE(Create(NewUuid(), c, &created).ok());
  EXPECT_THAT(created.specialty_codes(), ::testing::ElementsAre("SM54"));
  c.clear_specialty_codes();
  c.add_specialty_codes("SM99");
  grpc::Status s = Create(NewUuid(), c, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("case.specialty_codes"));
}

// A space of a code that is not canonical (here as the first migration left SM53's, with a
// case in it) is merged into the canonical one when the service starts: the case moves, with
// an event for search, and the space is gone.
TEST_F(CasesTest, AnAliasSpaceIsMergedAtStartUp) {
  const std::string alias = "00000000-0000-4000-8001-000000000053";
  const std::string sm54 = "00000000-0000-4000-8001-000000000054";
  const std::string case_id = NewUuid();
  Sql("INSERT INTO discussions.spaces (space_id, kind, title, specialty_code) VALUES ('" + alias +
      "', 'specialty', 'Spécialiste en médecine générale', 'SM53');"
      "INSERT INTO discussions.cases (case_id, space_id, author_id, title, question) VALUES ('" +
      case_id + "', '" + alias + "', '" + NewUuid() + "', 'Cas ancien', 'Question ?');");
  auto second = ServiceProcess::Start({.service = "discussions",
                                       .pg_url = db_->Url("discussions"),
                                       .redis_port = SharedRedisPort(),
                                       .public_keys_file = tokens_->public_keys_file(),
                                       .extra_env = {{"MELTINGDOC_DISCUSSIONS_IDENTITY_STREAM", identity_stream_}}});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE((*second)->WaitForHealth(true).ok()) << (*second)->ReadLog();
  EXPECT_EQ(Sql("SELECT space_id || ' ' || version FROM discussions.cases WHERE case_id = '" + case_id + "'"),
            sm54 + " 2");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.spaces WHERE space_id = '" + alias + "'"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM discussions.outbox WHERE aggregate_id = '" + case_id + "'"), "1");
}

// Every RPC of the service, found from its descriptor (a new RPC is covered without editing
// this test): a pending account gets PERMISSION_DENIED, no token gets UNAUTHENTICATED.
TEST_F(CasesTest, PendingAccountsAreRefusedOnEveryRpc) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(dv1::DiscussionsService::service_full_name());
  ASSERT_NE(service, nullptr);
  ASSERT_GE(service->method_count(), 8);
  grpc::GenericStub generic(service_->channel());
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method = absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    for (const auto& [token, expected] :
         std::vector<std::pair<std::string, grpc::StatusCode>>{{tokens_->Pending(NewUuid()), grpc::StatusCode::PERMISSION_DENIED},
                                                              {"", grpc::StatusCode::UNAUTHENTICATED}}) {
      auto ctx = CallAs(token);
      grpc::ByteBuffer request, response;  // an empty message
      grpc::Slice empty("");
      request = grpc::ByteBuffer(&empty, 1);
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
      grpc::Status status;
      generic.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
        std::lock_guard<std::mutex> lock(m);
        status = s;
        done = true;
        cv.notify_one();
      });
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return done; });
      EXPECT_EQ(status.error_code(), expected) << method << ": " << status.error_message();
    }
  }
}

}  // namespace
}  // namespace meltingdoc::testing
