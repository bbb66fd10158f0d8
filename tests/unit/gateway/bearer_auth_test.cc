#include "gateway/bearer_auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/common/uuid.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::gateway {
namespace {

using ::testing::HasSubstr;

TEST(BearerAuthTest, HeaderMustBeBearer) {
  EXPECT_EQ(*BearerAuth::TokenFromHeader("Bearer abc"), "abc");
  EXPECT_EQ(*BearerAuth::TokenFromHeader("bearer  abc "), "abc");
  EXPECT_FALSE(BearerAuth::TokenFromHeader("Basic abc").ok());
  EXPECT_FALSE(BearerAuth::TokenFromHeader("Bearer ").ok());
  EXPECT_FALSE(BearerAuth::TokenFromHeader("Bearerabc").ok());
}

TEST(BearerAuthTest, RememberedTokensStillExpire) {
  testing::TestTokens tokens;
  FakeClock clock(absl::Now());
  auto auth = BearerAuth::Create(tokens.public_keys_file(), &clock);
  ASSERT_TRUE(auth.ok()) << auth.status();
  const std::string id = NewUuid();
  // TestTokens signs with the real clock; the fake one starts at the same moment.
  const std::string token = tokens.VerifiedDoctor(id);
  auto p = (*auth)->Verify(token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->account_id, id);
  EXPECT_TRUE((*auth)->Verify(token).ok());  // from memory
  clock.Advance(absl::Minutes(10));            // past exp + skew
  auto expired = (*auth)->Verify(token);
  ASSERT_FALSE(expired.ok());
  EXPECT_THAT(expired.status().message(), HasSubstr("expired"));
}

TEST(BearerAuthTest, UnknownKeyAndNoKeysAreRefused) {
  testing::TestTokens tokens, stranger;
  auto auth = BearerAuth::Create(tokens.public_keys_file(), &Clock::Real());
  ASSERT_TRUE(auth.ok());
  auto r = (*auth)->Verify(stranger.VerifiedDoctor(NewUuid()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  auto none = BearerAuth::Create("", &Clock::Real());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE((*none)->Verify(tokens.VerifiedDoctor(NewUuid())).ok());
  EXPECT_FALSE(BearerAuth::Create("/nonexistent/keys", &Clock::Real()).ok());
}

}  // namespace
}  // namespace meltingdoc::gateway
