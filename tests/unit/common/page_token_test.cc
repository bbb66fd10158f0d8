#include "libs/common/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"

namespace meltingdoc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

void ExpectRejected(const absl::StatusOr<std::vector<std::string>>& r, const std::string& what) {
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what;
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("page_token")) << what;
}

TEST(PageTokenTest, RoundTrip) {
  const std::string token = EncodePageToken("spaces", {"Cardiologie", "0a1b-uuid"});
  auto keys = DecodePageToken("spaces", token, 2);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, ElementsAre("Cardiologie", "0a1b-uuid"));
}

TEST(PageTokenTest, RoundTripOfEmptyStringsAndNoKeys) {
  auto keys = DecodePageToken("spaces", EncodePageToken("spaces", {"", ""}), 2);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, ElementsAre("", ""));

  auto none = DecodePageToken("k", EncodePageToken("k", {}), 0);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST(PageTokenTest, RoundTripOfBinaryAndLongKeys) {
  const std::string binary("\0\x01\xff\x80\"\\\n", 7);
  const std::string long_key(300, 'x');  // length needs a two-byte varint
  const std::string utf8 = "Médecine générale — 医学";
  auto keys = DecodePageToken("posts", EncodePageToken("posts", {binary, long_key, utf8}), 3);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, ElementsAre(binary, long_key, utf8));
}

TEST(PageTokenTest, TokenIsUrlSafeText) {
  const std::string token =
      EncodePageToken("spaces", {std::string("\xff\xfe\xfd\xfc", 4), "?&=/+"});
  EXPECT_THAT(token, ::testing::MatchesRegex("[A-Za-z0-9_-]+=*"));
}

TEST(PageTokenTest, TokenOfAnotherKindIsRejected) {
  const std::string token = EncodePageToken("spaces", {"a", "b"});
  ExpectRejected(DecodePageToken("posts", token, 2), "other kind");
  ExpectRejected(DecodePageToken("space", token, 2), "prefix of kind");
  ExpectRejected(DecodePageToken("spacesx", token, 2), "kind extended");
}

TEST(PageTokenTest, WrongNumberOfKeysIsRejected) {
  ExpectRejected(DecodePageToken("spaces", EncodePageToken("spaces", {"a", "b", "c"}), 2),
                 "extra key");
  ExpectRejected(DecodePageToken("spaces", EncodePageToken("spaces", {"a"}), 2), "missing key");
}

TEST(PageTokenTest, EveryTruncationIsRejected) {
  const std::string token = EncodePageToken("spaces", {"Cardiologie", "1234"});
  for (size_t n = 0; n < token.size(); ++n) {
    ExpectRejected(DecodePageToken("spaces", token.substr(0, n), 2),
                   "truncated to " + std::to_string(n));
  }
}

TEST(PageTokenTest, ExtraBytesAreRejected) {
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(EncodePageToken("spaces", {"a", "b"}), &raw));
  ExpectRejected(DecodePageToken("spaces", absl::WebSafeBase64Escape(raw + "x"), 2), "extra byte");
  ExpectRejected(
      DecodePageToken("spaces", absl::WebSafeBase64Escape(raw + std::string(1, '\0')), 2),
      "extra NUL");
}

TEST(PageTokenTest, GarbageIsRejected) {
  for (const std::string& garbage :
       {std::string("not a token"), std::string("!!!!"), std::string("AAAA"), std::string("%00"),
        std::string("\xff\xfe", 2), absl::WebSafeBase64Escape("hello world"),
        absl::WebSafeBase64Escape(std::string("\x02\x06spaces\x01"
                                              "a\x01"
                                              "b",
                                              13)),  // version 2
        // A length varint that claims gigabytes, and one that never ends.
        absl::WebSafeBase64Escape(std::string("\x01\xff\xff\xff\x7f", 5)),
        absl::WebSafeBase64Escape(std::string("\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11)),
        absl::WebSafeBase64Escape(std::string("\x01\x06spaces\xff\xff\xff\xff\xff\x01", 13))}) {
    ExpectRejected(DecodePageToken("spaces", garbage, 2), "garbage: " + garbage);
  }
}

TEST(PageTokenTest, OverlongTokenIsRejectedBeforeDecoding) {
  // A well-formed token, but longer than the limit.
  const std::string token = EncodePageToken("spaces", {std::string(900, 'a'), "b"});
  ASSERT_GT(token.size(), kMaxPageTokenLength);
  ExpectRejected(DecodePageToken("spaces", token, 2), "overlong");
  ExpectRejected(DecodePageToken("spaces", std::string(kMaxPageTokenLength + 1, 'A'), 2),
                 "overlong garbage");
}

TEST(PageTokenTest, TokenAtTheLengthLimitIsAccepted) {
  // Find a key length whose token is as long as allowed, or just under.
  std::string token;
  std::string key;
  for (size_t n = 0;; ++n) {
    std::string candidate = EncodePageToken("spaces", {std::string(n, 'a'), "b"});
    if (candidate.size() > kMaxPageTokenLength) break;
    token = std::move(candidate);
    key = std::string(n, 'a');
  }
  ASSERT_GE(token.size(), kMaxPageTokenLength - 4);
  auto keys = DecodePageToken("spaces", token, 2);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, ElementsAre(key, "b"));
}

}  // namespace
}  // namespace meltingdoc
