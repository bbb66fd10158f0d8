// The TLS configuration is checked when the process starts: all three files or none, each
// readable and holding what it should, so that a mistake fails the start with the flag's name
// instead of every handshake later. (Handshakes themselves: tests/integration/deploy.)
#include "libs/tls/tls_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"

namespace meltingdoc::tls {
namespace {

using ::testing::HasSubstr;

class TlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/meltingdoc-tls-unit-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    Write("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n");
    Write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
  }
  void TearDown() override { std::system(absl::StrCat("rm -rf ", dir_).c_str()); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path) << text;
    return path;
  }
  TlsFiles All() const {
    return {.cert = dir_ + "/cert.pem", .key = dir_ + "/key.pem", .ca = dir_ + "/ca.pem"};
  }

  std::string dir_;
};

TEST_F(TlsFilesTest, NoFilesIsPlaintext) {
  TlsFiles none;
  EXPECT_FALSE(none.enabled());
  EXPECT_TRUE(ValidateTlsFiles(none).ok());
  EXPECT_TRUE(ServerCredentials(none).ok());
  EXPECT_TRUE(ChannelCredentials(none).ok());
}

TEST_F(TlsFilesTest, ThreeGoodFilesAreAccepted) {
  EXPECT_TRUE(All().enabled());
  EXPECT_TRUE(ValidateTlsFiles(All()).ok());
}

TEST_F(TlsFilesTest, AMissingFlagIsNamed) {
  TlsFiles f = All();
  f.key.clear();
  absl::Status s = ValidateTlsFiles(f);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--tls_key is empty"));
  // Half a configuration never silently becomes plaintext.
  EXPECT_FALSE(ServerCredentials(f).ok());
  EXPECT_FALSE(ChannelCredentials(f).ok());

  f = All();
  f.ca.clear();
  EXPECT_THAT(ValidateTlsFiles(f).message(), HasSubstr("--tls_ca"));
}

TEST_F(TlsFilesTest, AnUnreadableFileIsNamed) {
  TlsFiles f = All();
  f.cert = dir_ + "/missing.pem";
  absl::Status s = ValidateTlsFiles(f);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--tls_cert: cannot read"));
}

TEST_F(TlsFilesTest, SwappedFilesAreRefused) {
  TlsFiles f = All();
  std::swap(f.cert, f.key);  // the key where the certificate goes
  absl::Status s = ValidateTlsFiles(f);
  EXPECT_THAT(s.message(), HasSubstr("--tls_cert"));
  EXPECT_THAT(s.message(), HasSubstr("no PEM CERTIFICATE"));
  f = All();
  f.ca = f.key;
  EXPECT_THAT(ValidateTlsFiles(f).message(), HasSubstr("--tls_ca"));
}

}  // namespace
}  // namespace meltingdoc::tls
