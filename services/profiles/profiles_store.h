// Everything the profiles service keeps, behind an interface so that handler logic is
// unit-tested with a fake; the real one is PgProfilesStore.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"

namespace meltingdoc::profiles {

class ProfilesStore {
 public:
  virtual ~ProfilesStore() = default;
  // NOT_FOUND when there is no such profile.
  virtual absl::StatusOr<v1::Profile> GetProfile(const std::string& profile_id) = 0;
};

}  // namespace meltingdoc::profiles
