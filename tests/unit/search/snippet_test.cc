#include "services/search/snippet.h"

#include <gtest/gtest.h>

namespace meltingdoc::search {
namespace {

TEST(ParseMarkedSnippet, TurnsMarkersIntoCodePointRanges) {
  const Snippet s = ParseMarkedSnippet("échec de \x01" "FIV\x02. Les \x01gynécologues\x02 proposent");
  EXPECT_EQ(s.text, "échec de FIV. Les gynécologues proposent");
  ASSERT_EQ(s.highlights.size(), 2u);
  EXPECT_EQ(s.highlights[0], std::make_pair(9, 12));
  EXPECT_EQ(s.highlights[1], std::make_pair(18, 30));
}

TEST(ParseMarkedSnippet, ToleratesUnbalancedMarkers) {
  EXPECT_TRUE(ParseMarkedSnippet("plain").highlights.empty());
  const Snippet s = ParseMarkedSnippet("\x02" "a\x01" "bc");
  EXPECT_EQ(s.text, "abc");
  ASSERT_EQ(s.highlights.size(), 1u);
  EXPECT_EQ(s.highlights[0], std::make_pair(1, 3));
}

}  // namespace
}  // namespace meltingdoc::search
