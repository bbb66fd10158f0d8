// SQL of the writer side: the outbox table (libs/outbox/migrations/0001_outbox.sql).
// No libpqxx exception leaves these functions; failures are mapped by pg::StatusFromException.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::outbox {

// Adds `event` to the outbox inside the caller's transaction, so that the event exists if and
// only if the caller's change commits. INVALID_ARGUMENT (nothing written) unless event_id is a
// UUID and a payload case is set; ALREADY_EXISTS if that event_id was appended before (the
// transaction is then aborted, as with any failed statement).
//
// Ordering: the relay publishes in outbox id order, and ids are handed out at insert time. Two
// transactions about the same aggregate keep their order on the stream as long as each locks
// the aggregate's row (UPDATE ... or SELECT ... FOR UPDATE) *before* calling AppendEvent: the
// second then cannot insert its outbox row until the first has committed.
absl::Status AppendEvent(pqxx::transaction_base& txn, const events::v1::Event& event);

// --- Used by OutboxRelay. ---

struct OutboxRow {
  int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::string aggregate_type;
  std::string aggregate_id;
  int64_t aggregate_version = 0;
  std::string payload;  // serialized Event
};

// pg_try_advisory_xact_lock on a key derived from the current schema: true when this
// transaction now holds the relay lock of this outbox (released at commit or rollback).
absl::StatusOr<bool> TryLockRelay(pqxx::transaction_base& txn);

// The oldest `limit` unsent rows, by id.
absl::StatusOr<std::vector<OutboxRow>> SelectUnsent(pqxx::transaction_base& txn, int limit);

// Sets published_at = now() on exactly these rows.
absl::Status MarkPublished(pqxx::transaction_base& txn, const std::vector<int64_t>& ids);

// Rows not yet published (the relay lag).
absl::StatusOr<int64_t> CountUnsent(pqxx::transaction_base& txn);

}  // namespace meltingdoc::outbox
