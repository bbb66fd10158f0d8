// The searchable snapshot published with every change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/profiles/snapshot.h"

namespace meltingdoc::profiles {
namespace {

using ::testing::ElementsAre;

TEST(SnapshotTest, CarriesWhatSearchNeedsAndNoContact) {
  v1::Profile p;
  p.set_profile_id("7d1c3c1e-2f6b-4c38-9a51-3f0d4a8e9b10");
  p.set_civility("Dr");
  p.set_given_name("Claire");
  p.set_family_name("Martin");
  p.set_specialty_code("SM26");
  p.set_version(4);
  p.add_languages("fr");
  p.set_accepting_referrals(true);
  auto* c = p.add_competences();
  c->set_code("go-fertilite-amp");
  c->set_label("Fertilité et AMP");
  c->set_endorsement_count(3);
  auto* free = p.add_competences();
  free->set_label("Hystéroscopie");
  auto* place = p.add_practice_places();
  place->set_name("CHU");
  place->set_kind(v1::PLACE_KIND_HOSPITAL);
  place->set_insee_code("69123");
  place->set_latitude(45.75);
  place->set_longitude(4.85);
  place->set_coordinates_source("commune");
  auto* unplaced = p.add_practice_places();
  unplaced->set_name("Ailleurs");
  p.mutable_contact()->set_phone("0600000000");

  SnapshotContext context;
  context.canonical_specialty = "SM54";
  context.synonyms["go-fertilite-amp"] = {"PMA", "FIV"};
  context.competence_specialty["go-fertilite-amp"] = "SM20";
  context.departements["69123"] = "69";
  const events::v1::ProfileChanged s = BuildProfileChanged(p, context);
  EXPECT_EQ(s.display_name(), "Dr Claire Martin");
  EXPECT_EQ(s.specialty_code(), "SM54");
  EXPECT_EQ(s.version(), 4);
  ASSERT_EQ(s.competences_size(), 2);
  EXPECT_THAT(s.competences(0).synonyms(), ElementsAre("PMA", "FIV"));
  EXPECT_EQ(s.competences(0).endorsement_count(), 3);
  EXPECT_EQ(s.competences(0).specialty_code(), "SM20");
  EXPECT_EQ(s.competences(1).code(), "");
  ASSERT_EQ(s.places_size(), 2);
  EXPECT_EQ(s.places(0).kind(), "hospital");
  EXPECT_EQ(s.places(0).departement(), "69");
  EXPECT_TRUE(s.places(0).has_coordinates());
  EXPECT_FALSE(s.places(1).has_coordinates());
  EXPECT_TRUE(s.accepting_referrals());
  std::string bytes;
  s.SerializeToString(&bytes);
  EXPECT_EQ(bytes.find("0600000000"), std::string::npos) << "contact details are private";
}

}  // namespace
}  // namespace meltingdoc::profiles
