#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/redis/redis_client.h"

namespace meltingdoc::redis {
namespace {

using ::testing::HasSubstr;

TEST(ParseRedisAddressTest, HostAndPort) {
  auto o = ParseRedisAddress("127.0.0.1:6380");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 6380);
}

TEST(ParseRedisAddressTest, HostNameKeepsDefaultTimeouts) {
  auto o = ParseRedisAddress("redis.internal-1:6379");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "redis.internal-1");
  EXPECT_EQ(o->port, 6379);
  EXPECT_EQ(o->connect_timeout, RedisOptions().connect_timeout);
  EXPECT_EQ(o->command_timeout, RedisOptions().command_timeout);
  EXPECT_EQ(o->reconnect_interval, RedisOptions().reconnect_interval);
}

TEST(ParseRedisAddressTest, BracketedIpv6) {
  auto o = ParseRedisAddress("[::1]:7000");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 7000);
}

TEST(ParseRedisAddressTest, PortBounds) {
  EXPECT_TRUE(ParseRedisAddress("h:1").ok());
  EXPECT_TRUE(ParseRedisAddress("h:65535").ok());
  EXPECT_FALSE(ParseRedisAddress("h:0").ok());
  EXPECT_FALSE(ParseRedisAddress("h:65536").ok());
  EXPECT_FALSE(ParseRedisAddress("h:0000006379").ok());
  EXPECT_FALSE(ParseRedisAddress("h:99999999999999999999").ok());
}

class BadRedisAddressTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BadRedisAddressTest, IsInvalidArgumentNamingTheFlag) {
  auto o = ParseRedisAddress(GetParam());
  ASSERT_FALSE(o.ok()) << "accepted \"" << GetParam() << "\"";
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(o.status().message(), HasSubstr("redis"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadRedisAddressTest,
    ::testing::Values("", "localhost", "localhost:", ":6379", "localhost:abc", "localhost:-1",
                      "localhost:+6379", "localhost: 6379", "local host:6379", "::1:6379",
                      "[::1:6379", "[]:6379", "host/evil:6379", "h:6379:"));

}  // namespace
}  // namespace meltingdoc::redis
