// SearchCommunes' input: the folded prefix, postcode prefixes, the saint abbreviation, limits.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "services/profiles/commune_search.h"

namespace meltingdoc::profiles {
namespace {

std::string Error(absl::string_view query, int32_t limit = 0) {
  absl::StatusOr<CommuneQuery> q = ParseCommuneQuery(query, limit);
  EXPECT_FALSE(q.ok()) << query;
  if (q.ok()) return "";
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(q.status().message());
}

TEST(CommuneSearchTest, NamesAreFoldedLikeTheKeys) {
  absl::StatusOr<CommuneQuery> q = ParseCommuneQuery("  St-Ét ", 0);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_FALSE(q->postcode);
  EXPECT_EQ(q->prefix, "saint et");
  EXPECT_EQ(q->alternate_prefix, "");
  EXPECT_EQ(q->limit, kDefaultCommuneResults);
  q = ParseCommuneQuery("L'Haÿ-les-R", 20);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->prefix, "l hay les r");
  EXPECT_EQ(q->limit, 20);
  q = ParseCommuneQuery("Lyon 3", 5);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->postcode) << "letters and digits: a La Poste name";
  EXPECT_EQ(q->prefix, "lyon 3");
}

TEST(CommuneSearchTest, StAndSteBeingTypedAlsoMatchNamesStartingSo) {
  absl::StatusOr<CommuneQuery> q = ParseCommuneQuery("st", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->prefix, "saint");
  EXPECT_EQ(q->alternate_prefix, "st");  // Strasbourg
  q = ParseCommuneQuery("STE", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->prefix, "sainte");
  EXPECT_EQ(q->alternate_prefix, "ste");  // Stenay
  q = ParseCommuneQuery("Saint", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->prefix, "saint");
  EXPECT_EQ(q->alternate_prefix, "") << "typed in full: no abbreviation";
  q = ParseCommuneQuery("St-", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->alternate_prefix, "") << "a finished word: the abbreviation";
  q = ParseCommuneQuery("Sainte-Foy st", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->prefix, "sainte foy saint");
  EXPECT_EQ(q->alternate_prefix, "sainte foy st");
}

TEST(CommuneSearchTest, DigitsArePostcodePrefixes) {
  absl::StatusOr<CommuneQuery> q = ParseCommuneQuery(" 690", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->postcode);
  EXPECT_EQ(q->prefix, "690");
  EXPECT_TRUE(ParseCommuneQuery("69003", 0).ok());
  EXPECT_TRUE(absl::StrContains(Error("690031"), "5 digits"));
}

TEST(CommuneSearchTest, BadInputNamesTheFieldAndTheLimit) {
  EXPECT_TRUE(absl::StrContains(Error(""), "query"));
  EXPECT_TRUE(absl::StrContains(Error("   "), "query"));
  EXPECT_TRUE(absl::StrContains(Error("-- '"), "letter or a digit"));
  EXPECT_TRUE(absl::StrContains(Error(std::string(101, 'a')), "at most 100 characters"));
  EXPECT_TRUE(ParseCommuneQuery(std::string(100, 'a'), 0).ok());
  EXPECT_TRUE(absl::StrContains(Error("Lyon\x01"), "query"));
  EXPECT_TRUE(absl::StrContains(Error("Ly\xc3\x28on"), "query"));  // invalid UTF-8
  EXPECT_TRUE(absl::StrContains(Error("Lyon", 21), "between 1 and 20"));
  EXPECT_TRUE(absl::StrContains(Error("Lyon", -1), "limit"));
}

}  // namespace
}  // namespace meltingdoc::profiles
