#include "gateway/web_session.h"

#include <gtest/gtest.h>

namespace meltingdoc::gateway {
namespace {

TEST(WebSessionTest, FindsCookiesAcrossHeaders) {
  std::vector<absl::string_view> headers = {"a=1; __Host-md_at=tok.en.sig", "__Host-md_csrf=\"xyz\""};
  EXPECT_EQ(FindCookie(headers, kAccessCookie).value_or("?"), "tok.en.sig");
  EXPECT_EQ(FindCookie(headers, kCsrfCookie).value_or("?"), "xyz");
  EXPECT_FALSE(FindCookie(headers, kRefreshCookie).has_value());
  // A name is matched whole, not as a suffix or prefix.
  EXPECT_FALSE(FindCookie({"x__Host-md_rt=1; __Host-md_rtx=2"}, kRefreshCookie).has_value());
}

TEST(WebSessionTest, CookieAttributes) {
  EXPECT_EQ(SetCookie(kAccessCookie, "abc", absl::Seconds(899), true),
            "__Host-md_at=abc; Max-Age=899; Path=/; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SetCookie(kCsrfCookie, "c", absl::Hours(1), false),
            "__Host-md_csrf=c; Max-Age=3600; Path=/; Secure; SameSite=Strict");
  EXPECT_EQ(ClearCookie(kRefreshCookie, true), "__Host-md_rt=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SetCookie(kAccessCookie, "x", absl::Seconds(-5), true).find("Max-Age=0;") != std::string::npos, true);
}

TEST(WebSessionTest, OriginMustBeTheGatewaysOwn) {
  EXPECT_TRUE(OriginAllowed("https://meltingdoc.fr", "meltingdoc.fr", {}));
  EXPECT_TRUE(OriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", {}));
  EXPECT_FALSE(OriginAllowed("https://evil.example", "meltingdoc.fr", {}));
  EXPECT_FALSE(OriginAllowed("https://meltingdoc.fr.evil.example", "meltingdoc.fr", {}));
  EXPECT_FALSE(OriginAllowed("null", "meltingdoc.fr", {}));
  EXPECT_FALSE(OriginAllowed(std::nullopt, "meltingdoc.fr", {}));
  EXPECT_FALSE(OriginAllowed("https://meltingdoc.fr", std::nullopt, {}));
  EXPECT_FALSE(OriginAllowed("ftp://meltingdoc.fr", "meltingdoc.fr", {}));
  // With a configured list, only the list counts (the Host header can be anything).
  const std::vector<std::string> allowed = {"https://meltingdoc.fr"};
  EXPECT_TRUE(OriginAllowed("https://meltingdoc.fr", "internal:8080", allowed));
  EXPECT_FALSE(OriginAllowed("http://internal:8080", "internal:8080", allowed));
}

TEST(WebSessionTest, CsrfTokenDoubleSubmit) {
  const std::string a = NewCsrfToken(), b = NewCsrfToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(CsrfTokenMatches(a, absl::string_view(a)));
  EXPECT_FALSE(CsrfTokenMatches(a, absl::string_view(b)));
  EXPECT_FALSE(CsrfTokenMatches(std::nullopt, absl::string_view(a)));
  EXPECT_FALSE(CsrfTokenMatches(a, std::nullopt));
  EXPECT_FALSE(CsrfTokenMatches(std::string("short"), absl::string_view("short")));
}

}  // namespace
}  // namespace meltingdoc::gateway
