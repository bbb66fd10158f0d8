// SearchStore over PostgreSQL (schema search). All of the service's SQL is here.
#pragma once

#include "libs/pg/pool.h"
#include "services/search/search_store.h"

namespace meltingdoc::search {

class PgSearchStore final : public SearchStore {
 public:
  explicit PgSearchStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<std::vector<v1::StreamStats>> StreamStats() override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::search
