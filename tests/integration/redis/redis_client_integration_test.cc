// RedisClient against real redis-server processes: the shared test Redis for round trips, and
// a private one (LocalRedis) that the tests kill and restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "libs/redis/redis_client.h"
#include "tests/support/local_redis.h"
#include "tests/support/test_env.h"

namespace meltingdoc::redis {
namespace {

using ::meltingdoc::testing::FreeTcpPort;
using ::meltingdoc::testing::LocalRedis;
using ::meltingdoc::testing::SharedRedisPort;
using ::testing::HasSubstr;

RedisOptions OptionsForPort(int port) {
  RedisOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  return o;
}

// A key no other test (or concurrent run) uses.
std::string TestKey(const std::string& what) { return absl::StrCat("test:redis:", what, ":", NewUuid()); }

class SharedRedisTest : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }
};

TEST_F(SharedRedisTest, SetGetIsBinarySafe) {
  RedisClient client(OptionsForPort(SharedRedisPort()));
  const std::string key = TestKey("bin");
  const std::string value("a\0b\r\n\xff\0end", 11);
  ASSERT_EQ(value.size(), 11u);

  auto set = client.Command({"SET", key, value, "EX", "60"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  EXPECT_EQ(set->str, "OK");

  auto get = client.Command({"GET", key});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->type, RedisReply::Type::kString);
  EXPECT_EQ(get->str, value);

  auto missing = client.Command({"GET", TestKey("missing")});
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->type, RedisReply::Type::kNil);

  auto del = client.Command({"DEL", key});
  ASSERT_TRUE(del.ok()) << del.status();
  EXPECT_EQ(del->type, RedisReply::Type::kInteger);
  EXPECT_EQ(del->integer, 1);
}

TEST_F(SharedRedisTest, StreamRepliesAreNestedArrays) {
  RedisClient client(OptionsForPort(SharedRedisPort()));
  const std::string stream = TestKey("stream");
  const std::string payload("\x08\x01\x12\x00zz", 6);
  auto id1 = client.Command({"XADD", stream, "*", "event", payload});
  ASSERT_TRUE(id1.ok()) << id1.status();
  ASSERT_EQ(id1->type, RedisReply::Type::kString);
  auto id2 = client.Command({"XADD", stream, "*", "event", "second"});
  ASSERT_TRUE(id2.ok()) << id2.status();

  auto range = client.Command({"XRANGE", stream, "-", "+"});
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ(range->type, RedisReply::Type::kArray);
  ASSERT_EQ(range->elements.size(), 2u);
  // Each entry: [id, [field, value, ...]].
  const RedisReply& first = range->elements[0];
  ASSERT_EQ(first.type, RedisReply::Type::kArray);
  ASSERT_EQ(first.elements.size(), 2u);
  EXPECT_EQ(first.elements[0].str, id1->str);
  ASSERT_EQ(first.elements[1].type, RedisReply::Type::kArray);
  ASSERT_EQ(first.elements[1].elements.size(), 2u);
  EXPECT_EQ(first.elements[1].elements[0].str, "event");
  EXPECT_EQ(first.elements[1].elements[1].str, payload);
  EXPECT_EQ(range->elements[1].elements[0].str, id2->str);
  EXPECT_EQ(range->elements[1].elements[1].elements[1].str, "second");

  ASSERT_TRUE(client.Command({"DEL", stream}).ok());
}

TEST_F(SharedRedisTest, ErrorReplyIsInternalAndConnectionStaysUsable) {
  RedisClient client(OptionsForPort(SharedRedisPort()));
  const std::string key = TestKey("wrongtype");
  ASSERT_TRUE(client.Command({"SET", key, "x", "EX", "60"}).ok());

  auto wrong = client.Command({"LPUSH", key, "y"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(wrong.status().message(), HasSubstr("redis: WRONGTYPE"));

  auto unknown = client.Command({"NOSUCHCOMMAND"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInternal);

  // An error reply is not an I/O error: the next command runs at once on the same connection.
  auto ping = client.Command({"PING"});
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->str, "PONG");
  ASSERT_TRUE(client.Command({"DEL", key}).ok());
}

TEST_F(SharedRedisTest, EmptyCommandIsInvalidArgument) {
  RedisClient client(OptionsForPort(SharedRedisPort()));
  auto r = client.Command({});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SharedRedisTest, CommandWithTimeoutAllowsLongBlockingReads) {
  RedisOptions options = OptionsForPort(SharedRedisPort());
  options.command_timeout = absl::Milliseconds(200);
  RedisClient client(options);
  const std::string list = TestKey("blpop");

  // BLPOP for 0.6 s outlives the 200 ms default, but not the per-call timeout.
  const absl::Time start = absl::Now();
  auto r = client.CommandWithTimeout({"BLPOP", list, "0.6"}, absl::Seconds(2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->type, RedisReply::Type::kNil);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(500));

  // The default timeout is restored afterwards: the same read now times out.
  auto timed_out = client.Command({"BLPOP", list, "0.6"});
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(timed_out.status().message(), HasSubstr("timed out"));
}

TEST_F(SharedRedisTest, ConcurrentCallersShareOneClient) {
  RedisClient client(OptionsForPort(SharedRedisPort()));
  const std::string key = TestKey("counter");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto r = client.Command({"INCR", key});
        EXPECT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  auto total = client.Command({"GET", key});
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->str, "800");
  ASSERT_TRUE(client.Command({"DEL", key}).ok());
}

TEST(RedisOutageTest, NothingListeningIsUnavailableFast) {
  RedisClient client(OptionsForPort(FreeTcpPort()));
  const absl::Time start = absl::Now();
  auto r = client.Command({"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("redis"));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));

  // Within the reconnect interval the client does not even try the network.
  auto again = client.Command({"PING"});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(again.status().message(), HasSubstr("next reconnect attempt"));
}

TEST(RedisOutageTest, UnroutableHostCostsAtMostTheConnectTimeout) {
  RedisOptions options;
  options.host = "10.255.255.1";  // a blackhole on most networks: connect() never completes
  options.port = 6379;
  options.connect_timeout = absl::Milliseconds(200);
  RedisClient client(options);
  const absl::Time start = absl::Now();
  auto r = client.Command({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(RedisOutageTest, KilledRedisIsUnavailableThenRecoversAfterRestart) {
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisOptions options = OptionsForPort((*redis)->port());
  options.reconnect_interval = absl::Milliseconds(300);
  RedisClient client(options);

  ASSERT_TRUE(client.Command({"SET", "k", "v"}).ok());

  (*redis)->Kill();
  absl::Time start = absl::Now();
  // A large write to a connection the dead server's kernel resets: the second write(2) would
  // raise SIGPIPE and kill the test process if the client did not guard against it.
  auto during = client.Command({"SET", "k", std::string(8 << 20, 'x')});
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable) << during.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));

  // Repeated calls during the outage stay fast and never crash (no SIGPIPE, no hang).
  for (int i = 0; i < 20; ++i) {
    start = absl::Now();
    auto r = client.Command({"SET", "k", std::string(100000, 'x')});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    absl::SleepFor(absl::Milliseconds(30));
  }

  ASSERT_TRUE((*redis)->Start().ok());
  const absl::Time restarted = absl::Now();
  absl::StatusOr<RedisReply> after = absl::UnavailableError("not tried");
  while (absl::Now() - restarted < options.reconnect_interval + absl::Seconds(1)) {
    after = client.Command({"PING"});
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(after.ok()) << "no recovery after restart: " << after.status();
  EXPECT_EQ(after->str, "PONG");
  EXPECT_LE(absl::Now() - restarted, options.reconnect_interval + absl::Milliseconds(500));
}

TEST(RedisOutageTest, StaleConnectionAfterRestartFailsOnceThenRecovers) {
  // Redis restarted between two commands: the old connection is dead. The next command
  // fails (it is never silently retried: it may have been executed), and a command after the
  // reconnect interval runs on a fresh connection.
  auto redis = LocalRedis::Create();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisOptions options = OptionsForPort((*redis)->port());
  options.reconnect_interval = absl::Milliseconds(200);
  RedisClient client(options);
  ASSERT_TRUE(client.Command({"PING"}).ok());
  (*redis)->Kill();
  ASSERT_TRUE((*redis)->Start().ok());

  auto first = client.Command({"PING"});
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  absl::SleepFor(options.reconnect_interval + absl::Milliseconds(50));
  auto second = client.Command({"PING"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->str, "PONG");
}

}  // namespace
}  // namespace meltingdoc::redis
