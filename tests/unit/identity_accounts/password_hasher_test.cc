#include "services/identity/password_hasher.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace meltingdoc::identity {
namespace {

TEST(PasswordHasherTest, Argon2idWithAtLeast19MiBAndTwoPasses) {
  absl::StatusOr<PasswordHasher> hasher = PasswordHasher::Create({});
  ASSERT_TRUE(hasher.ok()) << hasher.status();
  absl::StatusOr<std::string> hash = hasher->Hash("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(absl::StartsWith(*hash, "$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_TRUE(hasher->Verify(*hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher->Verify(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(hasher->Verify("garbage", "correct horse battery staple"));
  EXPECT_FALSE(hasher->Verify("", ""));
  // Fresh salt every time.
  EXPECT_NE(*hasher->Hash("correct horse battery staple"), *hash);
}

TEST(PasswordHasherTest, NoTruncationOfLongPasswords) {
  absl::StatusOr<PasswordHasher> hasher = PasswordHasher::Create({});
  ASSERT_TRUE(hasher.ok());
  const std::string base(120, 'x');
  absl::StatusOr<std::string> hash = hasher->Hash(base + "tail-A");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hasher->Verify(*hash, base + "tail-A"));
  EXPECT_FALSE(hasher->Verify(*hash, base + "tail-B"));  // bcrypt would cut at 72 bytes
}

TEST(PasswordHasherTest, RefusesParametersBelowTheFloor) {
  EXPECT_FALSE(PasswordHasher::Create({1, 64u << 20}).ok());
  EXPECT_FALSE(PasswordHasher::Create({3, 8u << 20}).ok());
}

}  // namespace
}  // namespace meltingdoc::identity
