// ProfilesStore over PostgreSQL (schema profiles). All of the service's SQL is here.
#pragma once

#include "libs/pg/pool.h"
#include "services/profiles/profiles_store.h"

namespace meltingdoc::profiles {

class PgProfilesStore final : public ProfilesStore {
 public:
  explicit PgProfilesStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<v1::Profile> GetProfile(const std::string& profile_id) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::profiles
