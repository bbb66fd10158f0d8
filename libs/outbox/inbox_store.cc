#include "libs/outbox/inbox_store.h"

#include <exception>

#include <pqxx/pqxx>

#include "libs/outbox/prepared.h"
#include "libs/pg/errors.h"

namespace meltingdoc::outbox {
namespace {

constexpr Statement kRecord{
    "meltingdoc_inbox_record",
    "INSERT INTO processed_events (event_id, stream, aggregate_type, aggregate_id,"
    " aggregate_version) VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING"};

constexpr Statement kRecordDead{
    "meltingdoc_inbox_record_dead",
    "INSERT INTO dead_events (event_id, stream, entry_id, aggregate_type, aggregate_id,"
    " aggregate_version, code) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (event_id) DO NOTHING"};

}  // namespace

absl::StatusOr<bool> RecordProcessed(pqxx::transaction_base& txn, const events::v1::Event& event,
                                     const std::string& stream) {
  try {
    const pqxx::result r = ExecPrepared(txn, kRecord, event.event_id(), stream,
                                        event.aggregate_type(), event.aggregate_id(),
                                        event.aggregate_version());
    return r.affected_rows() == 1;
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

absl::Status RecordDead(pqxx::transaction_base& txn, const events::v1::Event& event,
                        const std::string& stream, const std::string& entry_id,
                        const std::string& code) {
  absl::StatusOr<bool> recorded = RecordProcessed(txn, event, stream);
  if (!recorded.ok()) return recorded.status();
  try {
    ExecPrepared(txn, kRecordDead, event.event_id(), stream, entry_id, event.aggregate_type(),
                 event.aggregate_id(), event.aggregate_version(), code);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
}

}  // namespace meltingdoc::outbox
