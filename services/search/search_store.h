// Everything the search service reads from its index, behind an interface so that handler
// logic is unit-tested with a fake; the real one is PgSearchStore. (The index is written by
// pg_index_store.h, from events.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meltingdoc/search/v1/search_service.pb.h"
#include "services/search/query_parser.h"

namespace meltingdoc::search {

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// Where a page starts: strictly after the row with this sort value and id.
struct Cursor {
  double sort_value = 0;  // score, distance, or time in microseconds
  std::string id;
};

enum class DoctorOrder { kRelevance, kDistance };

struct DoctorQuery {
  ParsedQuery text;  // typo alternatives are added by the store
  std::vector<std::string> specialty_codes;  // any of
  std::vector<std::string> competence_keys;  // all of: a code, or "label:<folded label>"
  std::vector<std::string> languages;        // any of
  bool accepting_referrals = false;
  std::optional<GeoPoint> origin;
  double radius_km = 0;  // 0: no limit
  DoctorOrder order = DoctorOrder::kRelevance;
  int limit = 20;
  std::optional<Cursor> after;
  bool include_facets = false;
};

struct DoctorPage {
  std::vector<v1::DoctorHit> hits;
  std::optional<Cursor> next;  // set when there are more
  std::vector<v1::FacetCount> specialty_facets, competence_facets, commune_facets;
  int64_t total = 0;  // with include_facets
};

enum class CaseOrder { kRelevance, kNewest };

struct CaseQuery {
  ParsedQuery text;
  std::string caller_account_id;  // private groups: only their members see their cases
  std::vector<std::string> space_ids;  // any of
  std::vector<std::string> tags;       // all of
  std::optional<bool> resolved;
  std::optional<absl::Time> start_time, end_time;
  CaseOrder order = CaseOrder::kRelevance;
  int limit = 20;
  std::optional<Cursor> after;
};

struct CasePage {
  std::vector<v1::CaseHit> hits;
  std::optional<Cursor> next;
};

class SearchStore {
 public:
  virtual ~SearchStore() = default;
  // What was applied from each event stream, ordered by stream name.
  virtual absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() = 0;
  // Searchable doctors and cases.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> IndexedCounts() = 0;
  // The centre of a commune ("Saint-Étienne") or postcode ("42000") from the practice places
  // the index knows; nullopt when it knows none.
  virtual absl::StatusOr<std::optional<GeoPoint>> ResolvePlace(const std::string& place) = 0;
  virtual absl::StatusOr<DoctorPage> SearchDoctors(DoctorQuery query) = 0;
  virtual absl::StatusOr<CasePage> SearchCases(CaseQuery query) = 0;
  // `key`: FoldedKey of what was typed; `kinds`: "specialty", "competence", "doctor",
  // "commune" (empty: all).
  virtual absl::StatusOr<std::vector<v1::Suggestion>> Suggest(
      const std::string& key, int limit, const std::vector<std::string>& kinds) = 0;
};

}  // namespace meltingdoc::search
