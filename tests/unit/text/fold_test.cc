#include "libs/text/fold.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "libs/text/utf8.h"

namespace meltingdoc::text {
namespace {

using ::testing::ElementsAre;

TEST(FoldText, LowersAndStripsFrenchAccents) {
  EXPECT_EQ(FoldText("Gynécologie-Obstétrique"), "gynecologie-obstetrique");
  EXPECT_EQ(FoldText("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ àâäçéèêëîïôöùûüÿ"), "aaaceeeeiioouuuy aaaceeeeiioouuuy");
  EXPECT_EQ(FoldText("Œdème, cæcum"), "oedeme, caecum");
  EXPECT_EQ(FoldText("SAINT-ÉTIENNE"), "saint-etienne");
  EXPECT_EQ(FoldText("Łódź Ĳssel straße"), "lodz ijssel strasse");
}

TEST(FoldText, DropsInvalidUtf8AndCombiningMarksKeepsOtherScripts) {
  EXPECT_EQ(FoldText(std::string("ab\xff\xc3" "cd")), "abcd");
  EXPECT_EQ(FoldText("Ωmega"), "Ωmega");
  EXPECT_EQ(FoldText("l’hôpital"), "l'hopital");
  EXPECT_EQ(FoldText("E\xCC\x81" "cole"), "ecole");  // decomposed É
  EXPECT_EQ(FoldText("2×3÷4"), "2×3÷4");
}

TEST(FoldedWords, AsciiAlnumSplitsOnEverythingElse) {
  EXPECT_THAT(FoldedWords("Fertilité et AMP (PMA/FIV), l'hôpital 69003"),
              ElementsAre("fertilite", "et", "amp", "pma", "fiv", "l", "hopital", "69003"));
  EXPECT_THAT(FoldedWords("  -- "), ElementsAre());
  EXPECT_THAT(FoldedWords("αβ-cd Ωe"), ElementsAre("cd", "e"));
  EXPECT_EQ(FoldedKey("Saint-Étienne "), "saint etienne");
  EXPECT_EQ(FoldedKey("St-Étienne"), "st etienne");  // no saint expansion in search's keys
}

TEST(FoldedWords, AnyScriptKeepsOtherLettersInWords) {
  EXPECT_THAT(FoldedWords("αβ-cd Ωe", WordChars::kAnyScript), ElementsAre("αβ", "cd", "Ωe"));
  EXPECT_THAT(FoldedWords("a — b «c» d×e 1° f\xC2\xA0g", WordChars::kAnyScript),
              ElementsAre("a", "b", "c", "d", "e", "1", "f", "g"));
}

TEST(FoldForMatch, ExpandsSaintsForPlaceNames) {
  EXPECT_EQ(FoldForMatch("Fertilité et AMP"), "fertilite et amp");
  EXPECT_EQ(FoldForMatch("  St-Étienne  "), "saint etienne");
  EXPECT_EQ(FoldForMatch("Sainte-Foy-lès-Lyon"), "sainte foy les lyon");
  EXPECT_EQ(FoldForMatch("Ste Foy lès Lyon"), "sainte foy les lyon");
  EXPECT_EQ(FoldForMatch("L'Haÿ-les-Roses"), "l hay les roses");
  EXPECT_EQ(FoldForMatch("L’Haÿ-les-Roses"), "l hay les roses");
  EXPECT_EQ(FoldForMatch("Cœur"), "coeur");
  EXPECT_EQ(FoldForMatch("— «»"), "");
  EXPECT_EQ(FoldForMatch("Stella"), "stella");
}

// PostgreSQL's unaccent.rules of the installed server (the one the tests run against).
std::filesystem::path UnaccentRules() {
  for (const char* root : {"/usr/share/postgresql", "/usr/local/share/postgresql"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
      const auto p = entry.path() / "tsearch_data" / "unaccent.rules";
      if (std::filesystem::exists(p)) return p;
    }
  }
  return {};
}

// Search's query side folds as `search.fr` (unaccent) folds the index: every letter of
// U+00C0..U+017F folds to unaccent's replacement in lower case.
TEST(FoldText, EqualsUnaccentForLatinLetters) {
  const std::filesystem::path path = UnaccentRules();
  ASSERT_FALSE(path.empty()) << "unaccent.rules not found: is PostgreSQL (postgresql-contrib) installed?";
  std::ifstream in(path);
  std::map<uint32_t, std::string> rules;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    size_t i = 0;
    uint32_t cp = 0;
    // "source<TAB>replacement", or the source alone when it is removed (combining marks).
    if (parts.size() > 2 || !DecodeUtf8(parts[0], i, cp) || i != parts[0].size()) continue;
    rules[cp] = parts.size() == 2 ? absl::AsciiStrToLower(parts[1]) : "";
  }
  ASSERT_GT(rules.size(), 1000u) << path;
  int checked = 0;
  for (uint32_t cp = 0xC0; cp <= 0x17F; ++cp) {
    if (cp == 0xD7 || cp == 0xF7) continue;  // × ÷ are not letters: PostgreSQL's parser splits on them
    if (cp == 0x149) continue;               // ŉ (deprecated): unaccent gives "'n", we fold to "n"
    ASSERT_TRUE(rules.count(cp)) << std::hex << cp;
    std::string utf8;
    AppendUtf8(utf8, cp);
    EXPECT_EQ(FoldText(utf8), rules[cp]) << "U+" << std::hex << cp;
    ++checked;
  }
  EXPECT_EQ(checked, 189);
  for (uint32_t cp = 0x300; cp <= 0x362; ++cp) {
    std::string utf8 = "e";
    AppendUtf8(utf8, cp);
    ASSERT_TRUE(rules.count(cp)) << std::hex << cp;
    EXPECT_EQ(rules[cp], "");
    EXPECT_EQ(FoldText(utf8), "e") << "U+" << std::hex << cp;
  }
  EXPECT_EQ(FoldText("\xE2\x80\x99"), rules[0x2019]);
}

}  // namespace
}  // namespace meltingdoc::text
