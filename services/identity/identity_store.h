// Everything the identity service keeps, behind an interface so that handler logic
// (authorization, validation) is unit-tested with a fake; the real one is PgIdentityStore.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "meltingdoc/identity/v1/identity_service.pb.h"

namespace meltingdoc::identity {

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  // NOT_FOUND when there is no such account.
  virtual absl::StatusOr<v1::Account> GetAccount(const std::string& account_id) = 0;
};

}  // namespace meltingdoc::identity
