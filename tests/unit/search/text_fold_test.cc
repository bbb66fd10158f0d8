#include "services/search/text_fold.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::search {
namespace {

using ::testing::ElementsAre;

TEST(FoldText, LowersAndStripsFrenchAccents) {
  EXPECT_EQ(FoldText("Gynécologie-Obstétrique"), "gynecologie-obstetrique");
  EXPECT_EQ(FoldText("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ àâäçéèêëîïôöùûüÿ"), "aaaceeeeiioouuuy aaaceeeeiioouuuy");
  EXPECT_EQ(FoldText("Œdème, cæcum"), "oedeme, caecum");
  EXPECT_EQ(FoldText("SAINT-ÉTIENNE"), "saint-etienne");
}

TEST(FoldText, DropsInvalidUtf8AndKeepsOtherScripts) {
  EXPECT_EQ(FoldText(std::string("ab\xff\xc3" "cd")), "abcd");
  EXPECT_EQ(FoldText("Ωmega"), "Ωmega");
  EXPECT_EQ(FoldText("l’hôpital"), "l'hopital");
}

TEST(FoldedWords, SplitsOnEverythingButLettersAndDigits) {
  EXPECT_THAT(FoldedWords("Fertilité et AMP (PMA/FIV), l'hôpital 69003"),
              ElementsAre("fertilite", "et", "amp", "pma", "fiv", "l", "hopital", "69003"));
  EXPECT_THAT(FoldedWords("  -- "), ElementsAre());
  EXPECT_EQ(FoldedKey("Saint-Étienne "), "saint etienne");
}

TEST(StripControlCharacters, RemovesMarkersButKeepsLines) {
  EXPECT_EQ(StripControlCharacters("a\x01" "b\x02" "c\nd\te\x7f"), "abc\nd\te");
}

TEST(CodePointCount, CountsCharactersNotBytes) {
  EXPECT_EQ(CodePointCount("é"), 1u);
  EXPECT_EQ(CodePointCount("gynécologue"), 11u);
}

}  // namespace
}  // namespace meltingdoc::search
