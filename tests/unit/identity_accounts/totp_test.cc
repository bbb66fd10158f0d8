#include "services/identity/totp.h"

#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

const std::string kRfcKey = "12345678901234567890";  // RFC 6238 appendix B, SHA-1 key

TEST(TotpTest, Rfc6238AppendixBSha1Vectors) {
  struct Vector {
    int64_t time;
    const char* code;
  };
  for (const Vector& v : {Vector{59, "94287082"}, Vector{1111111109, "07081804"},
                          Vector{1111111111, "14050471"}, Vector{1234567890, "89005924"},
                          Vector{2000000000, "69279037"}, Vector{20000000000, "65353130"}}) {
    EXPECT_EQ(TotpCode(kRfcKey, absl::FromUnixSeconds(v.time), 8), v.code) << v.time;
  }
}

TEST(TotpTest, Rfc4226AppendixDHotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Hotp(kRfcKey, i), expected[i]) << i;
}

TEST(TotpTest, AcceptsOneStepOfDriftAndNoMore) {
  const absl::Time now = absl::FromUnixSeconds(1'767'225'615);
  const int64_t step = TotpStep(now);
  EXPECT_EQ(MatchTotp(kRfcKey, TotpCode(kRfcKey, now), now, -1), step);
  EXPECT_EQ(MatchTotp(kRfcKey, TotpCode(kRfcKey, now - absl::Seconds(30)), now, -1), step - 1);
  EXPECT_EQ(MatchTotp(kRfcKey, TotpCode(kRfcKey, now + absl::Seconds(30)), now, -1), step + 1);
  EXPECT_FALSE(MatchTotp(kRfcKey, TotpCode(kRfcKey, now - absl::Seconds(60)), now, -1).has_value());
  EXPECT_FALSE(MatchTotp(kRfcKey, TotpCode(kRfcKey, now + absl::Seconds(60)), now, -1).has_value());
}

TEST(TotpTest, ReplayOfAUsedStepRefused) {
  const absl::Time now = absl::FromUnixSeconds(1'767'225'615);
  const std::string code = TotpCode(kRfcKey, now);
  const std::optional<int64_t> step = MatchTotp(kRfcKey, code, now, -1);
  ASSERT_TRUE(step.has_value());
  EXPECT_FALSE(MatchTotp(kRfcKey, code, now, *step).has_value());
  EXPECT_FALSE(MatchTotp(kRfcKey, code, now + absl::Seconds(10), *step).has_value());
  // The previous step's code after a newer one was used: refused too.
  EXPECT_FALSE(MatchTotp(kRfcKey, TotpCode(kRfcKey, now - absl::Seconds(30)), now, *step).has_value());
}

TEST(TotpTest, MalformedCodesRefused) {
  const absl::Time now = absl::FromUnixSeconds(1'767'225'615);
  for (const char* c : {"", "12345", "1234567", "abcdef", "12 456"}) {
    EXPECT_FALSE(MatchTotp(kRfcKey, c, now, -1).has_value()) << c;
  }
}

TEST(Base32Test, Rfc4648VectorsAndRoundTrip) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32Decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq"), kRfcKey);
  EXPECT_FALSE(Base32Decode("GEZ1").has_value());
}

TEST(OtpauthTest, UriCarriesSecretIssuerAndParameters) {
  EXPECT_EQ(OtpauthUri("MeltingDoc", "claire.martin@chu-lyon.fr", kRfcKey),
            "otpauth://totp/MeltingDoc:claire.martin@chu-lyon.fr?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=MeltingDoc&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(OtpauthUri("Melting Doc", "a b", "x"),
            "otpauth://totp/Melting%20Doc:a%20b?secret=PA&issuer=Melting%20Doc&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace meltingdoc::identity
