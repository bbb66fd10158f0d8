#include "services/search/pg_search_store.h"

#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"

namespace meltingdoc::search {

absl::StatusOr<std::vector<v1::StreamStats>> PgSearchStore::StreamStats() {
  return pg::ReadOneStatement<std::vector<v1::StreamStats>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::StreamStats>> {
        const pqxx::result rows = txn.exec(
            "SELECT stream, count(*), (extract(epoch FROM max(applied_at)) * 1000000)::int8 "
            "FROM processed_events GROUP BY stream ORDER BY stream");
        std::vector<v1::StreamStats> stats;
        for (const pqxx::row& r : rows) {
          v1::StreamStats& s = stats.emplace_back();
          s.set_stream(r[0].as<std::string>());
          s.set_applied_event_count(r[1].as<int64_t>());
          *s.mutable_last_apply_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[2].as<int64_t>());
        }
        return stats;
      });
}

}  // namespace meltingdoc::search
