// SQL of the consumer side: processed_events (libs/outbox/inbox_migrations/).
#pragma once

#include <string>

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

}  // namespace meltingdoc::outbox
