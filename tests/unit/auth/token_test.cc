// Access tokens: what TokenSigner issues, TokenVerifier accepts, and every way a forged,
// altered, stale or foreign token is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_format.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"

namespace meltingdoc::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKid[] = "test-2026";
constexpr char kAccount[] = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
constexpr char kSession[] = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

std::string B64(absl::string_view s) { return absl::WebSafeBase64Escape(s); }

class TokenTest : public ::testing::Test {
 protected:
  TokenTest() : pair_(GenerateKeyPair()), signer_(kKid, pair_.secret_key, &clock_) {
    EXPECT_TRUE(keys_.AddKey(kKid, pair_.public_key).ok());
  }

  Principal Doctor() const {
    Principal p;
    p.account_id = kAccount;
    p.session_id = kSession;
    p.role = Role::kDoctor;
    p.status = VerificationStatus::kVerified;
    return p;
  }

  // Claims as TokenSigner writes them, at the fake clock's time, with `extra` members replacing
  // or adding to them (a value of "" removes the member).
  std::string Claims(const std::vector<std::pair<std::string, std::string>>& changes = {}) {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    std::vector<std::pair<std::string, std::string>> members = {
        {"iss", "\"meltingdoc-identity\""}, {"aud", "\"meltingdoc\""},
        {"sub", absl::StrCat("\"", kAccount, "\"")}, {"sid", absl::StrCat("\"", kSession, "\"")},
        {"role", "\"doctor\""}, {"verification", "\"verified\""},
        {"iat", absl::StrCat(now)}, {"exp", absl::StrCat(now + 600)}};
    for (const auto& [name, value] : changes) {
      bool found = false;
      for (auto& m : members) {
        if (m.first == name) {
          m.second = value;
          found = true;
        }
      }
      if (!found) members.emplace_back(name, value);
    }
    std::string json = "{";
    for (const auto& [name, value] : members) {
      if (value.empty()) continue;
      if (json.size() > 1) json += ",";
      absl::StrAppend(&json, "\"", name, "\":", value);
    }
    return json + "}";
  }

  std::string Header(absl::string_view alg = "EdDSA", absl::string_view kid = kKid) {
    return absl::StrCat("{\"alg\":\"", alg, "\",\"typ\":\"JWT\",\"kid\":\"", kid, "\"}");
  }

  // A token with arbitrary header and claims, correctly signed with `secret_key`: lets a test
  // reach the checks that come after the signature.
  static std::string SignRaw(absl::string_view header, absl::string_view claims,
                             const std::string& secret_key) {
    std::string input = absl::StrCat(B64(header), ".", B64(claims));
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), reinterpret_cast<const unsigned char*>(secret_key.data()));
    return absl::StrCat(input, ".", B64(absl::string_view(reinterpret_cast<char*>(sig), sizeof(sig))));
  }
  std::string SignRaw(absl::string_view header, absl::string_view claims) {
    return SignRaw(header, claims, pair_.secret_key);
  }

  // Expects UNAUTHENTICATED whose message contains `reason` and no part of the token.
  void ExpectRejected(const std::string& token, absl::string_view reason) {
    absl::StatusOr<Principal> p = TokenVerifier(&keys_, &clock_).Verify(token);
    ASSERT_FALSE(p.ok()) << "accepted a token that should fail with: " << reason;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated) << p.status();
    EXPECT_THAT(p.status().message(), HasSubstr(reason));
    for (absl::string_view part : absl::StrSplit(token, '.', absl::SkipEmpty())) {
      if (part.size() >= 8) {
        EXPECT_THAT(p.status().message(), Not(HasSubstr(part)));
      }
    }
  }

  FakeClock clock_;
  KeyPair pair_;
  KeySet keys_;
  TokenSigner signer_;
};

TEST_F(TokenTest, SignedTokenVerifiesToTheSamePrincipal) {
  Principal in = Doctor();
  in.role = Role::kModerator;
  in.status = VerificationStatus::kPendingVerification;
  const std::string token = signer_.Sign(in, absl::Minutes(15));
  EXPECT_LE(token.size(), kMaxTokenLength);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);

  absl::StatusOr<Principal> out = TokenVerifier(&keys_, &clock_).Verify(token);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->account_id, kAccount);
  EXPECT_EQ(out->session_id, kSession);
  EXPECT_EQ(out->role, Role::kModerator);
  EXPECT_EQ(out->status, VerificationStatus::kPendingVerification);
  EXPECT_EQ(out->expires, clock_.Now() + absl::Minutes(15));
}

TEST_F(TokenTest, HeaderIsEdDsaJwtWithKid) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  std::string header;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &header));
  EXPECT_EQ(header, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"test-2026\"}");
  EXPECT_EQ(signer_.PublicKey(), pair_.public_key);
}

TEST_F(TokenTest, ClaimsAreTheIssuesNames) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string claims;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &claims));
  EXPECT_THAT(claims, HasSubstr("\"verification\":\"verified\""));
  EXPECT_THAT(claims, Not(HasSubstr("\"vst\"")));
  for (const char* name : {"\"sub\":", "\"sid\":", "\"role\":", "\"exp\":", "\"iat\":"}) {
    EXPECT_THAT(claims, HasSubstr(name));
  }
}

// A token signed before the claim was renamed (`vst`) is accepted for one release, with the
// same meaning; remove with kLegacyVerificationClaim.
TEST_F(TokenTest, LegacyVstClaimIsStillRead) {
  TokenVerifier verifier(&keys_, &clock_);
  for (const auto& [name, status] : std::vector<std::pair<std::string, VerificationStatus>>{
           {"pending_verification", VerificationStatus::kPendingVerification},
           {"verified", VerificationStatus::kVerified},
           {"suspended", VerificationStatus::kSuspended}}) {
    SCOPED_TRACE(name);
    auto out = verifier.Verify(
        SignRaw(Header(), Claims({{"verification", ""}, {"vst", absl::StrCat("\"", name, "\"")}})));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->status, status);
  }
}

TEST_F(TokenTest, EveryRoleAndStatusSurvivesTheRoundTrip) {
  TokenVerifier verifier(&keys_, &clock_);
  for (Role r : {Role::kDoctor, Role::kModerator, Role::kAdmin}) {
    for (VerificationStatus s :
         {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
          VerificationStatus::kVerified, VerificationStatus::kRejected,
          VerificationStatus::kSuspended}) {
      Principal in = Doctor();
      in.role = r;
      in.status = s;
      auto out = verifier.Verify(signer_.Sign(in, absl::Minutes(1)));
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_EQ(out->role, r);
      EXPECT_EQ(out->status, s);
    }
  }
}

TEST_F(TokenTest, TamperedPayloadFailsSignatureBeforeClaimsAreRead) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string claims;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &claims));
  const std::string escalated = absl::StrReplaceAll(claims, {{"\"doctor\"", "\"admin\""}});
  ASSERT_NE(escalated, claims);
  ExpectRejected(absl::StrCat(parts[0], ".", B64(escalated), ".", parts[2]), "bad signature");
  // Garbage claims are not even parsed: the signature check comes first.
  ExpectRejected(absl::StrCat(parts[0], ".", B64("not json {"), ".", parts[2]), "bad signature");
}

TEST_F(TokenTest, TamperedSignatureIsRejected) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string sig;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &sig));
  sig[10] ^= 0x01;
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", B64(sig)), "bad signature");
  // Truncated signature.
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", B64(sig.substr(0, 63))),
                 "malformed signature");
}

TEST_F(TokenTest, NonCanonicalBase64IsRejected) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  // 64 signature bytes are 86 characters with 4 unused bits in the last one: flipping the
  // lowest bit gives a different text for the same bytes, which must not verify.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string altered = token;
  altered.back() = alphabet[alphabet.find(altered.back()) ^ 1];
  ExpectRejected(altered, "malformed signature");
  ExpectRejected(token + "==", "malformed signature");
}

TEST_F(TokenTest, AnotherKeyWithTheSameKidIsRejected) {
  KeyPair other = GenerateKeyPair();
  TokenSigner impostor(kKid, other.secret_key, &clock_);
  ExpectRejected(impostor.Sign(Doctor(), absl::Minutes(5)), "bad signature");
}

TEST_F(TokenTest, UnknownKidIsRejected) {
  TokenSigner stranger("other-kid", pair_.secret_key, &clock_);
  ExpectRejected(stranger.Sign(Doctor(), absl::Minutes(5)), "unknown signing key");
  ExpectRejected(SignRaw("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", Claims()), "missing key id");
}

TEST_F(TokenTest, RotationAcceptsTokensFromEveryKnownKey) {
  KeyPair next = GenerateKeyPair();
  ASSERT_TRUE(keys_.AddKey("next", next.public_key).ok());
  TokenSigner new_signer("next", next.secret_key, &clock_);
  TokenVerifier verifier(&keys_, &clock_);
  EXPECT_TRUE(verifier.Verify(signer_.Sign(Doctor(), absl::Minutes(5))).ok());
  EXPECT_TRUE(verifier.Verify(new_signer.Sign(Doctor(), absl::Minutes(5))).ok());
}

TEST_F(TokenTest, ExpiryAllowsThirtySecondsOfSkewAndNoMore) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(10));
  TokenVerifier verifier(&keys_, &clock_);
  clock_.Advance(absl::Minutes(10) + absl::Seconds(29));
  EXPECT_TRUE(verifier.Verify(token).ok());
  clock_.Advance(absl::Seconds(1));  // exactly exp + 30 s
  ExpectRejected(token, "expired");
  clock_.Advance(absl::Hours(24));
  ExpectRejected(token, "expired");
}

// Verified tokens are remembered by the verifier (no second Ed25519 check): a remembered
// token must still stop at exp + 30 s, and remembering one accepts no other text.
TEST_F(TokenTest, RememberedTokenExpiresAtTheSameInstant) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(10));
  TokenVerifier verifier(&keys_, &clock_);
  ASSERT_TRUE(verifier.Verify(token).ok());
  clock_.Advance(absl::Minutes(10) + absl::Seconds(29));
  EXPECT_TRUE(verifier.Verify(token).ok());
  clock_.Advance(absl::Seconds(1));  // exactly exp + 30 s
  absl::StatusOr<Principal> p = verifier.Verify(token);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("expired"));
}

TEST_F(TokenTest, RememberingATokenAcceptsNoOtherText) {
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(10));
  TokenVerifier verifier(&keys_, &clock_);
  ASSERT_TRUE(verifier.Verify(token).ok());
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifier.Verify(tampered).ok());
  EXPECT_FALSE(verifier.Verify(token + "A").ok());
  EXPECT_FALSE(verifier.Verify(token.substr(0, token.size() - 1)).ok());
  auto again = verifier.Verify(token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->account_id, Doctor().account_id);
}

TEST_F(TokenTest, IssuedInTheFutureBeyondSkewIsRejected) {
  FakeClock ahead(clock_.Now() + absl::Seconds(29));
  TokenSigner slightly_ahead(kKid, pair_.secret_key, &ahead);
  EXPECT_TRUE(TokenVerifier(&keys_, &clock_).Verify(slightly_ahead.Sign(Doctor(), absl::Minutes(5))).ok());
  ahead.Advance(absl::Seconds(2));
  ExpectRejected(slightly_ahead.Sign(Doctor(), absl::Minutes(5)), "issued in the future");
}

TEST_F(TokenTest, OtherAlgorithmsAreRejected) {
  // "none" with no signature: the classic JWT forgery.
  ExpectRejected(absl::StrCat(B64(Header("none")), ".", B64(Claims()), "."), "malformed");
  // Even with a real Ed25519 signature, the header must say EdDSA.
  ExpectRejected(SignRaw(Header("none"), Claims()), "unsupported algorithm");
  ExpectRejected(SignRaw(Header("HS256"), Claims()), "unsupported algorithm");
  ExpectRejected(SignRaw(Header("eddsa"), Claims()), "unsupported algorithm");
  ExpectRejected(SignRaw(absl::StrCat("{\"typ\":\"JWT\",\"kid\":\"", kKid, "\"}"), Claims()),
                 "unsupported algorithm");
  ExpectRejected(SignRaw(absl::StrCat("{\"alg\":\"EdDSA\",\"typ\":\"JWE\",\"kid\":\"", kKid,
                                      "\"}"),
                         Claims()),
                 "unsupported type");
  ExpectRejected(SignRaw(absl::StrCat("{\"alg\":\"EdDSA\",\"kid\":\"", kKid,
                                      "\",\"crit\":[\"exp\"]}"),
                         Claims()),
                 "critical");
}

TEST_F(TokenTest, WrongIssuerOrAudienceIsRejected) {
  ExpectRejected(SignRaw(Header(), Claims({{"aud", "\"other-app\""}})), "wrong audience");
  ExpectRejected(SignRaw(Header(), Claims({{"aud", ""}})), "wrong audience");
  ExpectRejected(SignRaw(Header(), Claims({{"aud", "[\"a\",\"b\"]"}})), "wrong audience");
  ExpectRejected(SignRaw(Header(), Claims({{"iss", "\"someone-else\""}})), "wrong issuer");
  ExpectRejected(SignRaw(Header(), Claims({{"iss", ""}})), "wrong issuer");
  // An audience list that includes us is valid JWT.
  EXPECT_TRUE(TokenVerifier(&keys_, &clock_)
                  .Verify(SignRaw(Header(), Claims({{"aud", "[\"x\",\"meltingdoc\"]"}})))
                  .ok());
  // A correctly built raw token passes, so the rejections above are due to the changes.
  EXPECT_TRUE(TokenVerifier(&keys_, &clock_).Verify(SignRaw(Header(), Claims())).ok());
}

TEST_F(TokenTest, MissingOrInvalidClaimsAreRejected) {
  const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>>
      cases = {
          {{{"sub", ""}}, "sub"},
          {{{"sub", "\"not-a-uuid\""}}, "sub"},
          {{{"sub", "42"}}, "sub"},
          {{{"sid", ""}}, "sid"},
          {{{"sid", "\"3f1c2a4e5b6d4e7f8a9b0c1d2e3f4a5b\""}}, "sid"},
          {{{"role", ""}}, "role"},
          {{{"role", "\"superuser\""}}, "role"},
          {{{"role", "\"Admin\""}}, "role"},
          {{{"verification", ""}}, "verification"},
          {{{"verification", "\"VERIFIED\""}}, "verification"},
          {{{"verification", "true"}}, "verification"},
          {{{"verification", ""}, {"vst", "\"VERIFIED\""}}, "verification"},
          {{{"vst", "\"verified\""}}, "both verification and vst"},
          {{{"iat", ""}}, "iat"},
          {{{"iat", "\"1767225600\""}}, "iat"},
          {{{"iat", "-5"}}, "iat"},
          {{{"exp", ""}}, "exp"},
          {{{"exp", "1.5"}}, "exp"},
          {{{"exp", "1e300"}}, "exp"},
          {{{"exp", "null"}}, "exp"},
          {{{"iat", "1767225600"}, {"exp", "1767225000"}}, "exp before iat"},
      };
  for (const auto& [changes, reason] : cases) {
    SCOPED_TRACE(Claims(changes));
    ExpectRejected(SignRaw(Header(), Claims(changes)), reason);
  }
}

TEST_F(TokenTest, MalformedTokensAreRejected) {
  const std::string good = signer_.Sign(Doctor(), absl::Minutes(5));
  std::vector<std::string> parts = absl::StrSplit(good, '.');
  ExpectRejected("", "malformed");
  ExpectRejected("abc", "malformed");
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1]), "malformed");
  ExpectRejected(absl::StrCat(good, ".", parts[2]), "malformed");
  ExpectRejected(absl::StrCat(".", parts[1], ".", parts[2]), "malformed");
  ExpectRejected(absl::StrCat("Bearer ", good), "malformed");
  ExpectRejected(absl::StrCat(B64("[1,2]"), ".", parts[1], ".", parts[2]), "malformed header");
  ExpectRejected(absl::StrCat(B64("{\"alg\":"), ".", parts[1], ".", parts[2]),
                 "malformed header");
  ExpectRejected(absl::StrCat(parts[0], "!.", parts[1], ".", parts[2]), "malformed header");
  // Claims that are not a JSON object, behind a valid signature.
  ExpectRejected(SignRaw(Header(), "\"just a string\""), "malformed claims");
}

TEST_F(TokenTest, OverlongTokenIsRejectedBeforeDecoding) {
  ExpectRejected(std::string(kMaxTokenLength + 1, 'a'), "too long");
  // A validly signed token padded past the limit with an extra claim is refused too.
  const std::string big = SignRaw(Header(), Claims({{"pad", absl::StrCat("\"", std::string(4000, 'x'), "\"")}}));
  ASSERT_GT(big.size(), kMaxTokenLength);
  ExpectRejected(big, "too long");
}

TEST_F(TokenTest, VerifierIsSafeToShareAcrossThreads) {
  TokenVerifier verifier(&keys_, &clock_);
  const std::string token = signer_.Sign(Doctor(), absl::Minutes(5));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) ok += verifier.Verify(token).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 800);
}

}  // namespace
}  // namespace meltingdoc::auth
