#include "services/identity/secrets.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/ascii.h"

namespace meltingdoc::identity {
namespace {

TEST(SecretsTest, OpaqueTokensAre256RandomBitsInBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = NewOpaqueToken();
    EXPECT_EQ(t.size(), kOpaqueTokenLength);
    for (char c : t) EXPECT_TRUE(absl::ascii_isalnum(c) || c == '-' || c == '_') << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SecretsTest, HashesDependOnPurposeAndSecret) {
  EXPECT_EQ(SecretHash("refresh", "abc").size(), 32u);
  EXPECT_EQ(SecretHash("refresh", "abc"), SecretHash("refresh", "abc"));
  EXPECT_NE(SecretHash("refresh", "abc"), SecretHash("challenge", "abc"));
  EXPECT_NE(SecretHash("refresh", "abc"), SecretHash("refresh", "abd"));
}

TEST(SecretsTest, EmailCodesAreSixDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string c = NewEmailCode();
    ASSERT_EQ(c.size(), 6u);
    for (char d : c) EXPECT_TRUE(absl::ascii_isdigit(d));
    seen.insert(c);
  }
  EXPECT_GT(seen.size(), 190u);
}

TEST(SecretsTest, RecoveryCodesAreDistinctAndNormalize) {
  const std::vector<std::string> codes = NewRecoveryCodes(10);
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const std::string& c : codes) {
    ASSERT_EQ(c.size(), 11u);
    EXPECT_EQ(c[5], '-');
    EXPECT_EQ(NormalizeRecoveryCode(c).size(), 10u);
  }
  EXPECT_EQ(NormalizeRecoveryCode("AbCde-FGhij"), "abcdefghij");
  EXPECT_EQ(NormalizeRecoveryCode("abcde fghij"), "abcdefghij");
}

TEST(SecretsTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace meltingdoc::identity
