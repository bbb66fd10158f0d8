// Everything the discussions service keeps, behind an interface so that handler logic is
// unit-tested with a fake; the real one is PgDiscussionsStore.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meltingdoc/discussions/v1/discussions_service.pb.h"

namespace meltingdoc::discussions {

// Where a page of spaces starts: strictly after this (title, space_id).
struct SpaceCursor {
  std::string title;
  std::string space_id;
};

class DiscussionsStore {
 public:
  virtual ~DiscussionsStore() = default;
  // Up to `limit` spaces readable by `account_id`, ordered by (title, space_id), after `after`.
  virtual absl::StatusOr<std::vector<v1::Space>> ListSpaces(const std::string& account_id,
                                                             const std::optional<SpaceCursor>& after,
                                                             int limit) = 0;
};

}  // namespace meltingdoc::discussions
