#include "services/profiles/geocoding.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/text/fold.h"

namespace meltingdoc::profiles {

bool IsPostcode(absl::string_view postcode) {
  return postcode.size() == 5 &&
         std::all_of(postcode.begin(), postcode.end(), [](char c) { return absl::ascii_isdigit(c); }) &&
         postcode.substr(0, 2) != "00" && postcode.substr(0, 2) != "99";
}

absl::StatusOr<CommuneCandidate> ChooseCommune(absl::string_view postcode, absl::string_view commune,
                                               const std::vector<CommuneCandidate>& candidates) {
  if (candidates.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown postcode ", postcode));
  }
  // Distinct communes served (a commune can appear once per alias).
  std::vector<const CommuneCandidate*> distinct;
  for (const CommuneCandidate& c : candidates) {
    if (std::none_of(distinct.begin(), distinct.end(),
                     [&](const CommuneCandidate* d) { return d->insee_code == c.insee_code; })) {
      distinct.push_back(&c);
    }
  }
  const std::string wanted = text::FoldForMatch(commune);
  if (wanted.empty()) {
    if (distinct.size() == 1) return *distinct.front();
  } else {
    for (const CommuneCandidate& c : candidates) {
      if (text::FoldForMatch(c.name) == wanted || (!c.alias.empty() && text::FoldForMatch(c.alias) == wanted)) return c;
    }
  }
  std::vector<std::string> names;
  for (const CommuneCandidate* d : distinct) {
    if (names.size() == 10) {
      names.push_back("...");
      break;
    }
    names.push_back(d->name);
  }
  if (wanted.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("postcode ", postcode, " serves several communes: name one of ",
                                                   absl::StrJoin(names, ", ")));
  }
  return absl::InvalidArgumentError(absl::StrCat("no commune of that name at postcode ", postcode,
                                                 "; it serves ", absl::StrJoin(names, ", ")));
}

std::optional<v1::PracticePlace> PlaceFromRegister(absl::string_view postcode, absl::string_view commune,
                                                   const std::vector<CommuneCandidate>& candidates) {
  if (!IsPostcode(postcode)) return std::nullopt;
  absl::StatusOr<CommuneCandidate> chosen = ChooseCommune(postcode, commune, candidates);
  if (!chosen.ok()) chosen = ChooseCommune(postcode, "", candidates);
  if (!chosen.ok()) return std::nullopt;
  v1::PracticePlace place;
  place.set_name(chosen->name);
  place.set_postcode(std::string(postcode));
  place.set_commune(chosen->name);
  place.set_insee_code(chosen->insee_code);
  if (chosen->has_coordinates) {
    place.set_latitude(chosen->latitude);
    place.set_longitude(chosen->longitude);
    place.set_coordinates_source(chosen->coordinates_source);
  }
  return place;
}

}  // namespace meltingdoc::profiles
