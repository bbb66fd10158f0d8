// CommunesStore over PostgreSQL: SearchCommunes on commune_search_keys
// (migrations/0006_commune_search.sql). The service's SQL for it is in pg_communes_store.cc.
#pragma once

#include "libs/pg/pool.h"
#include "services/profiles/commune_search.h"

namespace meltingdoc::profiles {

class PgCommunesStore final : public CommunesStore {
 public:
  explicit PgCommunesStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<std::vector<v1::Commune>> SearchCommunes(const CommuneQuery& query) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::profiles
