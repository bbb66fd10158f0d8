// PgDiscussionsStore, part seven: the export of everything search indexes (ExportCases).
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

namespace meltingdoc::discussions {

using namespace pgstore;  // NOLINT: the helpers of this store

namespace {

// kReplyColumns computes helpful_by_caller for $1; nobody calls here.
constexpr char kNobody[] = "00000000-0000-0000-0000-000000000000";

class PageBuilder {
 public:
  PageBuilder(const ExportPosition& after, int max_events, size_t max_bytes)
      : max_events_(max_events), max_bytes_(max_bytes) {
    page_.last = after;
  }
  bool full() const { return static_cast<int>(page_.events.size()) >= max_events_ || bytes_ >= max_bytes_; }
  int room() const { return max_events_ - static_cast<int>(page_.events.size()); }
  void Add(events::v1::Event e, ExportPosition at) {
    bytes_ += e.ByteSizeLong();
    page_.events.push_back(std::move(e));
    page_.last = std::move(at);
  }
  ExportPage Done(bool done) {
    page_.done = done;
    return std::move(page_);
  }

 private:
  const int max_events_;
  const size_t max_bytes_;
  size_t bytes_ = 0;
  ExportPage page_;
};

ExportPosition CasePosition(const std::string& case_id) {
  return {ExportPosition::Phase::kCases, case_id, "", 0};
}

ExportPosition ReplyPosition(const ReplyRow& row) {
  const int64_t micros = row.r.create_time().seconds() * 1000000 + row.r.create_time().nanos() / 1000;
  return {ExportPosition::Phase::kCases, row.r.case_id(), row.r.reply_id(), micros};
}

events::v1::Event CaseEvent(const CaseRow& row) {
  if (!row.c.has_delete_time()) return CaseChangedEvent(row, /*created=*/false);
  events::v1::Event e = NewEvent("case", row.c.case_id(), row.c.version());
  e.mutable_case_deleted()->set_case_id(row.c.case_id());
  e.mutable_case_deleted()->set_space_id(row.c.space_id());
  return e;
}

// Members of private groups after `after`, as GroupMembershipChanged; true when none is left.
bool AddMembers(pqxx::transaction_base& txn, const ExportPosition& after, PageBuilder& page) {
  const int want = page.room();
  const pqxx::result rows = txn.exec_params(
      "SELECT m.space_id::text, m.account_id::text, s.version, s.title "
      "FROM space_members m JOIN spaces s ON s.space_id = m.space_id "
      "WHERE s.kind = 'private_group' "
      "  AND ($1::uuid IS NULL OR (m.space_id, m.account_id) > ($1::uuid, $2::uuid)) "
      "ORDER BY m.space_id, m.account_id LIMIT $3",
      after.id.empty() ? std::nullopt : std::optional<std::string>(after.id),
      after.id.empty() ? std::nullopt : std::optional<std::string>(after.sub_id), want);
  for (const pqxx::row& r : rows) {
    if (page.full()) return false;
    const std::string space_id = r[0].as<std::string>(), account_id = r[1].as<std::string>();
    events::v1::Event e = NewEvent("space", space_id, r[2].as<int64_t>());
    events::v1::GroupMembershipChanged* m = e.mutable_group_membership_changed();
    m->set_space_id(space_id);
    m->set_account_id(account_id);
    m->set_member(true);
    m->set_group_title(r[3].as<std::string>());
    page.Add(std::move(e), {ExportPosition::Phase::kMembers, space_id, account_id, 0});
  }
  return static_cast<int>(rows.size()) < want;
}

// The replies of live cases among `case_ids` (a PostgreSQL array literal), after a reply of
// the first one when `after` names one, in export order, at most `limit`.
pqxx::result SelectReplies(pqxx::transaction_base& txn, const std::string& case_ids, const ExportPosition& after,
                           int limit) {
  const bool resume = !after.sub_id.empty();
  return txn.exec_params(
      std::string("SELECT ") + kReplyColumns +
          " FROM replies r JOIN cases c ON c.case_id = r.case_id "
          "WHERE r.case_id = ANY($2::uuid[]) AND c.deleted_at IS NULL "
          "  AND ($3::uuid IS NULL OR (r.case_id, r.created_at, r.reply_id) > "
          "       ($3::uuid, 'epoch'::timestamptz + $4::int8 * interval '1 microsecond', $5::uuid)) "
          "ORDER BY r.case_id, r.created_at, r.reply_id LIMIT $6",
      kNobody, case_ids, resume ? std::optional<std::string>(after.id) : std::nullopt, after.sub_micros,
      resume ? std::optional<std::string>(after.sub_id) : std::nullopt, limit);
}

// Cases after `after` (and first the rest of its replies); true when none is left.
bool AddCases(pqxx::transaction_base& txn, const ExportPosition& after, PageBuilder& page) {
  if (!after.id.empty()) {
    // The rest of the replies of the case the previous page ended in.
    const int want = page.room();
    const pqxx::result rows = SelectReplies(txn, absl::StrCat("{", after.id, "}"), after, want);
    for (const pqxx::row& r : rows) {
      if (page.full()) return false;
      ReplyRow row = ReadReply(r);
      ExportPosition at = ReplyPosition(row);
      page.Add(ReplyChangedEvent(row, /*created=*/false), std::move(at));
    }
    if (static_cast<int>(rows.size()) == want) return false;
  }
  std::string last_case = after.id;
  while (!page.full()) {
    const int want = page.room();
    const pqxx::result cases = txn.exec_params(
        std::string("SELECT ") + kCaseColumns +
            " FROM cases c JOIN spaces s ON s.space_id = c.space_id "
            "WHERE ($1::uuid IS NULL OR c.case_id > $1::uuid) ORDER BY c.case_id LIMIT $2",
        last_case.empty() ? std::nullopt : std::optional<std::string>(last_case), want);
    if (cases.empty()) return true;
    std::vector<CaseRow> rows;
    std::vector<std::string> ids;
    for (const pqxx::row& r : cases) {
      rows.push_back(ReadCaseRow(r));
      ids.push_back(rows.back().c.case_id());
    }
    const pqxx::result replies =
        SelectReplies(txn, absl::StrCat("{", absl::StrJoin(ids, ","), "}"), ExportPosition{}, want);
    // When the reply query hit its limit, replies after its last row are unknown: stop there.
    const bool replies_cut = static_cast<int>(replies.size()) == want;
    size_t next_reply = 0;
    for (const CaseRow& c : rows) {
      if (page.full()) return false;
      if (replies_cut && next_reply == replies.size()) return false;
      page.Add(CaseEvent(c), CasePosition(c.c.case_id()));
      last_case = c.c.case_id();
      while (next_reply < replies.size() && replies[next_reply][1].as<std::string>() == c.c.case_id()) {
        if (page.full()) return false;
        ReplyRow row = ReadReply(replies[next_reply++]);
        ExportPosition at = ReplyPosition(row);
        page.Add(ReplyChangedEvent(row, /*created=*/false), std::move(at));
      }
      if (replies_cut && next_reply == replies.size()) return false;
    }
    if (static_cast<int>(cases.size()) < want) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<ExportPage> PgDiscussionsStore::ExportEvents(const ExportPosition& after, int max_events,
                                                            size_t max_bytes) {
  return pg::InTransaction<ExportPage>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<ExportPage> {
    // One snapshot for the page's statements (a case and its replies agree).
    txn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    PageBuilder page(after, max_events, max_bytes);
    ExportPosition from = after;
    if (from.phase == ExportPosition::Phase::kMembers) {
      if (!AddMembers(txn, from, page)) return page.Done(false);
      from = {ExportPosition::Phase::kCases, "", "", 0};
      if (page.full()) {
        // Every member was sent; the next page starts with the cases.
        ExportPage p = page.Done(false);
        p.last = from;
        return p;
      }
    }
    return page.Done(AddCases(txn, from, page));
  });
}

}  // namespace meltingdoc::discussions
