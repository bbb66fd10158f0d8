// PgDiscussionsStore, part two: replies, their revisions and helpful marks.
#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "libs/server/field_errors.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;
using namespace pgstore;  // NOLINT: the helpers of this store

namespace pgstore {

ReplyRow ReadReply(const pqxx::row& row) {
  ReplyRow out;
  v1::Reply& r = out.r;
  r.set_reply_id(row[0].as<std::string>());
  r.set_case_id(row[1].as<std::string>());
  r.set_parent_reply_id(row[2].as<std::string>());
  r.set_author_id(row[3].as<std::string>());
  r.set_text(row[4].as<std::string>());
  r.set_helpful_count(row[5].as<int>());
  r.set_helpful_by_caller(row[6].as<bool>());
  r.set_accepted(row[7].as<bool>());
  r.set_version(row[8].as<int64_t>());
  *r.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  *r.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  out.hidden = row[11].as<bool>();
  if (row[12].as<bool>()) {
    r.set_author_deleted(true);
    r.clear_author_id();
  }
  return out;
}

}  // namespace pgstore

namespace {

// The reply as `caller` sees it, without visibility check.
std::optional<ReplyRow> SelectReply(pqxx::transaction_base& txn, const std::string& caller,
                                    const std::string& reply_id) {
  const pqxx::result r = txn.exec_params(std::string("SELECT ") + kReplyColumns +
                                             " FROM replies r JOIN cases c ON c.case_id = r.case_id "
                                             "WHERE r.reply_id = $2::uuid",
                                         caller, reply_id);
  if (r.empty()) return std::nullopt;
  return ReadReply(r[0]);
}

}  // namespace

namespace pgstore {
events::v1::Event ReplyChangedEvent(const ReplyRow& row, bool created) {
  const v1::Reply& r = row.r;
  events::v1::Event e = NewEvent("reply", r.reply_id(), r.version());
  events::v1::ReplyChanged* p = e.mutable_reply_changed();
  p->set_reply_id(r.reply_id());
  p->set_case_id(r.case_id());
  p->set_parent_reply_id(r.parent_reply_id());
  p->set_author_id(r.author_id());
  p->set_text(r.text());
  p->set_accepted(r.accepted());
  p->set_hidden(row.hidden);
  p->set_helpful_count(r.helpful_count());
  *p->mutable_create_time() = r.create_time();
  *p->mutable_update_time() = r.update_time();
  p->set_created(created);
  return e;
}
}  // namespace pgstore

namespace {

absl::Status AppendReplyChanged(pqxx::transaction_base& txn, const ReplyRow& row, bool created) {
  return outbox::AppendEvent(txn, ReplyChangedEvent(row, created));
}

// Locks a visible reply whose thread `caller` may write in (NOT_FOUND when the reply does
// not exist, is hidden, or its case is invisible to the caller; FAILED_PRECONDITION when its
// case is hidden and the caller is the case's author or a moderator).
struct LockedReply {
  std::string author_id;
  std::string case_id;
  int64_t version = 0;
};

absl::StatusOr<LockedReply> LockWritableReply(pqxx::transaction_base& txn, const std::string& caller,
                                              bool moderator, const std::string& reply_id) {
  const pqxx::result r = txn.exec_params(
      std::string("SELECT r.author_id::text, r.case_id::text, r.version, c.hidden_at IS NOT NULL, "
                  "  c.author_id::text FROM replies r "
                  "JOIN cases c ON c.case_id = r.case_id JOIN spaces s ON s.space_id = c.space_id "
                  "WHERE r.reply_id = $2::uuid AND r.hidden_at IS NULL AND ") +
          kReadableSpace + " FOR UPDATE OF r",
      caller, reply_id);
  if (r.empty()) return absl::NotFoundError("reply not found");
  RETURN_IF_ERROR(RefuseIfHidden(r[0][3].as<bool>(), r[0][4].as<std::string>(), caller, moderator,
                                 absl::NotFoundError("reply not found")));
  return LockedReply{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<int64_t>()};
}

}  // namespace

namespace pgstore {
std::vector<std::string> NotifyFollowers(pqxx::transaction_base& txn, const std::string& case_id,
                                         const std::string& reply_id, const std::string& actor, const char* kind) {
  const pqxx::result r = txn.exec_params(
      "INSERT INTO notifications (account_id, kind, case_id, reply_id, actor_id) "
      "SELECT f.account_id, $4, f.case_id, $2::uuid, $3::uuid FROM case_follows f "
      "JOIN cases c ON c.case_id = f.case_id JOIN spaces s ON s.space_id = c.space_id "
      "WHERE f.case_id = $1::uuid AND f.account_id <> $3::uuid "
      "  AND (s.kind <> 'private_group' OR EXISTS (SELECT 1 FROM space_members m "
      "       WHERE m.space_id = s.space_id AND m.account_id = f.account_id)) "
      "RETURNING account_id::text",
      case_id, reply_id, actor, kind);
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const pqxx::row& row : r) out.push_back(row[0].as<std::string>());
  return out;
}

absl::Status AppendReplyChangedById(pqxx::transaction_base& txn, const std::string& reply_id) {
  std::optional<ReplyRow> row = SelectReply(txn, "00000000-0000-0000-0000-000000000000", reply_id);
  if (!row) return absl::NotFoundError("reply not found");
  return AppendReplyChanged(txn, *row, /*created=*/false);
}
}  // namespace pgstore

absl::StatusOr<v1::Reply> PgDiscussionsStore::AddReply(const NewReply& n, bool moderator, bool* created,
                                                      std::vector<std::string>* notified) {
  *created = false;
  notified->clear();
  return pg::InTransaction<v1::Reply>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Reply> {
    // The case row lock orders concurrent replies (and their case events).
    const pqxx::result c = txn.exec_params(
        std::string("SELECT c.deleted_at IS NOT NULL, c.hidden_at IS NOT NULL, c.author_id::text "
                    "FROM cases c JOIN spaces s ON s.space_id = c.space_id "
                    "WHERE c.case_id = $2::uuid AND ") +
            kReadableSpace + " FOR UPDATE OF c",
        n.author_id, n.case_id);
    if (c.empty()) return CaseNotFound();
    RETURN_IF_ERROR(RefuseIfHidden(c[0][1].as<bool>(), c[0][2].as<std::string>(), n.author_id, moderator,
                                   CaseNotFound()));
    if (c[0][0].as<bool>()) return absl::FailedPreconditionError("the case was deleted; it takes no reply");
    if (!n.parent_reply_id.empty()) {
      const pqxx::result p = txn.exec_params(
          "SELECT 1 FROM replies WHERE reply_id = $1::uuid AND case_id = $2::uuid AND parent_reply_id IS NULL "
          "AND hidden_at IS NULL",
          n.parent_reply_id, n.case_id);
      if (p.empty()) {
        return server::InvalidField("parent_reply_id", "must be a top-level reply of the same case");
      }
    }
    const std::string reply_id = NewUuid();
    const pqxx::result inserted = txn.exec_params(
        "INSERT INTO replies (reply_id, case_id, parent_reply_id, author_id, request_id, text) "
        "VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6) "
        "ON CONFLICT (author_id, request_id) DO NOTHING RETURNING reply_id",
        reply_id, n.case_id,
        n.parent_reply_id.empty() ? std::nullopt : std::optional<std::string>(n.parent_reply_id), n.author_id,
        n.request_id.empty() ? std::nullopt : std::optional<std::string>(n.request_id), n.text);
    if (inserted.empty()) {
      const pqxx::result first = txn.exec_params(
          "SELECT reply_id::text FROM replies WHERE author_id = $1::uuid AND request_id = $2", n.author_id,
          n.request_id);
      if (first.empty()) return absl::AbortedError("concurrent reply; retry");
      std::optional<ReplyRow> row = SelectReply(txn, n.author_id, first[0][0].as<std::string>());
      if (!row) return absl::AbortedError("concurrent reply; retry");
      return row->r;
    }
    txn.exec_params("INSERT INTO reply_revisions (reply_id, version, text) VALUES ($1::uuid, 1, $2)", reply_id,
                    n.text);
    txn.exec_params(
        "UPDATE cases SET reply_count = reply_count + 1, last_activity_at = clock_timestamp(), "
        "  version = version + 1 WHERE case_id = $1::uuid",
        n.case_id);
    std::optional<ReplyRow> row = SelectReply(txn, n.author_id, reply_id);
    std::optional<CaseRow> case_row = SelectCase(txn, n.case_id);
    if (!row || !case_row) return absl::InternalError("reply vanished after insert");
    RETURN_IF_ERROR(AppendReplyChanged(txn, *row, /*created=*/true));
    RETURN_IF_ERROR(AppendCaseChanged(txn, *case_row, /*created=*/false));
    *notified = NotifyFollowers(txn, n.case_id, reply_id, n.author_id, "new_reply");
    *created = true;
    return row->r;
  });
}

absl::StatusOr<std::vector<v1::Reply>> PgDiscussionsStore::ListReplies(const std::string& reader, bool moderator,
                                                                       const std::string& case_id,
                                                                       const std::optional<ReplyCursor>& after,
                                                                       int limit) {
  return pg::InTransaction<std::vector<v1::Reply>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Reply>> {
        // The thread of a hidden case is hidden with it (GetCase's rule).
        if (!SelectVisibleCase(txn, reader, moderator, case_id)) return CaseNotFound();
        const pqxx::result rows = txn.exec_params(
            std::string("SELECT ") + kReplyColumns +
                " FROM replies r JOIN cases c ON c.case_id = r.case_id "
                "WHERE r.case_id = $2::uuid AND r.hidden_at IS NULL "
                "  AND ($3::int8 IS NULL OR (r.created_at, r.reply_id) > "
                "       ('epoch'::timestamptz + $3::int8 * interval '1 microsecond', $4::uuid)) "
                "ORDER BY r.created_at, r.reply_id LIMIT $5",
            reader, case_id, after ? std::optional<int64_t>(after->time_micros) : std::nullopt,
            after ? std::optional<std::string>(after->reply_id) : std::nullopt, limit);
        std::vector<v1::Reply> out;
        out.reserve(rows.size());
        for (const pqxx::row& r : rows) out.push_back(ReadReply(r).r);
        return out;
      });
}

absl::StatusOr<v1::Reply> PgDiscussionsStore::EditReply(const std::string& editor, bool moderator,
                                                        const std::string& reply_id, int64_t expected_version,
                                                        const std::string& text) {
  return pg::InTransaction<v1::Reply>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Reply> {
    ASSIGN_OR_RETURN(const LockedReply locked, LockWritableReply(txn, editor, moderator, reply_id));
    if (locked.author_id != editor) return absl::PermissionDeniedError("only the author may edit a reply");
    if (expected_version != 0 && expected_version != locked.version) {
      return absl::AbortedError("the reply changed since it was read; read it again");
    }
    if (locked.version >= kMaxCaseRevisions) {
      return absl::FailedPreconditionError("a reply keeps at most 100 revisions; it cannot be edited again");
    }
    txn.exec_params(
        "UPDATE replies SET text = $2, version = version + 1, updated_at = clock_timestamp() "
        "WHERE reply_id = $1::uuid",
        reply_id, text);
    txn.exec_params(
        "INSERT INTO reply_revisions (reply_id, version, text) "
        "SELECT reply_id, version, text FROM replies WHERE reply_id = $1::uuid",
        reply_id);
    std::optional<ReplyRow> row = SelectReply(txn, editor, reply_id);
    if (!row) return absl::NotFoundError("reply not found");
    RETURN_IF_ERROR(AppendReplyChanged(txn, *row, /*created=*/false));
    return row->r;
  });
}

absl::StatusOr<v1::Reply> PgDiscussionsStore::VoteReplyHelpful(const std::string& voter, bool moderator,
                                                               const std::string& reply_id, bool helpful) {
  return pg::InTransaction<v1::Reply>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Reply> {
    ASSIGN_OR_RETURN(const LockedReply locked, LockWritableReply(txn, voter, moderator, reply_id));
    if (locked.author_id == voter) {
      return absl::FailedPreconditionError("a doctor cannot mark their own reply helpful");
    }
    const pqxx::result changed =
        helpful ? txn.exec_params("INSERT INTO reply_votes (reply_id, voter_id) VALUES ($1::uuid, $2::uuid) "
                                  "ON CONFLICT DO NOTHING RETURNING 1",
                                  reply_id, voter)
                : txn.exec_params("DELETE FROM reply_votes WHERE reply_id = $1::uuid AND voter_id = $2::uuid "
                                  "RETURNING 1",
                                  reply_id, voter);
    if (!changed.empty()) {
      txn.exec_params(
          "UPDATE replies SET helpful_count = helpful_count + $2, version = version + 1 WHERE reply_id = $1::uuid",
          reply_id, helpful ? 1 : -1);
    }
    std::optional<ReplyRow> row = SelectReply(txn, voter, reply_id);
    if (!row) return absl::NotFoundError("reply not found");
    if (!changed.empty()) RETURN_IF_ERROR(AppendReplyChanged(txn, *row, /*created=*/false));
    return row->r;
  });
}

absl::StatusOr<v1::Case> PgDiscussionsStore::AcceptReply(const std::string& actor, bool moderator,
                                                         const std::string& reply_id,
                                                         std::vector<std::string>* notified) {
  notified->clear();
  return pg::InTransaction<v1::Case>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Case> {
    const pqxx::result r = txn.exec_params(
        std::string("SELECT c.case_id::text, c.author_id::text, c.deleted_at IS NOT NULL, "
                    "  coalesce(c.accepted_reply_id::text, ''), c.hidden_at IS NOT NULL "
                    "FROM replies r JOIN cases c ON c.case_id = r.case_id JOIN spaces s ON s.space_id = c.space_id "
                    "WHERE r.reply_id = $2::uuid AND r.hidden_at IS NULL AND ") +
            kReadableSpace + " FOR UPDATE OF c",
        actor, reply_id);
    if (r.empty()) return absl::NotFoundError("reply not found");
    RETURN_IF_ERROR(RefuseIfHidden(r[0][4].as<bool>(), r[0][1].as<std::string>(), actor, moderator,
                                   absl::NotFoundError("reply not found")));
    const std::string case_id = r[0][0].as<std::string>();
    if (r[0][1].as<std::string>() != actor) {
      return absl::PermissionDeniedError("only the author of the case may accept a reply");
    }
    if (r[0][2].as<bool>()) return absl::FailedPreconditionError("the case was deleted");
    const std::string previous = r[0][3].as<std::string>();
    if (previous != reply_id) {
      txn.exec_params(
          "UPDATE cases SET status = 'resolved', accepted_reply_id = $2::uuid, version = version + 1, "
          "  updated_at = clock_timestamp(), last_activity_at = clock_timestamp() WHERE case_id = $1::uuid",
          case_id, reply_id);
      // The accepted flag is part of each reply's state: both replies change version.
      for (const std::string& id : {previous, reply_id}) {
        if (id.empty()) continue;
        txn.exec_params("UPDATE replies SET version = version + 1 WHERE reply_id = $1::uuid", id);
        std::optional<ReplyRow> row = SelectReply(txn, actor, id);
        if (row) RETURN_IF_ERROR(AppendReplyChanged(txn, *row, /*created=*/false));
      }
    }
    std::optional<CaseRow> case_row = SelectCase(txn, case_id);
    if (!case_row) return CaseNotFound();
    if (previous != reply_id) {
      RETURN_IF_ERROR(AppendCaseChanged(txn, *case_row, /*created=*/false));
      *notified = NotifyFollowers(txn, case_id, reply_id, actor, "reply_accepted");
    }
    return case_row->c;
  });
}

}  // namespace meltingdoc::discussions
