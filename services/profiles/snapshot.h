// The searchable snapshot of a profile (events.v1.ProfileChanged), published on every change
// and returned by ExportProfiles. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"

namespace meltingdoc::profiles {

// What the snapshot needs beyond the profile: taxonomy facts of its competences.
struct SnapshotContext {
  std::string canonical_specialty;  // SM54 for SM26/SM53/SM54
  absl::flat_hash_map<std::string, std::vector<std::string>> synonyms;  // competence code -> synonyms
  absl::flat_hash_map<std::string, std::string> competence_specialty;   // competence code -> specialty
  // Département of each practice place, by INSEE code.
  absl::flat_hash_map<std::string, std::string> departements;
};

// "Dr Claire Martin" (civility omitted when empty).
std::string DisplayName(const v1::Profile& profile);

// "hospital", "clinic", "private_practice", "health_centre" or "".
std::string PlaceKindName(v1::PlaceKind kind);

// Contact details are private; everything else that search uses is in the snapshot.
events::v1::ProfileChanged BuildProfileChanged(const v1::Profile& profile, const SnapshotContext& context);

}  // namespace meltingdoc::profiles
