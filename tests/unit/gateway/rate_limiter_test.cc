#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace meltingdoc::gateway {
namespace {

TEST(RateLimitTest, ParsesCountPerPeriod) {
  auto l = ParseRateLimit("600/1m");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->count, 600);
  EXPECT_EQ(l->period, absl::Minutes(1));
  l = ParseRateLimit("10/30s");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->period, absl::Seconds(30));
  l = ParseRateLimit("0");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->count, 0);
  for (const char* bad : {"", "10", "x/1m", "10/x", "-1/1m", "10/0s", "10/"}) {
    EXPECT_FALSE(ParseRateLimit(bad).ok()) << bad;
  }
}

TEST(RateLimitTest, StrictClassByMethodNameFragment) {
  const std::vector<std::string> patterns = {"login", "register", "verif", "code"};
  EXPECT_EQ(ClassifyMethod("Login", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("RegisterAccount", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("ConfirmEmailCode", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("SubmitVerification", patterns), RateClass::kStrict);
  EXPECT_EQ(ClassifyMethod("GetProfile", patterns), RateClass::kDefault);
  EXPECT_EQ(ClassifyMethod("ListSpaces", patterns), RateClass::kDefault);
  EXPECT_EQ(ClassifyMethod("Login", {}), RateClass::kDefault);
}

}  // namespace
}  // namespace meltingdoc::gateway
