// The SearchStore the service runs: SearchDoctors, Suggest and ResolvePlace from an in-memory
// read replica of search.doctors and search.suggestions (doctor_index.h, suggest_index.h);
// everything else (SearchCases, stats) from PostgreSQL (PgSearchStore). PostgreSQL stays the
// source of truth — the indexer writes it from events exactly as before — and this replica is
// loaded from it at start, then follows every change, whoever wrote it (another instance of
// the consumer group, a deletion, Reindex's switch), every `poll_interval`
// (pg_doctor_feed_store.h). Until the first load is done, calls go to PostgreSQL.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/search/doctor_index.h"
#include "services/search/pg_doctor_feed_store.h"
#include "services/search/search_store.h"
#include "services/search/suggest_index.h"

namespace meltingdoc::search {

struct MemorySearchStoreOptions {
  absl::Duration poll_interval = absl::Milliseconds(100);
  // Stemmed query words kept (cleared when full).
  size_t stem_cache_entries = 100000;
};

class MemorySearchStore final : public SearchStore {
 public:
  // `database` answers what memory does not hold, and everything until the first load.
  MemorySearchStore(pg::Pool* pool, SearchStore* database, MemorySearchStoreOptions options = {});
  ~MemorySearchStore() override;

  // Loads, then follows changes on a thread of its own until Stop (or destruction).
  void Start();
  void Stop();
  // Loads everything (the first time, or after a Reindex switched tables) or applies what
  // changed since the last call; what the thread runs. Tests call it to be up to date now.
  absl::Status CatchUp();
  bool loaded() const;
  // Seconds the last full load took; doctors held.
  double last_load_seconds() const;
  int64_t doctor_count() const;
  // What following has cost since start: readings, changed rows listed (re-listed while an
  // older transaction stays open), doctors read whole, and time spent reading and applying.
  struct FollowStats {
    int64_t readings = 0, listed = 0, loaded = 0;
    double reading_seconds = 0, applying_seconds = 0;
  };
  FollowStats follow_stats() const;
  // The version of a doctor held in memory (nullopt: not loaded, or never seen).
  std::optional<int64_t> DoctorVersion(const std::string& profile_id) const;

  absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() override;
  absl::StatusOr<std::pair<int64_t, int64_t>> IndexedCounts() override;
  absl::StatusOr<std::optional<GeoPoint>> ResolvePlace(const std::string& place) override;
  absl::StatusOr<DoctorPage> SearchDoctors(DoctorQuery query) override;
  absl::StatusOr<CasePage> SearchCases(CaseQuery query) override;
  absl::StatusOr<std::vector<v1::Suggestion>> Suggest(
      const std::string& key, int limit, const std::vector<std::string>& kinds) override;

 private:
  struct Replica {
    DoctorIndex doctors;
    SuggestIndex suggestions;
  };
  absl::Status LoadAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_);
  absl::StatusOr<ResolvedQuery> Resolve(ParsedQuery& text);

  pg::Pool* const pool_;
  SearchStore* const database_;
  const MemorySearchStoreOptions options_;
  PgDoctorFeedStore feed_;

  absl::Mutex refresh_mu_;  // one reading at a time
  FeedPosition position_ ABSL_GUARDED_BY(refresh_mu_);
  FollowStats stats_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex mu_;
  std::unique_ptr<Replica> replica_ ABSL_GUARDED_BY(mu_);
  double last_load_seconds_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex stem_mu_;
  absl::flat_hash_map<std::string, std::vector<std::string>> stems_ ABSL_GUARDED_BY(stem_mu_);

  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace meltingdoc::search
