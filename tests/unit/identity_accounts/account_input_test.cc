#include "services/identity/account_input.h"

#include <gtest/gtest.h>

namespace meltingdoc::identity {
namespace {

TEST(EmailTest, ShapeChecked) {
  for (const char* ok : {"claire.martin@chu-lyon.fr", "a@b.fr", "Dr.X+mdoc@hopital.paris"}) {
    EXPECT_TRUE(CheckEmail("email", ok).ok()) << ok;
  }
  for (const char* bad : {"", "ab", "no-at.fr", "two@@x.fr", "a@b@c.fr", "@x.fr", "a@nodot", "a b@x.fr",
                          "a@x.fr.", "a@.x.fr", "<a@x.fr>", "a\n@x.fr"}) {
    EXPECT_FALSE(CheckEmail("email", bad).ok()) << bad;
  }
  EXPECT_FALSE(CheckEmail("email", std::string(250, 'a') + "@x.fr").ok());
}

TEST(EmailTest, Normalized) {
  EXPECT_EQ(NormalizeEmail("  Claire.Martin@CHU-Lyon.fr "), "claire.martin@chu-lyon.fr");
}

TEST(TextTest, CodePointBoundsAndNoControls) {
  EXPECT_TRUE(CheckText("given_name", "Anne-Sophie", 1, 100).ok());
  EXPECT_TRUE(CheckText("family_name", std::string(100, 'x'), 1, 100).ok());
  EXPECT_FALSE(CheckText("family_name", std::string(101, 'x'), 1, 100).ok());
  EXPECT_FALSE(CheckText("given_name", "   ", 1, 100).ok());
  EXPECT_FALSE(CheckText("given_name", "a\tb", 1, 100).ok());
  EXPECT_FALSE(CheckText("given_name", "\xFF", 1, 100).ok());
  EXPECT_TRUE(CheckText("civility", "", 0, 16).ok());
}

TEST(ClientIpTest, ForwardedForWhenTrustedElsePeer) {
  EXPECT_EQ(ClientIp("203.0.113.7, 10.0.0.1", "ipv4:127.0.0.1:5555", true), "203.0.113.7");
  EXPECT_EQ(ClientIp("203.0.113.7", "ipv4:127.0.0.1:5555", false), "127.0.0.1");
  EXPECT_EQ(ClientIp("", "ipv6:[::1]:5555", true), "::1");
  EXPECT_EQ(ClientIp("not an ip<script>", "ipv4:10.1.2.3:1", true), "10.1.2.3");
  EXPECT_EQ(ClientIp("2001:db8::1", "ipv4:10.1.2.3:1", true), "2001:db8::1");
}

TEST(UserAgentTest, TruncatedAndCleaned) {
  EXPECT_EQ(CleanUserAgent("Mozilla/5.0\r\n(X11)"), "Mozilla/5.0(X11)");
  EXPECT_EQ(CleanUserAgent(std::string(500, 'a')).size(), 200u);
  EXPECT_EQ(CleanUserAgent("é\xFF" "a"), "éa");
}

}  // namespace
}  // namespace meltingdoc::identity
