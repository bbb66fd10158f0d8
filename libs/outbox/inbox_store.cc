#include "libs/outbox/inbox_store.h"

#include <exception>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"

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

absl::StatusOr<std::vector<bool>> RecordProcessedBatch(
    pqxx::transaction_base& txn, const std::vector<const events::v1::Event*>& events,
    const std::string& stream) {
  std::vector<bool> recorded(events.size(), false);
  if (events.empty()) return recorded;
  // One multi-row INSERT (values as parameters, never in the SQL text).
  std::vector<std::string> values;
  std::string sql =
      "INSERT INTO processed_events (event_id, stream, aggregate_type, aggregate_id,"
      " aggregate_version) VALUES ";
  for (size_t i = 0; i < events.size(); ++i) {
    const events::v1::Event& e = *events[i];
    const size_t n = values.size();
    sql += (i == 0 ? "" : ", ") + ("($" + std::to_string(n + 1) + "::uuid, $" +
                                   std::to_string(n + 2) + ", $" + std::to_string(n + 3) +
                                   ", $" + std::to_string(n + 4) + ", $" +
                                   std::to_string(n + 5) + "::int8)");
    values.insert(values.end(), {e.event_id(), stream, e.aggregate_type(), e.aggregate_id(),
                                 std::to_string(e.aggregate_version())});
  }
  sql += " ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text";
  try {
    std::vector<const char*> params;
    for (const std::string& v : values) params.push_back(v.c_str());
    const pqxx::result r = txn.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    for (const pqxx::row& row : r) {
      const std::string id = row[0].as<std::string>();
      for (size_t i = 0; i < events.size(); ++i) {
        // Ids come back in PostgreSQL's canonical (lower-case) form.
        if (absl::AsciiStrToLower(events[i]->event_id()) == id) recorded[i] = true;
      }
    }
    return recorded;
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
