#include "services/search/query_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::search {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Words(const ParsedQuery& q) {
  std::vector<std::string> out;
  for (const QueryTerm& t : q.terms) out.push_back(t.word + (t.prefix ? "*" : ""));
  return out;
}

TEST(ParseQuery, FoldsDropsStopWordsAndMarksTheLastWordAsPrefix) {
  EXPECT_THAT(Words(ParseQuery("Gynécologues à Lyon")), ElementsAre("gynecologues", "lyon*"));
  EXPECT_THAT(Words(ParseQuery("fertilité et AMP ")), ElementsAre("fertilite", "amp"));
  EXPECT_THAT(Words(ParseQuery("le la les")), ElementsAre("les*"));
  EXPECT_THAT(Words(ParseQuery("de la")), ElementsAre());
  EXPECT_TRUE(ParseQuery("  ").empty());
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(ParseQuery, RemovesDuplicatesAndCapsTheNumberOfWords) {
  EXPECT_THAT(Words(ParseQuery("PMA pma Pmà")), ElementsAre("pma"));
  ParsedQuery q = ParseQuery("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10 k11 l12");
  EXPECT_EQ(q.terms.size(), kMaxQueryWords);
}

TEST(ParseQuery, NothingInjectableSurvives) {
  // tsquery syntax characters are separators: only [a-z0-9] words remain.
  EXPECT_THAT(Words(ParseQuery("cardio' | !(x) & <-> :* \\")), ElementsAre("cardio"));
  EXPECT_EQ(ToTsQueryAll(ParseQuery("a:* & !b")), "");
}

TEST(ToTsQuery, AndOfTermsWithAlternativesAndPrefix) {
  ParsedQuery q = ParseQuery("gynecolgue lyo");
  q.terms[0].alternatives = {"gynecologue"};
  EXPECT_EQ(ToTsQueryAll(q), "(gynecolgue | gynecologue) & lyo:*");
  EXPECT_EQ(ToTsQueryAny(q), "(gynecolgue | gynecologue) | lyo:*");
  EXPECT_EQ(ToTsQueryAll(ParsedQuery{}), "");
}

TEST(TypoRules, OnlyLongUnknownWords) {
  QueryTerm t{"gynecolgue", false, {}};
  EXPECT_TRUE(WantsTypoAlternatives(t, false, false));
  EXPECT_FALSE(WantsTypoAlternatives(t, true, true));  // a real word
  QueryTerm shortword{"orls", false, {}};
  EXPECT_FALSE(WantsTypoAlternatives(shortword, false, false));
  QueryTerm typing{"gyneco", true, {}};
  EXPECT_FALSE(WantsTypoAlternatives(typing, false, true));  // still typing a known word
  EXPECT_TRUE(WantsTypoAlternatives(typing, false, false));
}

TEST(EditDistance, CountsOneEditIncludingTranspositions) {
  EXPECT_EQ(EditDistance("gynecolgue", "gynecologue", 1), 1);  // deletion
  EXPECT_EQ(EditDistance("gynecologeu", "gynecologue", 1), 1);  // transposition
  EXPECT_EQ(EditDistance("cardiolgoue", "cardiologue", 2), 1);
  EXPECT_EQ(EditDistance("pediatre", "pediatre", 1), 0);
  EXPECT_EQ(EditDistance("pediatre", "pedatri", 1), 2);  // two edits: beyond the limit
  EXPECT_EQ(EditDistance("abc", "abcdef", 1), 2);
  EXPECT_EQ(EditDistance("kitten", "sitting", 5), 3);
}

TEST(PickTypoAlternatives, KeepsOnlyOneEditAwayClosestFirst) {
  EXPECT_THAT(PickTypoAlternatives("gynecolgue", {"gynecologue", "gynecologie", "gynecolgue",
                                                 "gynecolog", "rhumatologue"}),
              ElementsAre("gynecologue"));
  EXPECT_THAT(PickTypoAlternatives("cardio", {"cardia", "cardi", "kardio", "cardios"}),
              ElementsAre("cardios", "cardi", "cardia", "kardio"));
}

}  // namespace
}  // namespace meltingdoc::search
