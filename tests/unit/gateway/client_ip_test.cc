#include "gateway/client_ip.h"

#include <gtest/gtest.h>

namespace meltingdoc::gateway {
namespace {

std::vector<IpNetwork> Trusted(const std::vector<std::string>& entries) {
  auto t = ParseTrustedProxies(entries);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : std::vector<IpNetwork>{};
}

TEST(ClientIpTest, WithoutTrustedProxiesForwardedForIsIgnored) {
  EXPECT_EQ(ClientIp("203.0.113.9", "1.2.3.4", {}), "203.0.113.9");
  EXPECT_EQ(ClientIp("203.0.113.9", "", {}), "203.0.113.9");
}

TEST(ClientIpTest, AnUntrustedPeerCannotChooseItsAddress) {
  const auto trusted = Trusted({"10.0.0.0/8"});
  EXPECT_EQ(ClientIp("203.0.113.9", "1.2.3.4", trusted), "203.0.113.9");
}

TEST(ClientIpTest, TrustedProxyGivesTheAddressItSaw) {
  const auto trusted = Trusted({"10.0.0.0/8"});
  EXPECT_EQ(ClientIp("10.1.2.3", "198.51.100.7", trusted), "198.51.100.7");
  // Whatever the client wrote left of that is not believed.
  EXPECT_EQ(ClientIp("10.1.2.3", "1.2.3.4, 198.51.100.7", trusted), "198.51.100.7");
  // A chain of trusted proxies is walked from the right.
  EXPECT_EQ(ClientIp("10.1.2.3", "1.2.3.4, 198.51.100.7, 10.9.9.9", trusted), "198.51.100.7");
  // Only trusted proxies: the leftmost one is the best we know.
  EXPECT_EQ(ClientIp("10.1.2.3", "10.0.0.5, 10.9.9.9", trusted), "10.0.0.5");
  // Garbage stops the walk at the last address a trusted proxy vouched for.
  EXPECT_EQ(ClientIp("10.1.2.3", "1.2.3.4, not-an-ip, 10.9.9.9", trusted), "10.9.9.9");
}

TEST(ClientIpTest, Ipv6AndHostsAndPorts) {
  const auto trusted = Trusted({"fd00::/8", "192.0.2.1"});
  EXPECT_EQ(ClientIp("fd12::1", "2001:db8::5", trusted), "2001:db8::5");
  EXPECT_EQ(ClientIp("fd12::1", "[2001:db8::6]", trusted), "2001:db8::6");
  EXPECT_EQ(ClientIp("192.0.2.1", "198.51.100.7:4711", trusted), "198.51.100.7");
  EXPECT_EQ(ClientIp("192.0.2.2", "198.51.100.7", trusted), "192.0.2.2");  // a /32, not its neighbour
  EXPECT_EQ(ClientIp("::ffff:192.0.2.1", "198.51.100.8", trusted), "198.51.100.8");  // v4-mapped peer
}

TEST(ClientIpTest, BadTrustedProxyEntriesAreRefusedByName) {
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "example.org", "10.0.0.0/x", "300.1.1.1"}) {
    auto t = ParseTrustedProxies({bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status();
  }
}

}  // namespace
}  // namespace meltingdoc::gateway
