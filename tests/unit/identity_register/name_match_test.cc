#include "services/identity/name_match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

using ::testing::ElementsAre;

TEST(FoldNameTokens, AccentsCaseAndSeparators) {
  EXPECT_THAT(FoldNameTokens("Hélène-Françoise"), ElementsAre("helene", "francoise"));
  EXPECT_THAT(FoldNameTokens("LÉVÊQUE"), ElementsAre("leveque"));
  EXPECT_THAT(FoldNameTokens("N’Diaye"), ElementsAre("n", "diaye"));  // curly apostrophe
  EXPECT_THAT(FoldNameTokens("d'Almeida"), ElementsAre("d", "almeida"));
  EXPECT_THAT(FoldNameTokens("  Le   Goff "), ElementsAre("le", "goff"));
  EXPECT_THAT(FoldNameTokens("Œuvray Straße"), ElementsAre("oeuvray", "strasse"));
  EXPECT_THAT(FoldNameTokens("Łukasz Dvořák"), ElementsAre("lukasz", "dvorak"));
  // Decomposed input (e + combining acute) folds like the precomposed letter.
  EXPECT_THAT(FoldNameTokens("Ce\xCC\x81""cile"), ElementsAre("cecile"));
  EXPECT_TRUE(FoldNameTokens(" - ' ").empty());
}

TEST(FamilyNames, CaseAccentsHyphensApostrophes) {
  EXPECT_TRUE(FamilyNamesMatch("Lévêque", "LEVEQUE"));
  EXPECT_TRUE(FamilyNamesMatch("guérin", "GUÉRIN"));
  EXPECT_TRUE(FamilyNamesMatch("Saint-Just", "SAINT JUST"));
  EXPECT_TRUE(FamilyNamesMatch("N'Diaye", "NDIAYE"));
  EXPECT_TRUE(FamilyNamesMatch("N’DIAYE", "N'DIAYE"));
  EXPECT_TRUE(FamilyNamesMatch("Ben Saïd", "BEN-SAID"));
  EXPECT_FALSE(FamilyNamesMatch("Martin", "MARTINEZ"));
  EXPECT_FALSE(FamilyNamesMatch("Dupont", "DUPOND"));
  EXPECT_FALSE(FamilyNamesMatch("", "MARTIN"));
  EXPECT_FALSE(FamilyNamesMatch("--", "MARTIN"));
}

TEST(FamilyNames, ParticleDeMayBeOmittedButLeIsPartOfTheName) {
  EXPECT_TRUE(FamilyNamesMatch("de Villepin", "DE VILLEPIN"));
  EXPECT_TRUE(FamilyNamesMatch("Villepin", "DE VILLEPIN"));
  EXPECT_TRUE(FamilyNamesMatch("de Villepin", "VILLEPIN (DE)"));
  EXPECT_TRUE(FamilyNamesMatch("Almeida", "D'ALMEIDA"));
  EXPECT_TRUE(FamilyNamesMatch("de La Fontaine", "LA FONTAINE"));
  EXPECT_TRUE(FamilyNamesMatch("Lafontaine", "DE LA FONTAINE"));
  EXPECT_TRUE(FamilyNamesMatch("du Pont", "DUPONT"));
  // "Le" is part of the name: "Goff" is someone else.
  EXPECT_TRUE(FamilyNamesMatch("Le Goff", "LE GOFF"));
  EXPECT_TRUE(FamilyNamesMatch("Legoff", "LE GOFF"));
  EXPECT_TRUE(FamilyNamesMatch("le-goff", "LE GOFF"));
  EXPECT_FALSE(FamilyNamesMatch("Goff", "LE GOFF"));
  EXPECT_FALSE(FamilyNamesMatch("Gall", "LE GALL"));
  // A particle alone is not a name.
  EXPECT_FALSE(FamilyNamesMatch("de", "DE VILLEPIN"));
}

TEST(GivenNames, CompoundAndMultipleFirstNames) {
  EXPECT_TRUE(GivenNamesMatch("Jean-Pierre", "JEAN-PIERRE"));
  EXPECT_TRUE(GivenNamesMatch("Jean Pierre", "Jean-Pierre"));
  EXPECT_TRUE(GivenNamesMatch("jeanpierre", "Jean-Pierre"));
  EXPECT_TRUE(GivenNamesMatch("Marie-Hélène", "MARIE HELENE"));
  // The account lists several first names; the register keeps the one in use.
  EXPECT_TRUE(GivenNamesMatch("Claire Marie Anne", "Claire"));
  EXPECT_TRUE(GivenNamesMatch("Anne Claire", "Claire"));
  EXPECT_TRUE(GivenNamesMatch("Jean-Pierre Louis", "Jean-Pierre"));
  // Fewer names than the register, or another name: not the same first name.
  EXPECT_FALSE(GivenNamesMatch("Jean", "Jean-Pierre"));
  EXPECT_FALSE(GivenNamesMatch("Pierre Jean", "Jean-Pierre"));
  EXPECT_FALSE(GivenNamesMatch("Claire", "Clara"));
  EXPECT_FALSE(GivenNamesMatch("Marianne", "Marie"));  // whole names only, not prefixes
  EXPECT_TRUE(GivenNamesMatch("Zoé", "ZOE"));
  EXPECT_TRUE(GivenNamesMatch("Gaëlle", "GAELLE"));
}

TEST(MatchNames, Outcomes) {
  EXPECT_EQ(MatchNames("Claire", "Martin", "CLAIRE", "MARTIN"), NameMatch::kMatch);
  // Married name on the account, birth name in the register (or the other way round).
  EXPECT_EQ(MatchNames("Claire", "Martin", "Claire", "DUBOIS"), NameMatch::kFamilyNameDiffers);
  EXPECT_EQ(MatchNames("Claire", "Martin-Dubois", "Claire", "DUBOIS"), NameMatch::kFamilyNameDiffers);
  EXPECT_EQ(MatchNames("Sophie", "Martin", "Claire", "MARTIN"), NameMatch::kGivenNameDiffers);
  EXPECT_EQ(MatchNames("Sophie", "Durand", "Claire", "MARTIN"), NameMatch::kBothDiffer);
}

}  // namespace
}  // namespace meltingdoc::identity
