// Choosing the commune of a practice place from what the doctor typed (postcode + commune
// name) among the communes that the postcode serves (read from the commune table). No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"

namespace meltingdoc::profiles {

// One row of commune_postcodes joined with communes.
struct CommuneCandidate {
  std::string insee_code;
  std::string name;   // the commune's name ("Lyon")
  std::string alias;  // La Poste's name at this postcode when different ("Lyon 3e Arrondissement")
  std::string departement;
  bool has_coordinates = false;
  double latitude = 0;
  double longitude = 0;
  std::string coordinates_source;  // "commune" or "nearby" (see 0004_communes.sql)
};

// The candidate whose name or alias matches `commune` (text::FoldForMatch, so accents, case,
// hyphens and "St" do not matter); when `commune` is empty, the only candidate if the postcode
// serves exactly one commune. Errors are INVALID_ARGUMENT with a message for the user:
// an unknown postcode, a name that matches none of the postcode's communes (the message lists
// them, at most 10), or an empty name for a postcode shared by several communes.
absl::StatusOr<CommuneCandidate> ChooseCommune(absl::string_view postcode, absl::string_view commune,
                                               const std::vector<CommuneCandidate>& candidates);

// True for a 5-digit French postcode ("01000".."98999").
bool IsPostcode(absl::string_view postcode);

// A practice place from a site of the national register (identity's AccountVerified: the
// postcode and the commune label of "coord. structure", e.g. "LYON", "ST ETIENNE"), geocoded
// like a doctor's entry among `candidates` (the communes the postcode serves); when the label
// matches none of them but the postcode serves one commune, that one. The register gives no
// usable site name: the place is named after its commune, kind unspecified, not accepting
// referrals, all editable by the doctor. nullopt when the postcode is unknown, or shared by
// several communes none of which the label names.
std::optional<v1::PracticePlace> PlaceFromRegister(absl::string_view postcode, absl::string_view commune,
                                                   const std::vector<CommuneCandidate>& candidates);

}  // namespace meltingdoc::profiles
