// DiscussionsStore over PostgreSQL (schema discussions). All of the service's SQL is here.
#pragma once

#include "libs/pg/pool.h"
#include "services/discussions/discussions_store.h"

namespace meltingdoc::discussions {

class PgDiscussionsStore final : public DiscussionsStore {
 public:
  explicit PgDiscussionsStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<std::vector<v1::Space>> ListSpaces(const std::string& account_id,
                                                     const std::optional<SpaceCursor>& after,
                                                     int limit) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::discussions
