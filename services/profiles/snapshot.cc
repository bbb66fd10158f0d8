#include "services/profiles/snapshot.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace meltingdoc::profiles {

std::string DisplayName(const v1::Profile& profile) {
  std::vector<std::string> parts;
  for (const std::string& p : {profile.civility(), profile.given_name(), profile.family_name()}) {
    if (!p.empty()) parts.push_back(p);
  }
  return absl::StrJoin(parts, " ");
}

std::string PlaceKindName(v1::PlaceKind kind) {
  switch (kind) {
    case v1::PLACE_KIND_HOSPITAL: return "hospital";
    case v1::PLACE_KIND_CLINIC: return "clinic";
    case v1::PLACE_KIND_PRIVATE_PRACTICE: return "private_practice";
    case v1::PLACE_KIND_HEALTH_CENTRE: return "health_centre";
    default: return "";
  }
}

events::v1::ProfileChanged BuildProfileChanged(const v1::Profile& profile, const SnapshotContext& context) {
  events::v1::ProfileChanged s;
  s.set_profile_id(profile.profile_id());
  s.set_display_name(DisplayName(profile));
  s.set_specialty_code(context.canonical_specialty.empty() ? profile.specialty_code()
                                                           : context.canonical_specialty);
  s.set_bio(profile.bio());
  s.set_version(profile.version());
  s.set_rpps(profile.rpps());
  s.set_civility(profile.civility());
  s.set_given_name(profile.given_name());
  s.set_family_name(profile.family_name());
  s.set_specialty_label(profile.specialty_label());
  s.set_headline(profile.headline());
  for (const v1::Competence& c : profile.competences()) {
    auto* out = s.add_competences();
    out->set_code(c.code());
    out->set_label(c.label());
    out->set_endorsement_count(c.endorsement_count());
    if (auto it = context.synonyms.find(c.code()); it != context.synonyms.end()) {
      for (const std::string& syn : it->second) out->add_synonyms(syn);
    }
    if (auto it = context.competence_specialty.find(c.code()); it != context.competence_specialty.end()) {
      out->set_specialty_code(it->second);
    }
  }
  for (const v1::PracticePlace& p : profile.practice_places()) {
    auto* out = s.add_places();
    out->set_name(p.name());
    out->set_kind(PlaceKindName(p.kind()));
    out->set_postcode(p.postcode());
    out->set_commune(p.commune());
    out->set_insee_code(p.insee_code());
    if (auto it = context.departements.find(p.insee_code()); it != context.departements.end()) {
      out->set_departement(it->second);
    }
    if (!p.coordinates_source().empty()) {
      out->set_has_coordinates(true);
      out->set_latitude(p.latitude());
      out->set_longitude(p.longitude());
    }
    out->set_accepts_referrals(p.accepts_referrals());
  }
  for (const std::string& l : profile.languages()) s.add_languages(l);
  s.set_accepting_referrals(profile.accepting_referrals());
  for (const v1::SavoirFaire& sf : profile.savoir_faire()) s.add_savoir_faire_labels(sf.label());
  return s;
}

}  // namespace meltingdoc::profiles
