// SQL of the consumer side: processed_events and dead_events (libs/outbox/inbox_migrations/).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::outbox {

// Records `event` as applied, in the transaction that applies it. True when recorded now;
// false when it was recorded before (already applied: skip it). If another transaction is
// applying the same event right now, this waits for it and then answers false (it committed)
// or true (it rolled back), so an event is never applied twice.
absl::StatusOr<bool> RecordProcessed(pqxx::transaction_base& txn, const events::v1::Event& event,
                                     const std::string& stream);

// RecordProcessed for several events in one statement: which of them were recorded now
// (true) or before (false), in the order given. Event ids must be distinct.
absl::StatusOr<std::vector<bool>> RecordProcessedBatch(
    pqxx::transaction_base& txn, const std::vector<const events::v1::Event*>& events,
    const std::string& stream);

// Records `event` as refused for good by its handler (`code`, e.g. "ALREADY_EXISTS"): a
// dead_events row and its processed_events row, so that it is never retried. Idempotent.
absl::Status RecordDead(pqxx::transaction_base& txn, const events::v1::Event& event,
                        const std::string& stream, const std::string& entry_id,
                        const std::string& code);

}  // namespace meltingdoc::outbox
