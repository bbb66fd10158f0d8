// Helpers shared by the SQL files of PgDiscussionsStore (pg_discussions_store.cc: spaces and
// cases; pg_replies_store.cc: replies). Internal to the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "meltingdoc/discussions/v1/discussions_service.pb.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace pqxx {
class row;
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::discussions::pgstore {

// A space (alias s) is readable by $1 when it is not a private group or $1 is a member.
inline constexpr char kReadableSpace[] =
    "(s.kind <> 'private_group' OR EXISTS (SELECT 1 FROM space_members m "
    "WHERE m.space_id = s.space_id AND m.account_id = $1::uuid))";

// The columns ReadCaseRow reads, from cases c JOIN spaces s.
inline constexpr char kCaseColumns[] =
    "c.case_id::text, c.space_id::text, c.author_id::text, c.title, c.context, c.examination, "
    "c.investigations, c.question, array_to_string(c.specialty_codes, ','), "
    "array_to_string(c.competence_tags, ','), c.status, coalesce(c.accepted_reply_id::text, ''), "
    "c.reply_count, c.version, (extract(epoch FROM c.created_at) * 1000000)::int8, "
    "(extract(epoch FROM c.updated_at) * 1000000)::int8, "
    "(extract(epoch FROM c.last_activity_at) * 1000000)::int8, "
    "coalesce((extract(epoch FROM c.deleted_at) * 1000000)::int8, 0), s.kind = 'private_group', "
    "c.hidden_at IS NOT NULL, coalesce((extract(epoch FROM c.hidden_at) * 1000000)::int8, 0), "
    "EXISTS (SELECT 1 FROM deleted_accounts d WHERE d.account_id = c.author_id)";

// The columns ReadReply reads, from replies r JOIN cases c; $1 is the caller (for
// helpful_by_caller).
inline constexpr char kReplyColumns[] =
    "r.reply_id::text, r.case_id::text, coalesce(r.parent_reply_id::text, ''), r.author_id::text, r.text, "
    "r.helpful_count, EXISTS (SELECT 1 FROM reply_votes v WHERE v.reply_id = r.reply_id AND v.voter_id = $1::uuid), "
    "c.accepted_reply_id IS NOT DISTINCT FROM r.reply_id, r.version, "
    "(extract(epoch FROM r.created_at) * 1000000)::int8, (extract(epoch FROM r.updated_at) * 1000000)::int8, "
    "r.hidden_at IS NOT NULL, EXISTS (SELECT 1 FROM deleted_accounts d WHERE d.account_id = r.author_id)";

struct ReplyRow {
  v1::Reply r;
  bool hidden = false;
};

struct CaseRow {
  v1::Case c;
  bool private_group = false;
  bool hidden = false;
};

// The statement of ListCases for one order, with or without a tag filter. Parameters: $1
// reader, $2 space_id, $3 tag, $4 author_id, $5 status ('open'/'resolved'), $6 cursor time
// (µs since the epoch), $7 cursor case_id, $8 limit; NULL for an absent filter or cursor.
// (bench/discussions EXPLAINs it.)
std::string ListCasesSql(v1::CaseOrder order, bool by_tag);
// Rewrites the case_tags rows of a case from its current codes and tags (none once deleted).
void SyncCaseTags(pqxx::transaction_base& txn, const std::string& case_id);
CaseRow ReadCaseRow(const pqxx::row& r);
ReplyRow ReadReply(const pqxx::row& r);
// The events of a case's or a reply's current state (appended to the outbox by writers,
// streamed by ExportCases).
events::v1::Event CaseChangedEvent(const CaseRow& row, bool created);
events::v1::Event ReplyChangedEvent(const ReplyRow& row, bool created);
events::v1::Event NewEvent(const std::string& aggregate_type, const std::string& aggregate_id, int64_t version);
absl::Status AppendCaseChanged(pqxx::transaction_base& txn, const CaseRow& row, bool created);
// The case, without any visibility check (callers check).
std::optional<CaseRow> SelectCase(pqxx::transaction_base& txn, const std::string& case_id);
// The case if its space is readable by `reader` (hidden or not: callers that show it use
// SelectVisibleCase).
std::optional<CaseRow> SelectReadableCase(pqxx::transaction_base& txn, const std::string& reader,
                                          const std::string& case_id);
// The case if `reader` may see it, the rule of GetCase for every read of a case or its
// thread: a readable space, and while hidden only its author and moderators.
std::optional<CaseRow> SelectVisibleCase(pqxx::transaction_base& txn, const std::string& reader, bool moderator,
                                         const std::string& case_id);
absl::Status CaseNotFound();
// Whether `caller` may write in the thread of a case in a readable space: OK when the case is
// not hidden; NOT_FOUND (`not_found`) when hidden and the caller may not see it;
// FAILED_PRECONDITION for its author and moderators.
absl::Status RefuseIfHidden(bool hidden, const std::string& case_author, const std::string& caller, bool moderator,
                            absl::Status not_found);
// Notifies the followers of a case who may still read it, except `actor`; returns them.
std::vector<std::string> NotifyFollowers(pqxx::transaction_base& txn, const std::string& case_id,
                                         const std::string& reply_id, const std::string& actor,
                                         const char* kind);
// Appends ReplyChanged with the reply's current state (pg_replies_store.cc).
absl::Status AppendReplyChangedById(pqxx::transaction_base& txn, const std::string& reply_id);

}  // namespace meltingdoc::discussions::pgstore
