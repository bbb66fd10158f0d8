#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "libs/taxonomy/ordinal_specialties.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;

namespace pgstore {

v1::SpaceKind KindFromText(const std::string& s) {
  if (s == "general") return v1::SPACE_KIND_GENERAL;
  if (s == "specialty") return v1::SPACE_KIND_SPECIALTY;
  if (s == "private_group") return v1::SPACE_KIND_PRIVATE_GROUP;
  return v1::SPACE_KIND_UNSPECIFIED;
}




std::vector<std::string> SplitList(const std::string& s) {
  if (s.empty()) return {};
  return absl::StrSplit(s, ',');
}

// Tags and codes are validated slugs (no comma), so a joined list round-trips through
// string_to_array(..., ',').
std::string JoinList(const std::vector<std::string>& v) { return absl::StrJoin(v, ","); }

CaseRow ReadCaseRow(const pqxx::row& r) {
  CaseRow row;
  v1::Case& c = row.c;
  c.set_case_id(r[0].as<std::string>());
  c.set_space_id(r[1].as<std::string>());
  c.set_author_id(r[2].as<std::string>());
  c.set_title(r[3].as<std::string>());
  c.mutable_body()->set_context(r[4].as<std::string>());
  c.mutable_body()->set_examination(r[5].as<std::string>());
  c.mutable_body()->set_investigations(r[6].as<std::string>());
  c.mutable_body()->set_question(r[7].as<std::string>());
  for (const std::string& s : SplitList(r[8].as<std::string>())) c.add_specialty_codes(s);
  for (const std::string& s : SplitList(r[9].as<std::string>())) c.add_competence_tags(s);
  c.set_status(r[10].as<std::string>() == "resolved" ? v1::CASE_STATUS_RESOLVED : v1::CASE_STATUS_OPEN);
  c.set_accepted_reply_id(r[11].as<std::string>());
  c.set_reply_count(r[12].as<int>());
  c.set_version(r[13].as<int64_t>());
  *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[14].as<int64_t>());
  *c.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[15].as<int64_t>());
  *c.mutable_last_activity_time() = TimeUtil::MicrosecondsToTimestamp(r[16].as<int64_t>());
  if (const int64_t deleted = r[17].as<int64_t>(); deleted != 0) {
    *c.mutable_delete_time() = TimeUtil::MicrosecondsToTimestamp(deleted);
  }
  row.private_group = r[18].as<bool>();
  row.hidden = r[19].as<bool>();
  if (const int64_t hidden = r[20].as<int64_t>(); hidden != 0) {
    *c.mutable_hide_time() = TimeUtil::MicrosecondsToTimestamp(hidden);
  }
  if (r[21].as<bool>()) {
    c.set_author_deleted(true);
    c.clear_author_id();
  }
  return row;
}

events::v1::Event NewEvent(const std::string& aggregate_type, const std::string& aggregate_id, int64_t version) {
  events::v1::Event e;
  e.set_event_id(NewUuid());
  e.set_aggregate_type(aggregate_type);
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(version);
  *e.mutable_occur_time() = TimeUtil::GetCurrentTime();
  return e;
}

absl::Status AppendCaseChanged(pqxx::transaction_base& txn, const CaseRow& row, bool created) {
  return outbox::AppendEvent(txn, CaseChangedEvent(row, created));
}

events::v1::Event CaseChangedEvent(const CaseRow& row, bool created) {
  const v1::Case& c = row.c;
  events::v1::Event e = NewEvent("case", c.case_id(), c.version());
  events::v1::CaseChanged* p = e.mutable_case_changed();
  p->set_case_id(c.case_id());
  p->set_space_id(c.space_id());
  p->set_title(c.title());
  p->set_author_id(c.author_id());
  p->set_context(c.body().context());
  p->set_examination(c.body().examination());
  p->set_investigations(c.body().investigations());
  p->set_question(c.body().question());
  *p->mutable_specialty_codes() = c.specialty_codes();
  *p->mutable_competence_tags() = c.competence_tags();
  p->set_resolved(c.status() == v1::CASE_STATUS_RESOLVED);
  p->set_accepted_reply_id(c.accepted_reply_id());
  p->set_private_group(row.private_group);
  p->set_hidden(row.hidden);
  p->set_reply_count(c.reply_count());
  *p->mutable_create_time() = c.create_time();
  *p->mutable_update_time() = c.update_time();
  *p->mutable_last_activity_time() = c.last_activity_time();
  p->set_created(created);
  return e;
}

// The case, without any visibility check (callers check).
std::optional<CaseRow> SelectCase(pqxx::transaction_base& txn, const std::string& case_id) {
  const pqxx::result r = txn.exec_params(
      std::string("SELECT ") + kCaseColumns + " FROM cases c JOIN spaces s ON s.space_id = c.space_id "
      "WHERE c.case_id = $1::uuid",
      case_id);
  if (r.empty()) return std::nullopt;
  return ReadCaseRow(r[0]);
}

// The case if `reader` may see it.
std::optional<CaseRow> SelectReadableCase(pqxx::transaction_base& txn, const std::string& reader,
                                          const std::string& case_id) {
  const pqxx::result r = txn.exec_params(
      std::string("SELECT ") + kCaseColumns + " FROM cases c JOIN spaces s ON s.space_id = c.space_id "
      "WHERE c.case_id = $2::uuid AND " + kReadableSpace,
      reader, case_id);
  if (r.empty()) return std::nullopt;
  return ReadCaseRow(r[0]);
}

std::optional<CaseRow> SelectVisibleCase(pqxx::transaction_base& txn, const std::string& reader, bool moderator,
                                         const std::string& case_id) {
  std::optional<CaseRow> row = SelectReadableCase(txn, reader, case_id);
  if (row && row->hidden && !moderator && row->c.author_id() != reader) return std::nullopt;
  return row;
}

absl::Status CaseNotFound() { return absl::NotFoundError("case not found"); }

void SyncCaseTags(pqxx::transaction_base& txn, const std::string& case_id) {
  txn.exec_params("DELETE FROM case_tags WHERE case_id = $1::uuid", case_id);
  txn.exec_params(
      "INSERT INTO case_tags (case_id, tag, created_at) "
      "SELECT DISTINCT c.case_id, t.tag, c.created_at "
      "FROM cases c, unnest(c.specialty_codes || c.competence_tags) AS t (tag) "
      "WHERE c.case_id = $1::uuid AND c.deleted_at IS NULL",
      case_id);
}

absl::Status RefuseIfHidden(bool hidden, const std::string& case_author, const std::string& caller, bool moderator,
                            absl::Status not_found) {
  if (!hidden) return absl::OkStatus();
  if (!moderator && case_author != caller) return not_found;
  return absl::FailedPreconditionError("the case is hidden by a moderator; its thread takes no change until shown");
}

}  // namespace pgstore

using namespace pgstore;  // NOLINT: the helpers of this store

namespace {
std::string SpecialtySpaceId(absl::string_view code) {
  return absl::StrCat("00000000-0000-4000-8001-0000000000", code.substr(2, 2));
}
}  // namespace

absl::Status PgDiscussionsStore::SyncSpecialtySpaces() {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec("SELECT pg_advisory_xact_lock(hashtext('discussions.specialty_spaces'))");
    for (const taxonomy::OrdinalSpecialty& s : taxonomy::OrdinalSpecialties()) {
      const std::string code(s.code), label(s.label);
      if (s.canonical_code == s.code) {
        txn.exec_params(
            "INSERT INTO spaces (space_id, kind, title, specialty_code) VALUES ($1::uuid, 'specialty', $2, $3) "
            "ON CONFLICT (space_id) DO UPDATE SET title = EXCLUDED.title WHERE spaces.title <> EXCLUDED.title",
            SpecialtySpaceId(code), label, code);
        continue;
      }
      const std::string alias = SpecialtySpaceId(code), canonical = SpecialtySpaceId(s.canonical_code);
      const pqxx::result moved = txn.exec_params(
          "UPDATE cases SET space_id = $2::uuid, version = version + 1 WHERE space_id = $1::uuid "
          "RETURNING case_id::text",
          alias, canonical);
      for (const pqxx::row& r : moved) {
        std::optional<CaseRow> row = SelectCase(txn, r[0].as<std::string>());
        if (row) RETURN_IF_ERROR(AppendCaseChanged(txn, *row, /*created=*/false));
      }
      txn.exec_params("DELETE FROM spaces WHERE space_id = $1::uuid AND kind = 'specialty'", alias);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Space>> PgDiscussionsStore::ListSpaces(
    const std::string& account_id, const std::optional<SpaceCursor>& after, int limit) {
  return pg::ReadOneStatement<std::vector<v1::Space>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Space>> {
        const pqxx::result rows = txn.exec_params(
            std::string("SELECT s.space_id::text, s.kind, s.title, coalesce(s.specialty_code, ''), "
                        "       (extract(epoch FROM s.created_at) * 1000000)::int8 "
                        "FROM spaces s WHERE ") +
                kReadableSpace +
                "  AND ($2::text IS NULL OR (s.title, s.space_id) > ($2::text, $3::uuid)) "
                "ORDER BY s.title, s.space_id LIMIT $4",
            account_id, after ? std::optional<std::string>(after->title) : std::nullopt,
            after ? std::optional<std::string>(after->space_id) : std::nullopt, limit);
        std::vector<v1::Space> spaces;
        spaces.reserve(rows.size());
        for (const pqxx::row& r : rows) {
          v1::Space& s = spaces.emplace_back();
          s.set_space_id(r[0].as<std::string>());
          s.set_kind(KindFromText(r[1].as<std::string>()));
          s.set_title(r[2].as<std::string>());
          s.set_specialty_code(r[3].as<std::string>());
          *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[4].as<int64_t>());
        }
        return spaces;
      });
}

absl::StatusOr<v1::Case> PgDiscussionsStore::CreateCase(const NewCase& n, bool* created) {
  *created = false;
  return pg::InTransaction<v1::Case>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Case> {
    const pqxx::result space = txn.exec_params(
        std::string("SELECT 1 FROM spaces s WHERE s.space_id = $2::uuid AND ") + kReadableSpace, n.author_id,
        n.space_id);
    if (space.empty()) return absl::NotFoundError("space not found");
    const std::string case_id = NewUuid();
    const CaseContent& k = n.content;
    // ON CONFLICT on (author_id, request_id): a concurrent duplicate waits for the first
    // insert to commit, then inserts nothing; the SELECT below then sees the first case.
    const pqxx::result inserted = txn.exec_params(
        "INSERT INTO cases (case_id, space_id, author_id, request_id, title, context, examination, "
        "  investigations, question, specialty_codes, competence_tags) "
        "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, string_to_array($10, ','), "
        "  string_to_array($11, ',')) "
        "ON CONFLICT (author_id, request_id) DO NOTHING RETURNING case_id",
        case_id, n.space_id, n.author_id,
        n.request_id.empty() ? std::nullopt : std::optional<std::string>(n.request_id), k.title, k.context,
        k.examination, k.investigations, k.question, JoinList(k.specialty_codes), JoinList(k.competence_tags));
    if (inserted.empty()) {
      const pqxx::result first = txn.exec_params(
          "SELECT case_id::text FROM cases WHERE author_id = $1::uuid AND request_id = $2", n.author_id,
          n.request_id);
      if (first.empty()) return absl::AbortedError("concurrent create; retry");
      std::optional<CaseRow> row = SelectCase(txn, first[0][0].as<std::string>());
      if (!row) return absl::AbortedError("concurrent create; retry");
      return row->c;
    }
    txn.exec_params(
        "INSERT INTO case_revisions (case_id, version, title, context, examination, investigations, question, "
        "  specialty_codes, competence_tags, editor_id) "
        "SELECT case_id, version, title, context, examination, investigations, question, specialty_codes, "
        "  competence_tags, author_id FROM cases WHERE case_id = $1::uuid",
        case_id);
    SyncCaseTags(txn, case_id);
    // The author follows their case.
    txn.exec_params("INSERT INTO case_follows (case_id, account_id) VALUES ($1::uuid, $2::uuid)", case_id,
                    n.author_id);
    std::optional<CaseRow> row = SelectCase(txn, case_id);
    if (!row) return absl::InternalError("case vanished after insert");
    RETURN_IF_ERROR(AppendCaseChanged(txn, *row, /*created=*/true));
    *created = true;
    return row->c;
  });
}

absl::StatusOr<v1::Case> PgDiscussionsStore::GetCase(const std::string& reader, bool moderator,
                                                     const std::string& case_id,
                                                     const std::optional<std::string>& audit_request_id) {
  if (!audit_request_id) {
    return pg::ReadOneStatement<v1::Case>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Case> {
      std::optional<CaseRow> row = SelectVisibleCase(txn, reader, moderator, case_id);
      if (!row) return CaseNotFound();
      return row->c;
    });
  }
  // The read and its audit row in one statement (one round trip, atomic without BEGIN/COMMIT:
  // the load's most frequent write, bench/README.md "load"): the row is written exactly when
  // the case is returned. A hidden case exists only for its author and the moderators.
  return pg::WriteOneStatement<v1::Case>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Case> {
    const pqxx::result r = txn.exec_params(
        std::string("WITH visible AS (SELECT c.case_id FROM cases c JOIN spaces s ON s.space_id = c.space_id "
                    "  WHERE c.case_id = $2::uuid AND ") +
            kReadableSpace +
            "  AND (c.hidden_at IS NULL OR $3::bool OR c.author_id = $1::uuid)), "
            "audit AS (INSERT INTO case_reads (case_id, reader_id, request_id) "
            "  SELECT case_id, $1::uuid, $4::text FROM visible) "
            "SELECT " +
            kCaseColumns +
            " FROM visible v JOIN cases c ON c.case_id = v.case_id JOIN spaces s ON s.space_id = c.space_id",
        reader, case_id, moderator, *audit_request_id);
    if (r.empty()) return CaseNotFound();
    return ReadCaseRow(r[0]).c;
  });
}

namespace pgstore {
std::string ListCasesSql(v1::CaseOrder order, bool by_tag) {
  if (by_tag && order != v1::CASE_ORDER_MOST_ACTIVE) {
    // Newest first with a tag: walk the tag's rows of case_tags in list order
    // (migrations/0009_case_tags.sql); the other filters apply to the cases joined.
    return std::string("SELECT ") + kCaseColumns +
           " FROM case_tags t JOIN cases c ON c.case_id = t.case_id JOIN spaces s ON s.space_id = c.space_id "
           "WHERE t.tag = $3::text AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND " +
           kReadableSpace +
           "  AND ($2::uuid IS NULL OR c.space_id = $2::uuid) "
           "  AND ($4::uuid IS NULL OR c.author_id = $4::uuid) "
           "  AND ($5::text IS NULL OR c.status = $5::text) "
           "  AND ($6::int8 IS NULL OR (t.created_at, t.case_id) < "
           "       ('epoch'::timestamptz + $6::int8 * interval '1 microsecond', $7::uuid)) "
           "ORDER BY t.created_at DESC, t.case_id DESC LIMIT $8";
  }
  // The order column is one of two constants, never client text.
  const std::string col = order == v1::CASE_ORDER_MOST_ACTIVE ? "c.last_activity_at" : "c.created_at";
  return std::string("SELECT ") + kCaseColumns +
      " FROM cases c JOIN spaces s ON s.space_id = c.space_id "
      "WHERE c.deleted_at IS NULL AND c.hidden_at IS NULL AND " +
      kReadableSpace +
      "  AND ($2::uuid IS NULL OR c.space_id = $2::uuid) "
      "  AND ($3::text IS NULL OR (c.specialty_codes || c.competence_tags) @> ARRAY[$3::text]) "
      "  AND ($4::uuid IS NULL OR c.author_id = $4::uuid) "
      "  AND ($5::text IS NULL OR c.status = $5::text) "
      "  AND ($6::int8 IS NULL OR (" + col + ", c.case_id) < "
      "       ('epoch'::timestamptz + $6::int8 * interval '1 microsecond', $7::uuid)) "
      "ORDER BY " + col + " DESC, c.case_id DESC LIMIT $8";
}
}  // namespace pgstore

absl::StatusOr<std::vector<v1::Case>> PgDiscussionsStore::ListCases(const std::string& reader,
                                                                     const CaseFilter& f,
                                                                     const std::optional<CaseCursor>& after,
                                                                     int limit) {
  const std::string sql = ListCasesSql(f.order, !f.tag.empty());
  auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  std::optional<std::string> status;
  if (f.status == v1::CASE_STATUS_OPEN) status = "open";
  if (f.status == v1::CASE_STATUS_RESOLVED) status = "resolved";
  // One statement: autocommit saves the BEGIN/COMMIT round trips.
  return pg::ReadOneStatement<std::vector<v1::Case>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Case>> {
        const pqxx::result rows = txn.exec_params(
            sql, reader, opt(f.space_id), opt(f.tag), opt(f.author_id), status,
            after ? std::optional<int64_t>(after->time_micros) : std::nullopt,
            after ? std::optional<std::string>(after->case_id) : std::nullopt, limit);
        std::vector<v1::Case> cases;
        cases.reserve(rows.size());
        for (const pqxx::row& r : rows) cases.push_back(ReadCaseRow(r).c);
        return cases;
      });
}

absl::StatusOr<v1::Case> PgDiscussionsStore::UpdateCase(const std::string& editor, const std::string& case_id,
                                                        int64_t expected_version, const CaseContent& k) {
  return pg::InTransaction<v1::Case>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Case> {
    // The row lock orders this change (and its event) after any concurrent one.
    const pqxx::result cur = txn.exec_params(
        "SELECT version, deleted_at IS NOT NULL FROM cases WHERE case_id = $1::uuid FOR UPDATE", case_id);
    if (cur.empty() || cur[0][1].as<bool>()) return CaseNotFound();
    if (cur[0][0].as<int64_t>() != expected_version) {
      return absl::AbortedError("the case changed since it was read; read it again");
    }
    if (expected_version >= kMaxCaseRevisions) {
      return absl::FailedPreconditionError("a case keeps at most 100 revisions; it cannot be edited again");
    }
    txn.exec_params(
        "UPDATE cases SET title = $2, context = $3, examination = $4, investigations = $5, question = $6, "
        "  specialty_codes = string_to_array($7, ','), competence_tags = string_to_array($8, ','), "
        "  version = version + 1, updated_at = clock_timestamp() "
        "WHERE case_id = $1::uuid",
        case_id, k.title, k.context, k.examination, k.investigations, k.question, JoinList(k.specialty_codes),
        JoinList(k.competence_tags));
    txn.exec_params(
        "INSERT INTO case_revisions (case_id, version, title, context, examination, investigations, question, "
        "  specialty_codes, competence_tags, editor_id) "
        "SELECT case_id, version, title, context, examination, investigations, question, specialty_codes, "
        "  competence_tags, $2::uuid FROM cases WHERE case_id = $1::uuid",
        case_id, editor);
    SyncCaseTags(txn, case_id);
    std::optional<CaseRow> row = SelectCase(txn, case_id);
    if (!row) return CaseNotFound();
    RETURN_IF_ERROR(AppendCaseChanged(txn, *row, /*created=*/false));
    return row->c;
  });
}

absl::Status PgDiscussionsStore::DeleteCase(const std::string& actor, bool moderator, const std::string& case_id) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const pqxx::result cur = txn.exec_params(
        "SELECT c.author_id::text, c.deleted_at IS NOT NULL, c.space_id::text, "
        "  " + std::string(kReadableSpace) +
        " FROM cases c JOIN spaces s ON s.space_id = c.space_id WHERE c.case_id = $2::uuid FOR UPDATE OF c",
        actor, case_id);
    if (cur.empty()) return CaseNotFound();
    const bool author = cur[0][0].as<std::string>() == actor;
    const bool readable = cur[0][3].as<bool>();
    if (!author && !moderator) {
      return readable ? absl::PermissionDeniedError("only the author or a moderator may delete a case")
                      : CaseNotFound();
    }
    if (cur[0][1].as<bool>()) return absl::OkStatus();
    const pqxx::result v = txn.exec_params(
        "UPDATE cases SET title = '', context = '', examination = '', investigations = '', question = '', "
        "  specialty_codes = '{}', competence_tags = '{}', deleted_at = clock_timestamp(), "
        "  deleted_by = $2::uuid, version = version + 1, updated_at = clock_timestamp() "
        "WHERE case_id = $1::uuid RETURNING version",
        case_id, actor);
    txn.exec_params(
        "UPDATE case_revisions SET title = '', context = '', examination = '', investigations = '', "
        "  question = '' WHERE case_id = $1::uuid",
        case_id);
    SyncCaseTags(txn, case_id);
    events::v1::Event e = NewEvent("case", case_id, v[0][0].as<int64_t>());
    e.mutable_case_deleted()->set_case_id(case_id);
    e.mutable_case_deleted()->set_space_id(cur[0][2].as<std::string>());
    return outbox::AppendEvent(txn, e);
  });
}

absl::StatusOr<std::vector<v1::CaseRevision>> PgDiscussionsStore::ListCaseRevisions(const std::string& reader,
                                                                                    bool moderator,
                                                                                    const std::string& case_id) {
  return pg::InTransaction<std::vector<v1::CaseRevision>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::CaseRevision>> {
        if (!SelectVisibleCase(txn, reader, moderator, case_id)) return CaseNotFound();
        const pqxx::result rows = txn.exec_params(
            "SELECT version, title, context, examination, investigations, question, "
            "  array_to_string(specialty_codes, ','), array_to_string(competence_tags, ','), editor_id::text, "
            "  (extract(epoch FROM created_at) * 1000000)::int8 "
            "FROM case_revisions WHERE case_id = $1::uuid ORDER BY version",
            case_id);
        std::vector<v1::CaseRevision> out;
        out.reserve(rows.size());
        for (const pqxx::row& r : rows) {
          v1::CaseRevision& rev = out.emplace_back();
          rev.set_version(r[0].as<int64_t>());
          rev.set_title(r[1].as<std::string>());
          rev.mutable_body()->set_context(r[2].as<std::string>());
          rev.mutable_body()->set_examination(r[3].as<std::string>());
          rev.mutable_body()->set_investigations(r[4].as<std::string>());
          rev.mutable_body()->set_question(r[5].as<std::string>());
          for (const std::string& s : SplitList(r[6].as<std::string>())) rev.add_specialty_codes(s);
          for (const std::string& s : SplitList(r[7].as<std::string>())) rev.add_competence_tags(s);
          rev.set_editor_id(r[8].as<std::string>());
          *rev.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[9].as<int64_t>());
        }
        return out;
      });
}

}  // namespace meltingdoc::discussions
