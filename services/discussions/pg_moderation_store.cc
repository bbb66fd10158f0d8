// PgDiscussionsStore, part four: the read audit, reports and moderation decisions.
#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;
using namespace pgstore;  // NOLINT: the helpers of this store

namespace {

constexpr char kReportColumns[] =
    "report_id::text, target_type, target_id::text, reporter_id::text, reason, details, "
    "(extract(epoch FROM created_at) * 1000000)::int8";

v1::Report ReadReport(const pqxx::row& r) {
  v1::Report rep;
  rep.set_report_id(r[0].as<std::string>());
  if (r[1].as<std::string>() == "case") {
    rep.set_case_id(r[2].as<std::string>());
  } else {
    rep.set_reply_id(r[2].as<std::string>());
  }
  rep.set_reporter_id(r[3].as<std::string>());
  v1::ReportReason reason = v1::REPORT_REASON_OTHER;
  v1::ReportReason_Parse(r[4].as<std::string>(), &reason);
  rep.set_reason(reason);
  rep.set_details(r[5].as<std::string>());
  *rep.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[6].as<int64_t>());
  return rep;
}

const char* TypeOf(const ContentRef& t) { return t.is_case ? "case" : "reply"; }

// True when `reader` may read the content and it can be reported: its case is in a readable
// space, the content is not hidden, and neither is a reply's case (hidden, it is already out
// of everyone's sight but its author's and the moderators').
bool Readable(pqxx::transaction_base& txn, const std::string& reader, const ContentRef& t) {
  if (t.is_case) {
    return !txn.exec_params(std::string("SELECT 1 FROM cases c JOIN spaces s ON s.space_id = c.space_id "
                                        "WHERE c.case_id = $2::uuid AND c.hidden_at IS NULL "
                                        "AND c.deleted_at IS NULL AND ") +
                                kReadableSpace,
                            reader, t.id)
                .empty();
  }
  return !txn.exec_params(std::string("SELECT 1 FROM replies r JOIN cases c ON c.case_id = r.case_id "
                                      "JOIN spaces s ON s.space_id = c.space_id "
                                      "WHERE r.reply_id = $2::uuid AND r.hidden_at IS NULL "
                                      "AND c.hidden_at IS NULL AND ") +
                              kReadableSpace,
                          reader, t.id)
              .empty();
}

}  // namespace

absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseRead>>> PgDiscussionsStore::ListCaseAudit(
    const std::string& actor, bool moderator, const std::string& case_id, int64_t before, int limit) {
  using Out = std::vector<std::pair<int64_t, v1::CaseRead>>;
  return pg::InTransaction<Out>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Out> {
    std::optional<CaseRow> row = moderator ? SelectCase(txn, case_id) : SelectReadableCase(txn, actor, case_id);
    if (!row) return CaseNotFound();
    if (!moderator && row->c.author_id() != actor) {
      return absl::PermissionDeniedError("only the author of the case and moderators see who read it");
    }
    const pqxx::result rows = txn.exec_params(
        "SELECT id, reader_id::text, (extract(epoch FROM read_at) * 1000000)::int8, request_id FROM case_reads "
        "WHERE case_id = $1::uuid AND ($2::int8 = 0 OR id < $2::int8) ORDER BY id DESC LIMIT $3",
        case_id, before, limit);
    Out out;
    for (const pqxx::row& r : rows) {
      v1::CaseRead read;
      read.set_reader_id(r[1].as<std::string>());
      *read.mutable_read_time() = TimeUtil::MicrosecondsToTimestamp(r[2].as<int64_t>());
      read.set_request_id(r[3].as<std::string>());
      out.emplace_back(r[0].as<int64_t>(), std::move(read));
    }
    return out;
  });
}

absl::StatusOr<v1::Report> PgDiscussionsStore::ReportContent(const std::string& reporter, const ContentRef& t,
                                                             v1::ReportReason reason, const std::string& details) {
  return pg::InTransaction<v1::Report>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Report> {
    if (!Readable(txn, reporter, t)) return absl::NotFoundError(t.is_case ? "case not found" : "reply not found");
    const pqxx::result inserted = txn.exec_params(
        std::string("INSERT INTO reports (report_id, target_type, target_id, reporter_id, reason, details) "
                    "VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5, $6) "
                    "ON CONFLICT (target_type, target_id, reporter_id) WHERE status = 'open' DO NOTHING "
                    "RETURNING ") +
            kReportColumns,
        NewUuid(), TypeOf(t), t.id, reporter, v1::ReportReason_Name(reason), details);
    if (!inserted.empty()) return ReadReport(inserted[0]);
    const pqxx::result open = txn.exec_params(
        std::string("SELECT ") + kReportColumns +
            " FROM reports WHERE target_type = $1 AND target_id = $2::uuid AND reporter_id = $3::uuid "
            "AND status = 'open'",
        TypeOf(t), t.id, reporter);
    if (open.empty()) return absl::AbortedError("concurrent report; retry");
    return ReadReport(open[0]);
  });
}

absl::StatusOr<std::vector<v1::Report>> PgDiscussionsStore::ListReports(
    const std::optional<std::pair<int64_t, std::string>>& after, int limit) {
  return pg::InTransaction<std::vector<v1::Report>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Report>> {
        const pqxx::result rows = txn.exec_params(
            std::string("SELECT ") + kReportColumns +
                " FROM reports WHERE status = 'open' "
                "  AND ($1::int8 IS NULL OR (created_at, report_id) > "
                "       ('epoch'::timestamptz + $1::int8 * interval '1 microsecond', $2::uuid)) "
                "ORDER BY created_at, report_id LIMIT $3",
            after ? std::optional<int64_t>(after->first) : std::nullopt,
            after ? std::optional<std::string>(after->second) : std::nullopt, limit);
        std::vector<v1::Report> out;
        for (const pqxx::row& r : rows) out.push_back(ReadReport(r));
        return out;
      });
}

absl::Status PgDiscussionsStore::SetHidden(const std::string& moderator, const ContentRef& t, bool hidden,
                                           const std::string& reason) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    // Lock the content row; the version bump orders its event after any concurrent change.
    const std::string table = t.is_case ? "cases" : "replies";
    const std::string key = t.is_case ? "case_id" : "reply_id";
    const pqxx::result r = txn.exec_params(
        "UPDATE " + table + " SET hidden_at = CASE WHEN $2 THEN coalesce(hidden_at, clock_timestamp()) END, " +
            "hidden_reason = CASE WHEN $2 THEN $3 END, version = version + 1 WHERE " + key +
            " = $1::uuid RETURNING version",
        t.id, hidden, reason);
    if (r.empty()) return absl::NotFoundError(t.is_case ? "case not found" : "reply not found");
    txn.exec_params(
        "INSERT INTO moderation_actions (action, target_type, target_id, moderator_id, reason) "
        "VALUES ($1, $2, $3::uuid, $4::uuid, $5)",
        hidden ? "hide" : "unhide", TypeOf(t), t.id, moderator, reason);
    if (hidden) {
      txn.exec_params(
          "UPDATE reports SET status = 'closed', closed_at = clock_timestamp() "
          "WHERE target_type = $1 AND target_id = $2::uuid AND status = 'open'",
          TypeOf(t), t.id);
    }
    if (t.is_case) {
      std::optional<CaseRow> row = SelectCase(txn, t.id);
      if (!row) return CaseNotFound();
      return AppendCaseChanged(txn, *row, /*created=*/false);
    }
    return AppendReplyChangedById(txn, t.id);
  });
}

}  // namespace meltingdoc::discussions
