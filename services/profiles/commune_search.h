// SearchCommunes: what the doctor typed (a commune name's beginning or a postcode's) turned
// into the keys of migrations/0006_commune_search.sql, and the store behind it. No I/O here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"

namespace meltingdoc::profiles {

inline constexpr size_t kMaxCommuneQueryLength = 100;  // characters
inline constexpr int kDefaultCommuneResults = 10;
inline constexpr int kMaxCommuneResults = 20;

struct CommuneQuery {
  // Digits only: a postcode prefix (1..5 digits), matched against postcodes only.
  bool postcode = false;
  // The folded prefix ("saint et" for "St-Ét").
  std::string prefix;
  // When the last word typed is "st" or "ste", also the prefix without the saint expansion
  // ("st" finds Strasbourg as well as Saint-Denis); empty otherwise.
  std::string alternate_prefix;
  int limit = kDefaultCommuneResults;
};

// Validates and folds the request. INVALID_ARGUMENT naming `query` (required, at most 100
// characters, clean UTF-8 text, a letter or digit, a postcode prefix of at most 5 digits) or `limit`
// (0 means 10; otherwise 1..20).
absl::StatusOr<CommuneQuery> ParseCommuneQuery(absl::string_view query, int32_t limit);

class CommunesStore {
 public:
  virtual ~CommunesStore() = default;
  // At most query.limit communes whose name, name without article, La Poste name (or postcode,
  // for a postcode query) starts with the prefix: exact matches first, then by population.
  virtual absl::StatusOr<std::vector<v1::Commune>> SearchCommunes(const CommuneQuery& query) = 0;
};

}  // namespace meltingdoc::profiles
