#include "services/search/cover_rank.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "absl/strings/str_split.h"

namespace meltingdoc::search {
namespace {

// Entries of `doc` (parsed tsvector text) for a query whose operand i matches the lexemes
// listed in operands[i], space-separated (prefix matches spelled out).
std::vector<RankEntry> Entries(const std::string& doc, const std::vector<std::string>& operands) {
  std::vector<RankEntry> out;
  const std::vector<TsLexeme> lexemes = ParseTsVector(doc).value();
  for (const TsLexeme& l : lexemes) {
    uint64_t mask = 0;
    for (size_t i = 0; i < operands.size(); ++i) {
      for (absl::string_view x : absl::StrSplit(operands[i], ' ')) {
        if (x == l.lexeme) mask |= uint64_t{1} << i;
      }
    }
    if (mask == 0) continue;
    for (const WeightedPosition& p : l.positions) out.push_back({p.position, p.weight, mask});
  }
  std::sort(out.begin(), out.end(),
            [](const RankEntry& a, const RankEntry& b) { return a.position < b.position; });
  return out;
}

TEST(ParseTsVector, LexemesPositionsWeightsAndQuotes) {
  const auto v = ParseTsVector("'35000':30C 'd''alembert':2A,5 'gynecolog':1A,24B 'x\\\\y' 'z':7D");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 5u);
  EXPECT_EQ((*v)[0].lexeme, "35000");
  EXPECT_EQ((*v)[0].positions[0].position, 30);
  EXPECT_EQ((*v)[0].positions[0].weight, 1);  // C
  EXPECT_EQ((*v)[1].lexeme, "d'alembert");
  EXPECT_EQ((*v)[1].positions[1].weight, 0);  // no letter: D
  EXPECT_EQ((*v)[2].positions[0].weight, 3);  // A
  EXPECT_EQ((*v)[2].positions[1].position, 24);
  EXPECT_EQ((*v)[3].lexeme, "x\\y");
  EXPECT_TRUE((*v)[3].positions.empty());
  EXPECT_EQ((*v)[4].positions[0].weight, 0);
  EXPECT_FALSE(ParseTsVector("'unterminated").ok());
  EXPECT_FALSE(ParseTsVector("'a':0").ok());
  EXPECT_FALSE(ParseTsVector("bare").ok());
}

// Expected values: PostgreSQL 15's ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', doc, query).
TEST(CoverDensityRank, AgreesWithPostgresTsRankCd) {
  // 'gyn' against 'gyn':1A,5B: each occurrence is a cover of its own.
  EXPECT_FLOAT_EQ(CoverDensityRank(Entries("'gyn':1A,5B", {"gyn"}), {1}), 1.4f);
  // 'a & b': two covers, each of two A words with one noise word.
  EXPECT_FLOAT_EQ(CoverDensityRank(Entries("'a':1A,5A 'b':3A", {"a", "b"}), {1, 2}), 1.0f);
  // A and C, two words apart.
  EXPECT_FLOAT_EQ(CoverDensityRank(Entries("'a':1A 'b':4C", {"a", "b"}), {1, 2}),
                  0.11111111f);
  // '(a | c) & b'.
  EXPECT_FLOAT_EQ(
      CoverDensityRank(Entries("'a':1A,2 'b':3C 'c':7B", {"a", "c", "b"}), {1 | 2, 4}),
      0.2f);
  // 'ab:* & b': the prefix matches ab and abc.
  EXPECT_FLOAT_EQ(
      CoverDensityRank(Entries("'ab':1A 'abc':2 'b':9", {"ab abc", "b"}), {1, 2}),
      0.014285714f);
  // A term the document lacks: no cover.
  EXPECT_EQ(CoverDensityRank(Entries("'a':1A", {"a", "b"}), {1, 2}), 0.0f);
}

}  // namespace
}  // namespace meltingdoc::search
