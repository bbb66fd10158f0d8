#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_signer.h"

namespace meltingdoc::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string B64(absl::string_view s) { return absl::WebSafeBase64Escape(s); }

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/meltingdoc-keyset-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& f : files_) ::unlink(f.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path) << text;
    files_.push_back(path);
    return path;
  }
  // Expects INVALID_ARGUMENT mentioning `where` and `why`, never the key text.
  void ExpectBadFile(const std::string& text, const std::string& where, const std::string& why,
                     const std::string& secret_text = "") {
    const std::string path = Write("keys", text);
    absl::StatusOr<KeySet> set = KeySet::LoadFromFile(path);
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(set.status().message(), HasSubstr(absl::StrCat(path, where)));
    EXPECT_THAT(set.status().message(), HasSubstr(why));
    if (!secret_text.empty()) {
      EXPECT_THAT(set.status().message(), Not(HasSubstr(secret_text)));
    }
  }

  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(KeyFileTest, LoadsKeysSkippingCommentsAndBlankLines) {
  KeyPair a = GenerateKeyPair();
  KeyPair b = GenerateKeyPair();
  const std::string path = Write(
      "keys", absl::StrCat("# MeltingDoc public keys\n\n  key-a ", B64(a.public_key),
                           "\n\t# old\nkey.b\t", B64(b.public_key), "  \n"));
  absl::StatusOr<KeySet> set = KeySet::LoadFromFile(path);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 2u);
  ASSERT_NE(set->Find("key-a"), nullptr);
  EXPECT_EQ(*set->Find("key-a"), a.public_key);
  ASSERT_NE(set->Find("key.b"), nullptr);
  EXPECT_EQ(*set->Find("key.b"), b.public_key);
  EXPECT_EQ(set->Find("key-c"), nullptr);
  EXPECT_EQ(set->Find("key"), nullptr);
}

TEST_F(KeyFileTest, MalformedLinesNameFileAndLine) {
  const std::string key = B64(GenerateKeyPair().public_key);
  ExpectBadFile(absl::StrCat("# c\nonlykid\n"), ":2:", "expected");
  ExpectBadFile(absl::StrCat("k1 ", key, " extra\n"), ":1:", "expected");
  ExpectBadFile(absl::StrCat("k1 ", key, "\nk/2 ", key, "\n"), ":2:", "invalid key id");
  ExpectBadFile(absl::StrCat(std::string(65, 'k'), " ", key, "\n"), ":1:", "invalid key id");
  ExpectBadFile("k1 not*base64\n", ":1:", "base64url");
  ExpectBadFile(absl::StrCat("k1 ", absl::WebSafeBase64Escape(std::string(32, 'x')), "==\n"),
                ":1:", "base64url");
  const std::string short_key = B64(std::string(31, 'x'));
  ExpectBadFile(absl::StrCat("k1 ", short_key, "\n"), ":1:", "32 bytes", short_key);
  ExpectBadFile(absl::StrCat("k1 ", key, "\n\nk1 ", key, "\n"), ":3:", "duplicate key id k1");
}

TEST_F(KeyFileTest, EmptyOrMissingFileIsAnError) {
  ExpectBadFile("# only a comment\n\n", "", "no public key");
  absl::StatusOr<KeySet> missing = KeySet::LoadFromFile(absl::StrCat(dir_, "/nope"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(KeySetTest, AddKeyValidates) {
  KeySet set;
  const std::string key = GenerateKeyPair().public_key;
  EXPECT_TRUE(set.AddKey("k1", key).ok());
  EXPECT_EQ(set.AddKey("k1", key).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(set.AddKey("k2", key.substr(1)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.AddKey("", key).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.AddKey("bad kid", key).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(IsValidKeyId("2026-01.a_b"));
  EXPECT_FALSE(IsValidKeyId("kid\""));
}

TEST_F(KeyFileTest, SigningKeyFileMustHoldOneConsistentKey) {
  KeyPair a = GenerateKeyPair();
  KeyPair b = GenerateKeyPair();
  absl::StatusOr<SigningKey> good = LoadSigningKey(Write("sk1", absl::StrCat("k1 ", B64(a.secret_key), "\n")));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->kid, "k1");
  EXPECT_EQ(good->secret_key, a.secret_key);

  absl::StatusOr<SigningKey> two = LoadSigningKey(Write(
      "sk2", absl::StrCat("k1 ", B64(a.secret_key), "\nk2 ", B64(b.secret_key), "\n")));
  EXPECT_EQ(two.status().code(), absl::StatusCode::kInvalidArgument);

  // Seed of one key with the public half of another: corrupt.
  const std::string mixed = a.secret_key.substr(0, 32) + b.public_key;
  absl::StatusOr<SigningKey> corrupt = LoadSigningKey(Write("sk3", absl::StrCat("k1 ", B64(mixed), "\n")));
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(corrupt.status().message(), HasSubstr("corrupt"));
  EXPECT_THAT(corrupt.status().message(), Not(HasSubstr(B64(mixed))));

  // A public key where the secret key belongs.
  absl::StatusOr<SigningKey> wrong_size = LoadSigningKey(Write("sk4", absl::StrCat("k1 ", B64(a.public_key), "\n")));
  EXPECT_EQ(wrong_size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_size.status().message(), HasSubstr("64 bytes"));
}

}  // namespace
}  // namespace meltingdoc::auth
