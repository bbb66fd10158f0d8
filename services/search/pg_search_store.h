// SearchStore over PostgreSQL (schema search): every read of the index. The writes, from
// events, are in pg_index_store.h.
#pragma once

#include "libs/pg/pool.h"
#include "services/search/search_store.h"

namespace meltingdoc::search {

struct PgSearchStoreOptions {
  // SearchCases by relevance, for a query the lexicon says matches many cases, ranks only its
  // matches among the newest cases: enough of them to hold ~1.5 x this many matches, when
  // that is fewer rows than all the matches (bench/README.md, search_bench).
  double ranked_candidates = 500;
  // SearchDoctors by relevance probes the matched competences of this many doctors (the best
  // score bounds) first, and reads the page again over every match when that cannot be exact.
  // 0 (the default): off. Measured at 200 000 doctors (bench/README.md), the bound (all the
  // doctor's endorsements) is far above the score for a word matching a specialty, whose
  // doctors' matched competences have few endorsements: the page was mostly read twice.
  int doctor_candidates = 0;
};

class PgSearchStore final : public SearchStore {
 public:
  explicit PgSearchStore(pg::Pool* pool, PgSearchStoreOptions options = {})
      : pool_(pool), options_(options) {}
  absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() override;
  absl::StatusOr<std::pair<int64_t, int64_t>> IndexedCounts() override;
  absl::StatusOr<std::optional<GeoPoint>> ResolvePlace(const std::string& place) override;
  absl::StatusOr<DoctorPage> SearchDoctors(DoctorQuery query) override;
  absl::StatusOr<CasePage> SearchCases(CaseQuery query) override;
  absl::StatusOr<std::vector<v1::Suggestion>> Suggest(
      const std::string& key, int limit, const std::vector<std::string>& kinds) override;

 private:
  pg::Pool* const pool_;
  const PgSearchStoreOptions options_;
};

}  // namespace meltingdoc::search
