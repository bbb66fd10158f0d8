// Choosing the commune of a practice place among the communes a postcode serves.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "services/profiles/geocoding.h"

namespace meltingdoc::profiles {
namespace {

CommuneCandidate Candidate(std::string insee, std::string name, std::string alias = "") {
  CommuneCandidate c;
  c.insee_code = std::move(insee);
  c.name = std::move(name);
  c.alias = std::move(alias);
  c.departement = c.insee_code.substr(0, 2);
  c.has_coordinates = true;
  c.latitude = 45.7485;
  c.longitude = 4.8467;
  c.coordinates_source = "commune";
  return c;
}

TEST(GeocodingTest, SingleCommunePostcodeNeedsNoName) {
  const std::vector<CommuneCandidate> lyon3 = {Candidate("69123", "Lyon", "Lyon 3e Arrondissement")};
  absl::StatusOr<CommuneCandidate> c = ChooseCommune("69003", "", lyon3);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->insee_code, "69123");
  EXPECT_TRUE(ChooseCommune("69003", "LYON", lyon3).ok());
  EXPECT_TRUE(ChooseCommune("69003", "Lyon 3e arrondissement", lyon3).ok());
  EXPECT_FALSE(ChooseCommune("69003", "Villeurbanne", lyon3).ok());
}

TEST(GeocodingTest, SharedPostcodeNeedsTheCommuneName) {
  const std::vector<CommuneCandidate> shared = {Candidate("01093", "Châtillon-sur-Chalaronne"),
                                                Candidate("01340", "Saint-Georges-sur-Renon"),
                                                Candidate("01149", "Dompierre-sur-Chalaronne")};
  absl::StatusOr<CommuneCandidate> none = ChooseCommune("01400", "", shared);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::StrContains(none.status().message(), "serves several communes"));
  EXPECT_TRUE(absl::StrContains(none.status().message(), "Saint-Georges-sur-Renon"));
  absl::StatusOr<CommuneCandidate> st = ChooseCommune("01400", "st georges sur renon", shared);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->insee_code, "01340");
  absl::StatusOr<CommuneCandidate> accents = ChooseCommune("01400", "CHATILLON SUR CHALARONNE", shared);
  ASSERT_TRUE(accents.ok());
  EXPECT_EQ(accents->insee_code, "01093");
}

TEST(GeocodingTest, PlaceFromARegisterSite) {
  // The register writes communes in capitals, often with "ST"; a postcode serving one commune
  // is enough even when the label names something else (an old or misspelt name).
  const std::vector<CommuneCandidate> lyon3 = {Candidate("69123", "Lyon", "Lyon 3e Arrondissement")};
  for (const char* label : {"LYON", "LYON 3E ARRONDISSEMENT", "LYON CEDEX 03", ""}) {
    std::optional<v1::PracticePlace> p = PlaceFromRegister("69003", label, lyon3);
    ASSERT_TRUE(p.has_value()) << label;
    EXPECT_EQ(p->name(), "Lyon");
    EXPECT_EQ(p->commune(), "Lyon");
    EXPECT_EQ(p->postcode(), "69003");
    EXPECT_EQ(p->insee_code(), "69123");
    EXPECT_NEAR(p->latitude(), 45.76, 0.05);
    EXPECT_NEAR(p->longitude(), 4.84, 0.05);
    EXPECT_EQ(p->coordinates_source(), "commune");
    EXPECT_EQ(p->kind(), v1::PLACE_KIND_UNSPECIFIED);
    EXPECT_FALSE(p->accepts_referrals());
  }
  const std::vector<CommuneCandidate> shared = {Candidate("01093", "Châtillon-sur-Chalaronne"),
                                                Candidate("01340", "Saint-Georges-sur-Renon")};
  std::optional<v1::PracticePlace> st = PlaceFromRegister("01400", "ST GEORGES SUR RENON", shared);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->insee_code(), "01340");
  EXPECT_FALSE(PlaceFromRegister("01400", "LYON", shared).has_value());  // several, none named
  EXPECT_FALSE(PlaceFromRegister("01400", "", shared).has_value());
  EXPECT_FALSE(PlaceFromRegister("99999", "NULLE PART", {}).has_value());
  EXPECT_FALSE(PlaceFromRegister("6900", "LYON", lyon3).has_value());
}

TEST(GeocodingTest, UnknownPostcode) {
  absl::StatusOr<CommuneCandidate> c = ChooseCommune("99999", "Nowhere", {});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "unknown postcode"));
  EXPECT_TRUE(IsPostcode("01400"));
  EXPECT_TRUE(IsPostcode("97400"));
  EXPECT_FALSE(IsPostcode("1400"));
  EXPECT_FALSE(IsPostcode("0140a"));
  EXPECT_FALSE(IsPostcode("00100"));
}

}  // namespace
}  // namespace meltingdoc::profiles
