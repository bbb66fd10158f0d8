// Validation of UpdateProfile: which fields the mask may name, and every field's limit.
// Pure: the taxonomy is passed in; geocoding (which needs the commune table) is left to the
// caller, who gets the indices of the places to geocode.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "libs/server/field_errors.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"
#include "services/profiles/taxonomy.h"

namespace meltingdoc::profiles {

// Documented in profiles_service.proto; every limit is in characters or items.
struct ProfileLimits {
  static constexpr size_t kHeadline = 120;
  static constexpr size_t kBio = 2000;
  static constexpr size_t kCompetences = 30;
  static constexpr size_t kCompetenceLabel = 80;
  static constexpr size_t kPlaces = 5;
  static constexpr size_t kPlaceName = 120;
  static constexpr size_t kPlaceAddress = 200;
  static constexpr size_t kCommune = 100;
  static constexpr size_t kEducation = 20;
  static constexpr size_t kEducationText = 150;
  static constexpr int kFirstYear = 1950;
  static constexpr int kYearsAhead = 10;
  static constexpr size_t kLanguages = 10;
  static constexpr size_t kLinks = 10;
  static constexpr size_t kLinkTitle = 120;
  static constexpr size_t kUrl = 500;
  static constexpr size_t kPhone = 20;
  static constexpr size_t kEmail = 254;
  static constexpr size_t kConnectionMessage = 300;
};

// The editable top-level fields of Profile, as update_mask paths.
const std::set<std::string>& EditableProfileFields();

struct ValidatedUpdate {
  std::set<std::string> paths;
  // The masked fields, normalized: competences with code, label and key (taxonomy labels;
  // free text that names exactly one taxonomy competence becomes it), languages lower case,
  // output-only fields cleared.
  v1::Profile values;
  // Indices into values.practice_places() that have a postcode to geocode.
  std::vector<int> places_to_geocode;
};

// All violations at once (field paths like "profile.competences[2].label"); empty when valid.
std::vector<server::FieldViolation> ValidateUpdate(const v1::UpdateProfileRequest& request,
                                                   const Taxonomy& taxonomy, int current_year,
                                                   ValidatedUpdate* out);

// "free:" + folded label, the key of a free-text competence.
std::string FreeCompetenceKey(absl::string_view label);

bool IsIso639_1(absl::string_view code);
bool IsValidHttpUrl(absl::string_view url);
bool IsPlausibleEmail(absl::string_view email);

}  // namespace meltingdoc::profiles
