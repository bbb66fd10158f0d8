#include "services/identity/password_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/system/call_helpers.h"

namespace meltingdoc::identity {
namespace {

using ::testing::HasSubstr;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class PolicyTest : public ::testing::Test {
 protected:
  CommonPasswords common_ = CommonPasswords::FromText(
      "#!comment: header\n123456\nwinniethepooh\nCorrectHorseBattery\n");
};

TEST_F(PolicyTest, LengthIsCountedInCodePointsBetween12And128) {
  EXPECT_FALSE(CheckNewPassword("password", "elevenchars", common_).ok());
  EXPECT_TRUE(CheckNewPassword("password", "twelve chars", common_).ok());
  // 12 code points of 2 bytes each: accepted; 6 of them (12 bytes) are not.
  EXPECT_TRUE(CheckNewPassword("password", Repeat("é", 12), common_).ok());
  EXPECT_FALSE(CheckNewPassword("password", Repeat("é", 6), common_).ok());
  // Exactly 128 code points of 4 bytes (512 bytes) is accepted; 129 is not.
  EXPECT_TRUE(CheckNewPassword("password", Repeat("\xF0\x9F\x94\x91", 128), common_).ok());
  const absl::Status too_long = CheckNewPassword("password", Repeat("a", 129), common_);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.message(), HasSubstr("at most 128"));
}

TEST_F(PolicyTest, AnyUnicodeAndSpacesAccepted) {
  EXPECT_TRUE(CheckNewPassword("password", "mot de passe très sûr ☂", common_).ok());
}

TEST_F(PolicyTest, InvalidUtf8Refused) {
  EXPECT_FALSE(CheckNewPassword("password", std::string("abcdefghijkl\xFF"), common_).ok());
}

TEST_F(PolicyTest, CommonPasswordsRefusedCaseInsensitively) {
  for (const char* p : {"winniethepooh", "WinnieThePooh", "WINNIETHEPOOH", "correcthorsebattery"}) {
    const absl::Status s = CheckNewPassword("new_password", p, common_);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << p;
    EXPECT_THAT(s.message(), HasSubstr("too common")) << p;
    EXPECT_THAT(s.message(), HasSubstr("new_password")) << p;
  }
  EXPECT_TRUE(CheckNewPassword("password", "winniethepooh!", common_).ok());
}

TEST(CommonPasswordsTest, LoadsTheDebianList) {
  absl::StatusOr<CommonPasswords> list = CommonPasswords::LoadFromFile("/usr/share/john/password.lst");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_GT(list->size(), 3000u);
  EXPECT_TRUE(list->Contains("Winniethepooh"));
  EXPECT_FALSE(list->Contains("#!comment: This list has been compiled by Solar Designer of Openwall Project"));
  EXPECT_EQ(CommonPasswords::LoadFromFile("/nonexistent/list").status().code(), absl::StatusCode::kNotFound);
}

TEST(PasswordInputTest, OnlyBoundsTheLength) {
  EXPECT_TRUE(CheckPasswordInput("password", "short").ok());  // policy is not re-applied at login
  EXPECT_FALSE(CheckPasswordInput("password", "").ok());
  EXPECT_FALSE(CheckPasswordInput("password", Repeat("a", 129)).ok());
  EXPECT_FALSE(CheckPasswordInput("password", Repeat("a", 100000)).ok());
}

}  // namespace
}  // namespace meltingdoc::identity
