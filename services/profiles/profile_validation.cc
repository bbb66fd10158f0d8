#include "services/profiles/profile_validation.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"
#include "services/profiles/geocoding.h"

namespace meltingdoc::profiles {
namespace {

constexpr absl::string_view kIso639_1 =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu "
    "hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb "
    "lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om "
    "or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw "
    "ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

const std::set<std::string>& RegisterFields() {
  static const auto* fields = new std::set<std::string>{
      "profile_id", "rpps", "civility", "given_name", "family_name", "specialty_code",
      "specialty_label", "savoir_faire", "version", "create_time", "update_time", "etag",
      "connection_count"};
  return *fields;
}

class Violations {
 public:
  explicit Violations(std::vector<server::FieldViolation>* out) : out_(out) {}
  void Add(std::string field, std::string description) {
    out_->push_back({std::move(field), std::move(description)});
  }
  // Length and cleanliness of a text field.
  void Text(const std::string& field, const std::string& value, size_t max, bool required,
            bool multiline) {
    if (!text::IsCleanText(value, multiline)) {
      Add(field, multiline ? "must be valid UTF-8 without control characters"
                           : "must be valid UTF-8 on one line, without control characters");
    } else if (text::CodePointCount(value) > max) {
      Add(field, absl::StrCat("at most ", max, " characters"));
    } else if (required && absl::StripAsciiWhitespace(value).empty()) {
      Add(field, "required");
    }
  }

 private:
  std::vector<server::FieldViolation>* out_;
};

std::string Indexed(absl::string_view list, int i, absl::string_view field = "") {
  std::string path = absl::StrCat("profile.", list, "[", i, "]");
  if (!field.empty()) absl::StrAppend(&path, ".", field);
  return path;
}

void ValidateCompetences(const v1::Profile& in, const Taxonomy& taxonomy, Violations& v, v1::Profile* out) {
  if (static_cast<size_t>(in.competences_size()) > ProfileLimits::kCompetences) {
    v.Add("profile.competences", absl::StrCat("at most ", ProfileLimits::kCompetences, " competences"));
    return;
  }
  absl::flat_hash_set<std::string> keys;
  for (int i = 0; i < in.competences_size(); ++i) {
    const v1::Competence& c = in.competences(i);
    v1::Competence norm;
    if (!c.code().empty()) {
      const CompetenceEntry* entry = taxonomy.FindCompetence(c.code());
      if (entry == nullptr) {
        v.Add(Indexed("competences", i, "code"), "unknown competence code (see ListCompetences)");
        continue;
      }
      norm.set_code(entry->code);
      norm.set_label(entry->label);
      norm.set_key(entry->code);
    } else {
      std::vector<server::FieldViolation> local;
      Violations lv(&local);
      lv.Text(Indexed("competences", i, "label"), c.label(), ProfileLimits::kCompetenceLabel, true, false);
      if (!local.empty()) {
        for (auto& f : local) v.Add(f.field, f.description);
        continue;
      }
      const std::string label(absl::StripAsciiWhitespace(c.label()));
      const std::vector<const CompetenceEntry*> named = taxonomy.FindByTerm(label);
      if (named.size() == 1) {
        // "PMA" typed as free text is the taxonomy's "Fertilité et AMP": searchable, endorsable
        // together with everyone else's.
        norm.set_code(named.front()->code);
        norm.set_label(named.front()->label);
        norm.set_key(named.front()->code);
      } else {
        const std::string key = FreeCompetenceKey(label);
        if (key == "free:") {
          v.Add(Indexed("competences", i, "label"), "must contain letters or digits");
          continue;
        }
        norm.set_label(label);
        norm.set_key(key);
      }
    }
    if (!keys.insert(norm.key()).second) {
      v.Add(Indexed("competences", i), "duplicate competence");
      continue;
    }
    *out->add_competences() = std::move(norm);
  }
}

void ValidatePlaces(const v1::Profile& in, Violations& v, v1::Profile* out, std::vector<int>* to_geocode) {
  if (static_cast<size_t>(in.practice_places_size()) > ProfileLimits::kPlaces) {
    v.Add("profile.practice_places", absl::StrCat("at most ", ProfileLimits::kPlaces, " places"));
    return;
  }
  for (int i = 0; i < in.practice_places_size(); ++i) {
    v1::PracticePlace p = in.practice_places(i);
    p.clear_insee_code();
    p.clear_coordinates_source();
    v.Text(Indexed("practice_places", i, "name"), p.name(), ProfileLimits::kPlaceName, true, false);
    v.Text(Indexed("practice_places", i, "address"), p.address(), ProfileLimits::kPlaceAddress, false, false);
    v.Text(Indexed("practice_places", i, "commune"), p.commune(), ProfileLimits::kCommune, false, false);
    if (!v1::PlaceKind_IsValid(p.kind())) v.Add(Indexed("practice_places", i, "kind"), "unknown kind");
    const bool has_coordinates = p.latitude() != 0 || p.longitude() != 0;
    if (has_coordinates) {
      if (!std::isfinite(p.latitude()) || p.latitude() < -90 || p.latitude() > 90) {
        v.Add(Indexed("practice_places", i, "latitude"), "must be between -90 and 90 degrees");
      }
      if (!std::isfinite(p.longitude()) || p.longitude() < -180 || p.longitude() > 180) {
        v.Add(Indexed("practice_places", i, "longitude"), "must be between -180 and 180 degrees");
      }
      p.set_coordinates_source("explicit");
    }
    if (!p.postcode().empty()) {
      if (!IsPostcode(p.postcode())) {
        v.Add(Indexed("practice_places", i, "postcode"), "must be a French postcode of 5 digits");
      } else {
        to_geocode->push_back(i);
      }
    } else if (!has_coordinates) {
      v.Add(Indexed("practice_places", i, "postcode"),
            "required unless latitude and longitude are given");
    }
    *out->add_practice_places() = std::move(p);
  }
}

void ValidateEducation(const v1::Profile& in, int current_year, Violations& v, v1::Profile* out) {
  if (static_cast<size_t>(in.education_size()) > ProfileLimits::kEducation) {
    v.Add("profile.education", absl::StrCat("at most ", ProfileLimits::kEducation, " entries"));
    return;
  }
  const int last = current_year + ProfileLimits::kYearsAhead;
  for (int i = 0; i < in.education_size(); ++i) {
    const v1::Education& e = in.education(i);
    if (e.kind() == v1::EDUCATION_KIND_UNSPECIFIED || !v1::EducationKind_IsValid(e.kind())) {
      v.Add(Indexed("education", i, "kind"), "required: faculty, DES, DESC/FST, DU/DIU or other");
    }
    v.Text(Indexed("education", i, "title"), e.title(), ProfileLimits::kEducationText, true, false);
    v.Text(Indexed("education", i, "institution"), e.institution(), ProfileLimits::kEducationText, false, false);
    if (e.start_year() < ProfileLimits::kFirstYear || e.start_year() > last) {
      v.Add(Indexed("education", i, "start_year"),
            absl::StrCat("must be between ", ProfileLimits::kFirstYear, " and ", last));
    }
    if (e.end_year() != 0 && (e.end_year() < e.start_year() || e.end_year() > last)) {
      v.Add(Indexed("education", i, "end_year"),
            absl::StrCat("0 (in progress) or between start_year and ", last));
    }
    *out->add_education() = e;
  }
}

void ValidateLanguages(const v1::Profile& in, Violations& v, v1::Profile* out) {
  if (static_cast<size_t>(in.languages_size()) > ProfileLimits::kLanguages) {
    v.Add("profile.languages", absl::StrCat("at most ", ProfileLimits::kLanguages, " languages"));
    return;
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < in.languages_size(); ++i) {
    const std::string code = absl::AsciiStrToLower(in.languages(i));
    if (!IsIso639_1(code)) {
      v.Add(absl::StrCat("profile.languages[", i, "]"), "must be an ISO 639-1 code such as fr, en, ar");
    } else if (!seen.insert(code).second) {
      v.Add(absl::StrCat("profile.languages[", i, "]"), "duplicate language");
    } else {
      out->add_languages(code);
    }
  }
}

void ValidateLinks(const v1::Profile& in, Violations& v, v1::Profile* out) {
  if (static_cast<size_t>(in.links_size()) > ProfileLimits::kLinks) {
    v.Add("profile.links", absl::StrCat("at most ", ProfileLimits::kLinks, " links"));
    return;
  }
  for (int i = 0; i < in.links_size(); ++i) {
    const v1::Link& l = in.links(i);
    v.Text(Indexed("links", i, "title"), l.title(), ProfileLimits::kLinkTitle, false, false);
    if (l.url().size() > ProfileLimits::kUrl) {
      v.Add(Indexed("links", i, "url"), absl::StrCat("at most ", ProfileLimits::kUrl, " characters"));
    } else if (!IsValidHttpUrl(l.url())) {
      v.Add(Indexed("links", i, "url"), "must be an http or https URL with a host name");
    }
    *out->add_links() = l;
  }
}

void ValidateContact(const v1::Profile& in, Violations& v, v1::Profile* out) {
  const v1::Contact& c = in.contact();
  if (c.phone().size() > ProfileLimits::kPhone) {
    v.Add("profile.contact.phone", absl::StrCat("at most ", ProfileLimits::kPhone, " characters"));
  } else if (!std::all_of(c.phone().begin(), c.phone().end(), [](char ch) {
               return absl::ascii_isdigit(ch) || ch == ' ' || ch == '+' || ch == '.' || ch == '-' ||
                      ch == '(' || ch == ')';
             })) {
    v.Add("profile.contact.phone", "digits, spaces and + . - ( ) only");
  }
  if (c.email().size() > ProfileLimits::kEmail) {
    v.Add("profile.contact.email", absl::StrCat("at most ", ProfileLimits::kEmail, " characters"));
  } else if (!c.email().empty() && !IsPlausibleEmail(c.email())) {
    v.Add("profile.contact.email", "must be an email address");
  }
  *out->mutable_contact() = c;
}

}  // namespace

const std::set<std::string>& EditableProfileFields() {
  static const auto* fields = new std::set<std::string>{
      "headline", "bio", "competences", "practice_places", "education", "languages",
      "links", "accepting_referrals", "contact"};
  return *fields;
}

std::string FreeCompetenceKey(absl::string_view label) {
  return absl::StrCat("free:", text::FoldForMatch(label));
}

bool IsIso639_1(absl::string_view code) {
  if (code.size() != 2) return false;
  for (absl::string_view known : absl::StrSplit(kIso639_1, ' ')) {
    if (known == code) return true;
  }
  return false;
}

bool IsValidHttpUrl(absl::string_view url) {
  absl::string_view rest;
  if (absl::StartsWith(url, "https://")) {
    rest = url.substr(8);
  } else if (absl::StartsWith(url, "http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  for (char ch : url) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F || ch == '"' || ch == '<' || ch == '>' ||
        ch == '\\') {
      return false;
    }
  }
  const size_t end = rest.find_first_of("/?#");
  absl::string_view host = rest.substr(0, end);
  if (const size_t at = host.rfind('@'); at != absl::string_view::npos) return false;  // no credentials
  if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    absl::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char ch) { return absl::ascii_isdigit(ch); })) {
      return false;
    }
    host = host.substr(0, colon);
  }
  if (host.empty() || host.size() > 253 || host.find('.') == absl::string_view::npos) return false;
  if (host.front() == '.' || host.back() == '.' || host.find("..") != absl::string_view::npos) return false;
  return std::all_of(host.begin(), host.end(),
                     [](char ch) { return absl::ascii_isalnum(ch) || ch == '-' || ch == '.'; });
}

bool IsPlausibleEmail(absl::string_view email) {
  const size_t at = email.find('@');
  if (at == 0 || at == absl::string_view::npos || email.rfind('@') != at) return false;
  absl::string_view domain = email.substr(at + 1);
  if (domain.find('.') == absl::string_view::npos || domain.front() == '.' || domain.back() == '.') return false;
  return std::none_of(email.begin(), email.end(),
                      [](char ch) { return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F; });
}

std::vector<server::FieldViolation> ValidateUpdate(const v1::UpdateProfileRequest& request,
                                                   const Taxonomy& taxonomy, int current_year,
                                                   ValidatedUpdate* out) {
  std::vector<server::FieldViolation> violations;
  Violations v(&violations);
  *out = ValidatedUpdate();
  if (request.update_mask().paths().empty()) {
    v.Add("update_mask", "required: name the fields to change, e.g. \"bio,competences\"");
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (EditableProfileFields().count(path) > 0) {
      out->paths.insert(path);
    } else if (RegisterFields().count(path) > 0) {
      v.Add("update_mask", absl::StrCat(path, " is not editable: it comes from the register or is computed"));
    } else {
      v.Add("update_mask", absl::StrCat("unknown field ", path, " (editable: headline, bio, competences, "
                                        "practice_places, education, languages, links, "
                                        "accepting_referrals, contact)"));
    }
  }
  const v1::Profile& in = request.profile();
  v1::Profile* values = &out->values;
  if (out->paths.count("headline")) {
    v.Text("profile.headline", in.headline(), ProfileLimits::kHeadline, false, false);
    values->set_headline(std::string(absl::StripAsciiWhitespace(in.headline())));
  }
  if (out->paths.count("bio")) {
    v.Text("profile.bio", in.bio(), ProfileLimits::kBio, false, true);
    values->set_bio(in.bio());
  }
  if (out->paths.count("competences")) ValidateCompetences(in, taxonomy, v, values);
  if (out->paths.count("practice_places")) ValidatePlaces(in, v, values, &out->places_to_geocode);
  if (out->paths.count("education")) ValidateEducation(in, current_year, v, values);
  if (out->paths.count("languages")) ValidateLanguages(in, v, values);
  if (out->paths.count("links")) ValidateLinks(in, v, values);
  if (out->paths.count("accepting_referrals")) values->set_accepting_referrals(in.accepting_referrals());
  if (out->paths.count("contact")) ValidateContact(in, v, values);
  return violations;
}

}  // namespace meltingdoc::profiles
