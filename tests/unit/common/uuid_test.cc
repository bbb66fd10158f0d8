#include "libs/common/uuid.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace meltingdoc {
namespace {

TEST(NewUuidTest, CanonicalLowerCaseVersion4Rfc4122Variant) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewUuid();
    ASSERT_EQ(id.size(), 36u) << id;
    EXPECT_THAT(id, ::testing::MatchesRegex(
                        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    EXPECT_TRUE(IsValidUuid(id)) << id;
  }
}

TEST(NewUuidTest, Unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(NewUuid());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(NewUuidTest, RandomBitsVary) {
  // Every hex position outside the fixed version nibble should take several values.
  std::set<char> first, last;
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewUuid();
    first.insert(id[0]);
    last.insert(id[35]);
  }
  EXPECT_GT(first.size(), 4u);
  EXPECT_GT(last.size(), 4u);
}

TEST(IsValidUuidTest, AcceptsCanonicalFormInEitherCase) {
  EXPECT_TRUE(IsValidUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsValidUuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(IsValidUuid("ABCDEF01-2345-6789-ABCD-EF0123456789"));
  EXPECT_TRUE(IsValidUuid("abcdef01-2345-6789-AbCd-ef0123456789"));
}

TEST(IsValidUuidTest, RejectsEverythingElse) {
  for (const char* bad : {
           "",
           "123e4567e89b12d3a456426614174000",        // no dashes
           "{123e4567-e89b-12d3-a456-426614174000}",  // braces
           "123e4567-e89b-12d3-a456-42661417400",     // short
           "123e4567-e89b-12d3-a456-4266141740000",   // long
           "123e4567-e89b-12d3-a456-42661417400g",    // non-hex
           "123e4567-e89b-12d3-a4564-26614174000",    // dash misplaced
           "123e4567-e89b-12d3-a456_426614174000",    // wrong separator
           "123e4567 e89b 12d3 a456 426614174000",
           " 23e4567-e89b-12d3-a456-426614174000",
           "123e4567-e89b-12d3-a456-42661417400\n",
           "urn:uuid:123e4567-e89b-12d3-a456-426614",
           "'; DROP TABLE accounts; --xxxxxxxxxxxx",
       }) {
    EXPECT_FALSE(IsValidUuid(bad)) << "accepted: " << bad;
  }
  EXPECT_FALSE(IsValidUuid(absl::string_view("123e4567-e89b-12d3-a456-42661417400\0", 36)));
}

}  // namespace
}  // namespace meltingdoc
