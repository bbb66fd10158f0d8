// IdentityStore over PostgreSQL (schema identity). All of the service's SQL is here.
#pragma once

#include "libs/pg/pool.h"
#include "services/identity/identity_store.h"

namespace meltingdoc::identity {

class PgIdentityStore final : public IdentityStore {
 public:
  explicit PgIdentityStore(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<v1::Account> GetAccount(const std::string& account_id) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::identity
