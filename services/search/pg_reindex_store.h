// The SQL of Reindex (services/search/reindexer.h): a copy of every index table built beside
// the live one, fed by the exports and by the live events, then swapped in.
//
//  - Begin: in one transaction under the rebuild lock (exclusive), claims reindex_state
//    (refused while another rebuild holds a fresh lease), drops any leftover copies and
//    creates rebuild_<table> for each index table from the live table's catalog definition
//    (columns, defaults, checks; primary keys, unique and foreign keys; indexes: names
//    prefixed with "rebuild_"), so that a later migration of a live table is copied too.
//  - Apply: export events written to the copies through ApplyEvent (the code that indexes
//    the stream), versions compared as always; the lease is renewed in the same transaction.
//  - Meanwhile the consumers call RebuildRunning in each event's transaction (rebuild lock,
//    shared) and, while it is true, apply the event to the copies too. Begin and Switch take
//    the lock exclusively, so no event is applied to one side only across either boundary:
//    a change committed before an export message's snapshot is in the export, and one
//    committed after it is published after Begin and reaches the copies through the stream.
//  - Switch: in one transaction, rebuild lock (exclusive), then every live table locked
//    (ACCESS EXCLUSIVE, waiting at most 200 ms per attempt so that searches queued behind it
//    wait no longer; retried), dropped, and the copies renamed to the live names with their
//    constraints and indexes. A search waiting on the lock then reads the new tables; none
//    ever sees a partial index.
//  - Abandon: drops the copies and clears the state (a failed or cancelled Reindex).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/pg/pool.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "services/search/pg_index_store.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::search {

inline constexpr char kRebuildPrefix[] = "rebuild_";
// A rebuild whose lease was not renewed for this long (its process died) no longer refuses
// a new one.
inline constexpr absl::Duration kReindexLease = absl::Minutes(2);

// The tables of the rebuild copy.
const IndexTables& RebuildTables();

// For the consumers, inside the event's transaction: takes the rebuild lock (shared, until
// the transaction ends) and tells whether a rebuild is collecting events.
absl::StatusOr<bool> RebuildRunning(pqxx::transaction_base& txn);

struct ReindexCounts {
  int64_t profiles = 0;
  int64_t case_events = 0;
};

class PgReindexStore {
 public:
  explicit PgReindexStore(pg::Pool* pool) : pool_(pool) {}

  // Claims the rebuild and creates the empty copies; returns the owner id that the other
  // calls present. FAILED_PRECONDITION while another rebuild holds the lease.
  absl::StatusOr<std::string> Begin();

  // Applies export events to the copies (one transaction, retried on deadlock) and adds to
  // the counts. ABORTED when `owner` lost the rebuild (another took the lease over).
  absl::StatusOr<ReindexCounts> Apply(const std::string& owner,
                                      const std::vector<events::v1::Event>& events,
                                      int64_t profiles, int64_t case_events);

  // ANALYZE of the copies, then the swap. Returns the searchable doctors and cases.
  absl::StatusOr<std::pair<int64_t, int64_t>> Switch(const std::string& owner);

  // Drops the copies and frees the rebuild, if `owner` still holds it; `reason` is a short
  // code kept in reindex_state.last_result.
  absl::Status Abandon(const std::string& owner, const std::string& reason);

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::search
