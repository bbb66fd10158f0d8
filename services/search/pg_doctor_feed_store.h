// What the in-memory doctor index (memory_search_store.h) reads from PostgreSQL: all of
// search.doctors at start, then what changed since (rows written by any instance, including
// tombstones of deleted doctors), and the stemmed form of query words. All of its SQL.
//
// Changes are followed by transaction id: every write of a doctors or suggestions row stamps
// it with its transaction's id (change_xid, migration 0004). A reader that took its snapshot
// with xmin X has seen every transaction below X, so the next reading asks for rows with
// change_xid >= X: a transaction still running at the last reading commits with an id >= X.
// Each reading is one statement, so its xmin and its rows come from one snapshot.
// Rows are read again while older transactions stay open; comparing versions skips them.
// A Reindex replaces the doctors table (a new oid): the reader then loads everything again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/pg/pool.h"
#include "services/search/doctor_index.h"
#include "services/search/suggest_index.h"

namespace meltingdoc::search {

// Where a reading stopped.
struct FeedPosition {
  std::string xmin;           // xid8 text: every transaction below it was seen
  int64_t doctors_table = 0;  // oid of search.doctors when read
};

struct DoctorChanges {
  FeedPosition at;
  bool table_replaced = false;  // a Reindex switched tables: load everything again
  std::vector<std::pair<std::string, int64_t>> versions;  // changed doctors: id, version
  std::vector<SuggestionRow> suggestions;  // new entries other than doctors' own
};

struct DoctorRows {
  std::vector<DoctorRow> doctors;  // deleted ones with `deleted`
  std::vector<SuggestionRow> suggestions;  // their own (kind "doctor") entries
};

class PgDoctorFeedStore {
 public:
  explicit PgDoctorFeedStore(pg::Pool* pool) : pool_(pool) {}
  // Every live doctor and every suggestion entry, handed over one at a time (the whole table
  // is never held as rows): where the reading stands.
  absl::StatusOr<FeedPosition> LoadAll(const std::function<void(DoctorRow&&)>& doctor,
                                       const std::function<void(SuggestionRow&&)>& suggestion);
  absl::StatusOr<DoctorChanges> ChangesSince(const FeedPosition& from);
  absl::StatusOr<DoctorRows> LoadDoctors(const std::vector<std::string>& profile_ids);
  // The lexemes PostgreSQL's `fr` configuration makes of each folded word (none for a stop
  // word), as to_tsquery('fr', word) would.
  absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> Stem(
      const std::vector<std::string>& words);

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::search
