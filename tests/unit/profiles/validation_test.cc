// UpdateProfile validation: the mask, every field's limit, normalization, all violations at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "services/profiles/profile_validation.h"

namespace meltingdoc::profiles {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Taxonomy SmallTaxonomy() {
  return Taxonomy({{"SM20", "Gynécologie-obstétrique", "SM20"}, {"SM54", "Médecine générale", "SM54"}},
                  {{"go-fertilite-amp", "SM20", "Fertilité et AMP", {"PMA", "AMP", "FIV"}},
                   {"go-obstetrique", "SM20", "Obstétrique", {"grossesse"}}});
}

std::vector<std::string> Fields(const std::vector<server::FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

class ValidationTest : public ::testing::Test {
 protected:
  std::vector<server::FieldViolation> Validate(const std::string& mask) {
    request_.mutable_update_mask()->clear_paths();
    for (absl::string_view p : absl::StrSplit(mask, ',', absl::SkipEmpty())) {
      request_.mutable_update_mask()->add_paths(std::string(p));
    }
    return ValidateUpdate(request_, taxonomy_, 2026, &out_);
  }
  v1::Profile& profile() { return *request_.mutable_profile(); }
  Taxonomy taxonomy_ = SmallTaxonomy();
  v1::UpdateProfileRequest request_;
  ValidatedUpdate out_;
};

TEST_F(ValidationTest, MaskMustNameEditableFields) {
  EXPECT_THAT(Fields(Validate("")), ElementsAre("update_mask"));
  EXPECT_THAT(Fields(Validate("rpps")), ElementsAre("update_mask"));
  EXPECT_THAT(Fields(Validate("family_name,bio")), ElementsAre("update_mask"));
  EXPECT_THAT(Fields(Validate("colour")), ElementsAre("update_mask"));
  EXPECT_THAT(Validate("bio,headline,accepting_referrals"), IsEmpty());
  EXPECT_THAT(out_.paths, UnorderedElementsAre("bio", "headline", "accepting_referrals"));
}

TEST_F(ValidationTest, TextLimitsAreInCharactersNotBytes) {
  std::string bio;
  for (int i = 0; i < 2000; ++i) bio += "é";  // 4000 bytes, 2000 characters
  profile().set_bio(bio);
  EXPECT_THAT(Validate("bio"), IsEmpty());
  profile().set_bio(bio + "x");
  EXPECT_THAT(Fields(Validate("bio")), ElementsAre("profile.bio"));
  profile().set_headline(std::string(121, 'h'));
  EXPECT_THAT(Fields(Validate("headline")), ElementsAre("profile.headline"));
  profile().set_headline("two\nlines");
  EXPECT_THAT(Fields(Validate("headline")), ElementsAre("profile.headline"));
  profile().set_headline(std::string(120, 'h'));
  EXPECT_THAT(Validate("headline"), IsEmpty());
}

TEST_F(ValidationTest, FieldsOutsideTheMaskAreNotValidated) {
  profile().set_bio(std::string(5000, 'x'));
  profile().set_headline("ok");
  EXPECT_THAT(Validate("headline"), IsEmpty());
  EXPECT_EQ(out_.values.bio(), "");
}

TEST_F(ValidationTest, CompetencesResolveAgainstTheTaxonomy) {
  profile().add_competences()->set_code("go-obstetrique");
  profile().add_competences()->set_label("PMA");          // names a taxonomy entry
  profile().add_competences()->set_label("Hystéroscopie opératoire");  // free text
  ASSERT_THAT(Validate("competences"), IsEmpty());
  ASSERT_EQ(out_.values.competences_size(), 3);
  EXPECT_EQ(out_.values.competences(0).key(), "go-obstetrique");
  EXPECT_EQ(out_.values.competences(0).label(), "Obstétrique");
  EXPECT_EQ(out_.values.competences(1).code(), "go-fertilite-amp");
  EXPECT_EQ(out_.values.competences(1).label(), "Fertilité et AMP");
  EXPECT_EQ(out_.values.competences(2).code(), "");
  EXPECT_EQ(out_.values.competences(2).key(), "free:hysteroscopie operatoire");
}

TEST_F(ValidationTest, CompetenceErrors) {
  profile().add_competences()->set_code("no-such-code");
  profile().add_competences()->set_label(std::string(81, 'a'));
  profile().add_competences()->set_label("...");
  profile().add_competences()->set_label("FIV");  // = go-fertilite-amp
  profile().add_competences()->set_code("go-fertilite-amp");  // duplicate of the previous
  EXPECT_THAT(Fields(Validate("competences")),
              ElementsAre("profile.competences[0].code", "profile.competences[1].label",
                          "profile.competences[2].label", "profile.competences[4]"));
  profile().clear_competences();
  for (int i = 0; i < 31; ++i) profile().add_competences()->set_label("c" + std::to_string(i));
  EXPECT_THAT(Fields(Validate("competences")), ElementsAre("profile.competences"));
}

TEST_F(ValidationTest, PracticePlaces) {
  auto* p = profile().add_practice_places();
  p->set_name("CHU Lyon Sud");
  p->set_kind(v1::PLACE_KIND_HOSPITAL);
  p->set_postcode("69310");
  p->set_insee_code("forged");              // output only: cleared
  p->set_coordinates_source("commune");     // output only: cleared
  auto* explicit_place = profile().add_practice_places();
  explicit_place->set_name("Cabinet");
  explicit_place->set_latitude(45.75);
  explicit_place->set_longitude(4.85);
  ASSERT_THAT(Validate("practice_places"), IsEmpty());
  EXPECT_THAT(out_.places_to_geocode, ElementsAre(0));
  EXPECT_EQ(out_.values.practice_places(0).insee_code(), "");
  EXPECT_EQ(out_.values.practice_places(0).coordinates_source(), "");
  EXPECT_EQ(out_.values.practice_places(1).coordinates_source(), "explicit");

  explicit_place->set_latitude(91);
  p->set_postcode("6931");
  p->set_name("");
  auto* nowhere = profile().add_practice_places();
  nowhere->set_name("Nulle part");
  EXPECT_THAT(Fields(Validate("practice_places")),
              ElementsAre("profile.practice_places[0].name", "profile.practice_places[0].postcode",
                          "profile.practice_places[1].latitude", "profile.practice_places[2].postcode"));
  for (int i = 0; i < 3; ++i) *profile().add_practice_places() = *nowhere;
  EXPECT_THAT(Fields(Validate("practice_places")), ElementsAre("profile.practice_places"));
}

TEST_F(ValidationTest, EducationYears) {
  auto* e = profile().add_education();
  e->set_kind(v1::EDUCATION_KIND_FACULTY);
  e->set_title("Études de médecine");
  e->set_institution("Université Claude Bernard Lyon 1");
  e->set_start_year(2004);
  e->set_end_year(2010);
  EXPECT_THAT(Validate("education"), IsEmpty());
  e->set_end_year(0);  // in progress
  EXPECT_THAT(Validate("education"), IsEmpty());
  e->set_end_year(2003);
  e->set_kind(v1::EDUCATION_KIND_UNSPECIFIED);
  EXPECT_THAT(Fields(Validate("education")),
              ElementsAre("profile.education[0].kind", "profile.education[0].end_year"));
  e->set_end_year(0);
  e->set_kind(v1::EDUCATION_KIND_DU_DIU);
  e->set_start_year(1949);
  EXPECT_THAT(Fields(Validate("education")), ElementsAre("profile.education[0].start_year"));
  e->set_start_year(2037);
  EXPECT_THAT(Fields(Validate("education")), ElementsAre("profile.education[0].start_year"));
}

TEST_F(ValidationTest, LanguagesAreIso639_1) {
  profile().add_languages("FR");
  profile().add_languages("en");
  ASSERT_THAT(Validate("languages"), IsEmpty());
  EXPECT_THAT(out_.values.languages(), ElementsAre("fr", "en"));
  profile().add_languages("fr");
  profile().add_languages("fra");
  profile().add_languages("xx");
  EXPECT_THAT(Fields(Validate("languages")),
              ElementsAre("profile.languages[2]", "profile.languages[3]", "profile.languages[4]"));
}

TEST_F(ValidationTest, LinksAndContact) {
  auto* l = profile().add_links();
  l->set_title("Thèse");
  l->set_url("https://theses.fr/2012LYO10123");
  profile().mutable_contact()->set_phone("+33 4 78 86 12 34");
  profile().mutable_contact()->set_email("secretariat@chu-lyon.fr");
  EXPECT_THAT(Validate("links,contact"), IsEmpty());
  l->set_url("javascript:alert(1)");
  profile().mutable_contact()->set_phone("call me");
  profile().mutable_contact()->set_email("nobody");
  EXPECT_THAT(Fields(Validate("links,contact")),
              ElementsAre("profile.links[0].url", "profile.contact.phone", "profile.contact.email"));
  EXPECT_TRUE(IsValidHttpUrl("http://example.org:8080/a?b#c"));
  EXPECT_FALSE(IsValidHttpUrl("https://user:pw@example.org/"));
  EXPECT_FALSE(IsValidHttpUrl("https://localhost/"));
  EXPECT_FALSE(IsValidHttpUrl("https://exa mple.org/"));
  EXPECT_FALSE(IsValidHttpUrl("ftp://example.org/"));
}

TEST_F(ValidationTest, ReportsEveryViolationAtOnce) {
  profile().set_bio(std::string(2001, 'x'));
  profile().add_languages("klingon");
  profile().add_competences()->set_code("nope");
  EXPECT_THAT(Fields(Validate("bio,languages,competences")),
              ElementsAre("profile.bio", "profile.competences[0].code", "profile.languages[0]"));
}

}  // namespace
}  // namespace meltingdoc::profiles
