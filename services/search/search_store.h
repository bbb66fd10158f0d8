// Everything the search service keeps, behind an interface so that handler logic is
// unit-tested with a fake; the real one is PgSearchStore.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "meltingdoc/search/v1/search_service.pb.h"

namespace meltingdoc::search {

class SearchStore {
 public:
  virtual ~SearchStore() = default;
  // What was applied from each event stream, ordered by stream name.
  virtual absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() = 0;
};

}  // namespace meltingdoc::search
