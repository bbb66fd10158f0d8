#include "libs/outbox/outbox_store.h"

#include <exception>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"
#include "libs/outbox/event_codec.h"
#include "libs/outbox/prepared.h"
#include "libs/pg/errors.h"

namespace meltingdoc::outbox {
namespace {

constexpr Statement kInsert{
    "meltingdoc_outbox_insert",
    "INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type,"
    " payload) VALUES ($1::uuid, $2, $3, $4, $5, $6)"};

// The key includes the schema: services share one database, and each service's relay must
// exclude only other relays of the same outbox, not those of the other services.
constexpr Statement kTryLock{
    "meltingdoc_outbox_try_lock",
    "SELECT pg_try_advisory_xact_lock(hashtext('meltingdoc.outbox_relay:' || current_schema()))"};

constexpr Statement kSelectUnsent{
    "meltingdoc_outbox_select_unsent",
    "SELECT id, event_id::text, coalesce(event_type, ''), coalesce(aggregate_type, ''),"
    " coalesce(aggregate_id, ''), coalesce(aggregate_version, 0), payload"
    " FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1"};

// By explicit ids, never by range: a row with a lower id that was still uncommitted when the
// batch was selected may have committed since, and must not be marked without being published.
constexpr Statement kMarkPublished{
    "meltingdoc_outbox_mark_published",
    "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])"};

constexpr Statement kCountUnsent{"meltingdoc_outbox_count_unsent",
                                 "SELECT count(*) FROM outbox WHERE published_at IS NULL"};

}  // namespace

absl::Status AppendEvent(pqxx::transaction_base& txn, const events::v1::Event& event) {
  RETURN_IF_ERROR(ValidateEvent(event));
  std::string payload;
  if (!event.SerializeToString(&payload)) {
    return absl::InvalidArgumentError("event: cannot be serialized");
  }
  try {
    ExecPrepared(txn, kInsert, event.event_id(), event.aggregate_type(), event.aggregate_id(),
                 event.aggregate_version(), EventTypeName(event),
                 pqxx::binarystring(payload.data(), payload.size()));
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> TryLockRelay(pqxx::transaction_base& txn) {
  try {
    return ExecPrepared(txn, kTryLock)[0][0].as<bool>();
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

absl::StatusOr<std::vector<OutboxRow>> SelectUnsent(pqxx::transaction_base& txn, int limit) {
  try {
    const pqxx::result result = ExecPrepared(txn, kSelectUnsent, limit);
    std::vector<OutboxRow> rows;
    rows.reserve(result.size());
    for (const pqxx::row& r : result) {
      OutboxRow row;
      row.id = r[0].as<int64_t>();
      row.event_id = r[1].as<std::string>();
      row.event_type = r[2].as<std::string>();
      row.aggregate_type = r[3].as<std::string>();
      row.aggregate_id = r[4].as<std::string>();
      row.aggregate_version = r[5].as<int64_t>();
      if (!r[6].is_null()) row.payload = pqxx::binarystring(r[6]).str();
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

absl::Status MarkPublished(pqxx::transaction_base& txn, const std::vector<int64_t>& ids) {
  if (ids.empty()) return absl::OkStatus();
  try {
    ExecPrepared(txn, kMarkPublished, absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CountUnsent(pqxx::transaction_base& txn) {
  try {
    return ExecPrepared(txn, kCountUnsent)[0][0].as<int64_t>();
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

}  // namespace meltingdoc::outbox
