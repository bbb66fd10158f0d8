#include "services/identity/rpps.h"

#include <gtest/gtest.h>

#include "tests/tools/register_gen/register_generator.h"

namespace meltingdoc::identity {
namespace {

TEST(Luhn, KnownVectors) {
  EXPECT_TRUE(LuhnValid("79927398713"));  // the textbook example
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_TRUE(LuhnValid("0"));
  EXPECT_TRUE(LuhnValid("18"));           // 1 doubled = 2, + 8 = 10
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("7992739871a"));
}

TEST(Rpps, ElevenDigitsWithCheckDigit) {
  const std::string good = testing::RppsFromBase(1000123456);
  ASSERT_EQ(good.size(), 11u);
  EXPECT_TRUE(IsValidRpps(good));
  // Every single-digit change of the check digit is caught.
  for (char d = '0'; d <= '9'; ++d) {
    if (d == good.back()) continue;
    std::string bad = good;
    bad.back() = d;
    EXPECT_FALSE(IsValidRpps(bad)) << bad;
  }
  // A swap of two adjacent different digits is caught (Luhn catches most transpositions).
  std::string swapped = good;
  std::swap(swapped[3], swapped[4]);
  if (swapped != good && !(good[3] == '0' && good[4] == '9') && !(good[3] == '9' && good[4] == '0')) {
    EXPECT_FALSE(IsValidRpps(swapped)) << swapped;
  }
  EXPECT_FALSE(IsValidRpps(good.substr(0, 10)));
  EXPECT_FALSE(IsValidRpps(good + "0"));
  EXPECT_FALSE(IsValidRpps("1000 123456"));
}

TEST(Rpps, GeneratedNumbersAreAllValid) {
  for (uint64_t base = 1000000000; base < 1000002000; ++base) {
    ASSERT_TRUE(IsValidRpps(testing::RppsFromBase(base))) << base;
  }
}

TEST(Adeli, NineCharactersCorsicaAllowed) {
  EXPECT_TRUE(IsValidAdeli("691234567"));
  EXPECT_TRUE(IsValidAdeli("2A1234567"));
  EXPECT_TRUE(IsValidAdeli("2B1234567"));
  EXPECT_FALSE(IsValidAdeli("3A1234567"));
  EXPECT_FALSE(IsValidAdeli("69123456"));
  EXPECT_FALSE(IsValidAdeli("6912345678"));
  EXPECT_FALSE(IsValidAdeli("69123456x"));
}

}  // namespace
}  // namespace meltingdoc::identity
