// Runs the real meltingdoc-keygen binary, as the deploy scripts do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace meltingdoc::auth {
namespace {

using ::meltingdoc::testing::BinaryDir;
using ::meltingdoc::testing::CommandResult;
using ::meltingdoc::testing::RunCommand;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class KeygenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/meltingdoc-keygen-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/keys";  // does not exist yet: keygen creates it
  }
  void TearDown() override { RunCommand(absl::StrCat("rm -rf '", root_, "'")); }

  CommandResult Keygen(const std::string& args) {
    return RunCommand(
        absl::StrCat(BinaryDir(), "/libs/auth/meltingdoc-keygen --out_dir='", dir_, "' ", args));
  }

  std::string root_;
  std::string dir_;
};

TEST_F(KeygenTest, WritesAPrivateSigningKeyAndAMatchingPublicKey) {
  CommandResult r = Keygen("--kid=k2026");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string signing = dir_ + "/signing_key";
  const std::string pub = dir_ + "/public_keys";
  EXPECT_EQ(Mode(signing), 0600);
  EXPECT_EQ(Mode(pub), 0644);
  EXPECT_EQ(Mode(dir_), 0700);

  // The output names the files but never shows the key.
  absl::StatusOr<SigningKey> key = LoadSigningKey(signing);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->kid, "k2026");
  const std::string secret_text = ReadAll(signing).substr(6, 40);
  EXPECT_THAT(r.output, Not(HasSubstr(secret_text)));

  // What the signing key signs, the public key file verifies.
  absl::StatusOr<KeySet> keys = KeySet::LoadFromFile(pub);
  ASSERT_TRUE(keys.ok()) << keys.status();
  FakeClock clock;
  TokenSigner signer(key->kid, key->secret_key, &clock);
  Principal p;
  p.account_id = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
  p.session_id = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
  p.status = VerificationStatus::kVerified;
  EXPECT_TRUE(TokenVerifier(&*keys, &clock).Verify(signer.Sign(p, absl::Minutes(5))).ok());
}

TEST_F(KeygenTest, RefusesToOverwriteWithoutForce) {
  ASSERT_EQ(Keygen("--kid=k1").exit_code, 0);
  const std::string before = ReadAll(dir_ + "/signing_key");
  const std::string public_before = ReadAll(dir_ + "/public_keys");

  CommandResult again = Keygen("--kid=k1");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.output, HasSubstr("--force"));
  EXPECT_EQ(ReadAll(dir_ + "/signing_key"), before);
  EXPECT_EQ(ReadAll(dir_ + "/public_keys"), public_before);

  CommandResult forced = Keygen("--kid=k1 --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_NE(ReadAll(dir_ + "/signing_key"), before);
  EXPECT_EQ(Mode(dir_ + "/signing_key"), 0600);
  // Same kid: its old public key is replaced, not duplicated.
  absl::StatusOr<KeySet> keys = KeySet::LoadFromFile(dir_ + "/public_keys");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 1u);
}

TEST_F(KeygenTest, RotationKeepsOtherPublicKeys) {
  ASSERT_EQ(Keygen("--kid=old").exit_code, 0);
  ASSERT_EQ(Keygen("--kid=new --force").exit_code, 0);
  absl::StatusOr<KeySet> keys = KeySet::LoadFromFile(dir_ + "/public_keys");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_NE(keys->Find("old"), nullptr);
  EXPECT_NE(keys->Find("new"), nullptr);
  absl::StatusOr<SigningKey> key = LoadSigningKey(dir_ + "/signing_key");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->kid, "new");
}

TEST_F(KeygenTest, BadFlagsWriteNothing) {
  EXPECT_NE(Keygen("").exit_code, 0);
  EXPECT_NE(Keygen("--kid='bad kid'").exit_code, 0);
  struct stat st {};
  EXPECT_NE(::stat((dir_ + "/signing_key").c_str(), &st), 0);
  CommandResult no_dir = RunCommand(
      absl::StrCat(BinaryDir(), "/libs/auth/meltingdoc-keygen --kid=k1"));
  EXPECT_NE(no_dir.exit_code, 0);
  EXPECT_THAT(no_dir.output, HasSubstr("--out_dir"));
}

TEST_F(KeygenTest, SigningKeyIsPrivateEvenWithAPermissiveUmask) {
  CommandResult r = RunCommand(absl::StrCat("umask 000 && ", BinaryDir(),
                                            "/libs/auth/meltingdoc-keygen --kid=k1 --out_dir='",
                                            dir_, "'"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Mode(dir_ + "/signing_key"), 0600);
}

}  // namespace
}  // namespace meltingdoc::auth
