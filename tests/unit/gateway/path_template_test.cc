#include "gateway/path_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace meltingdoc::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

PathTemplate::Bindings MatchOrDie(const std::string& tmpl, const std::string& path, bool* matched) {
  auto t = PathTemplate::Parse(tmpl);
  EXPECT_TRUE(t.ok()) << t.status();
  std::vector<absl::string_view> segments;
  EXPECT_TRUE(SplitRequestPath(path, &segments));
  PathTemplate::Bindings bindings;
  *matched = t->Match(segments, &bindings);
  return bindings;
}

bool Matches(const std::string& tmpl, const std::string& path) {
  bool matched = false;
  MatchOrDie(tmpl, path, &matched);
  return matched;
}

TEST(PathTemplateTest, LiteralsAndSingleVariable) {
  bool matched = false;
  auto b = MatchOrDie("/v1/accounts/{account_id}", "/v1/accounts/8b0e-42", &matched);
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("account_id", "8b0e-42")));
  EXPECT_FALSE(Matches("/v1/accounts/{account_id}", "/v1/accounts"));
  EXPECT_FALSE(Matches("/v1/accounts/{account_id}", "/v1/accounts/"));
  EXPECT_FALSE(Matches("/v1/accounts/{account_id}", "/v1/accounts/a/b"));
  EXPECT_FALSE(Matches("/v1/accounts/{account_id}", "/v2/accounts/a"));
  EXPECT_TRUE(Matches("/v1/spaces", "/v1/spaces"));
  EXPECT_FALSE(Matches("/v1/spaces", "/v1/spaces/"));
}

TEST(PathTemplateTest, SingleSegmentValuesAreFullyDecoded) {
  bool matched = false;
  auto b = MatchOrDie("/v1/books/{name}", "/v1/books/a%2Fb%20c%C3%A9", &matched);
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("name", "a/b c\xC3\xA9")));
  EXPECT_FALSE(Matches("/v1/books/{name}", "/v1/books/bad%zz"));
  EXPECT_TRUE(Matches("/v1/b%6Foks/{name}", "/v1/books/x"));  // literals compare decoded
}

TEST(PathTemplateTest, MultiSegmentVariables) {
  bool matched = false;
  auto b = MatchOrDie("/v1/{name=shelves/*/books/*}", "/v1/shelves/s1/books/b2", &matched);
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("name", "shelves/s1/books/b2")));
  EXPECT_FALSE(Matches("/v1/{name=shelves/*/books/*}", "/v1/shelves/s1/b/b2"));

  // "**" takes the rest, keeping an encoded slash encoded so the value stays unambiguous.
  b = MatchOrDie("/v1/files/{path=**}", "/v1/files/a/b%2Fc/d", &matched);
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("path", "a/b%2Fc/d")));
  b = MatchOrDie("/v1/files/{path=**}", "/v1/files", &matched);  // zero segments
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("path", "")));
  EXPECT_TRUE(Matches("/v1/**", "/v1/x/y/z"));
  EXPECT_TRUE(Matches("/v1/*/x", "/v1/a/x"));
}

TEST(PathTemplateTest, Verbs) {
  bool matched = false;
  auto b = MatchOrDie("/v1/cases/{case_id}:close", "/v1/cases/42:close", &matched);
  ASSERT_TRUE(matched);
  EXPECT_THAT(b, ElementsAre(Pair("case_id", "42")));
  EXPECT_FALSE(Matches("/v1/cases/{case_id}:close", "/v1/cases/42"));
  EXPECT_FALSE(Matches("/v1/cases/{case_id}:close", "/v1/cases/42:open"));
  EXPECT_TRUE(Matches("/v1/cases:search", "/v1/cases:search"));
  EXPECT_FALSE(Matches("/v1/cases:search", "/v1/cases"));
}

TEST(PathTemplateTest, ParseErrorsNameTheTemplate) {
  for (const char* bad : {"v1/x", "/v1/**/x", "/v1/{a=**}/x", "/v1/{a", "/v1/{a={b}}", "/v1/{a}/{a}",
                          "/v1//x", "/v1/{1a}", "/v1/x:", "/v1/x y"}) {
    auto t = PathTemplate::Parse(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(t.status().message(), HasSubstr(bad));
  }
}

TEST(PathTemplateTest, ShapeIgnoresVariableNamesOnly) {
  auto a = PathTemplate::Parse("/v1/accounts/{account_id}");
  auto b = PathTemplate::Parse("/v1/accounts/{id}");
  auto c = PathTemplate::Parse("/v1/accounts/*");
  auto d = PathTemplate::Parse("/v1/accounts/{id}:verify");
  auto e = PathTemplate::Parse("/v1/accounts/{id=**}");
  EXPECT_EQ(a->Shape(), b->Shape());
  EXPECT_EQ(a->Shape(), c->Shape());
  EXPECT_NE(a->Shape(), d->Shape());
  EXPECT_NE(a->Shape(), e->Shape());
}

TEST(PathTemplateTest, SpecificityPrefersLiteralsThenSingleThenMulti) {
  auto literal = PathTemplate::Parse("/v1/shelves/{s}/books/latest");
  auto single = PathTemplate::Parse("/v1/shelves/{s}/books/{b}");
  auto multi = PathTemplate::Parse("/v1/shelves/{rest=**}");
  auto verb = PathTemplate::Parse("/v1/shelves/{s}/books/{b}:x");
  EXPECT_LT(literal->CompareSpecificity(*single), 0);
  EXPECT_GT(single->CompareSpecificity(*literal), 0);
  EXPECT_LT(single->CompareSpecificity(*multi), 0);
  EXPECT_LT(verb->CompareSpecificity(*single), 0);
  EXPECT_EQ(single->CompareSpecificity(*single), 0);
}

}  // namespace
}  // namespace meltingdoc::gateway
