#include "libs/server/metrics.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace meltingdoc::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of the sample line that starts with `series` + " ", or -1.
double Sample(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      double v;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &v)) return v;
    }
  }
  return -1;
}

TEST(MetricsRenderTest, EmptyRegistryDeclaresTheCallMetrics) {
  MetricsRegistry registry;
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE meltingdoc_grpc_calls_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE meltingdoc_grpc_call_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# HELP meltingdoc_grpc_calls_total "));
  EXPECT_THAT(text, Not(HasSubstr("meltingdoc_grpc_calls_total{")));
}

TEST(MetricsRenderTest, CountsCallsByMethodAndCode) {
  MetricsRegistry registry;
  registry.RecordCall("/p.S/A", "OK", absl::Milliseconds(1));
  registry.RecordCall("/p.S/A", "OK", absl::Milliseconds(1));
  registry.RecordCall("/p.S/A", "NOT_FOUND", absl::Milliseconds(1));
  registry.RecordCall("/p.S/B", "OK", absl::Milliseconds(1));
  const std::string text = registry.Render();
  EXPECT_EQ(Sample(text, R"(meltingdoc_grpc_calls_total{method="/p.S/A",code="OK"})"), 2);
  EXPECT_EQ(Sample(text, R"(meltingdoc_grpc_calls_total{method="/p.S/A",code="NOT_FOUND"})"), 1);
  EXPECT_EQ(Sample(text, R"(meltingdoc_grpc_calls_total{method="/p.S/B",code="OK"})"), 1);
}

TEST(MetricsRenderTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  const std::string m = "/p.S/A";
  registry.RecordCall(m, "OK", absl::Microseconds(500));  // <= 0.001
  registry.RecordCall(m, "OK", absl::Milliseconds(5));    // exactly on the 0.005 bound
  registry.RecordCall(m, "OK", absl::Milliseconds(30));   // <= 0.05
  registry.RecordCall(m, "OK", absl::Seconds(20));        // only +Inf
  const std::string text = registry.Render();
  auto bucket = [&](const std::string& le) {
    return Sample(
        text, absl::StrCat(R"(meltingdoc_grpc_call_duration_seconds_bucket{method="/p.S/A",le=")",
                           le, R"("})"));
  };
  EXPECT_EQ(bucket("0.001"), 1);
  EXPECT_EQ(bucket("0.0025"), 1);
  EXPECT_EQ(bucket("0.005"), 2);
  EXPECT_EQ(bucket("0.01"), 2);
  EXPECT_EQ(bucket("0.025"), 2);
  EXPECT_EQ(bucket("0.05"), 3);
  EXPECT_EQ(bucket("0.1"), 3);
  EXPECT_EQ(bucket("1"), 3);
  EXPECT_EQ(bucket("10"), 3);
  EXPECT_EQ(bucket("+Inf"), 4);
  EXPECT_EQ(Sample(text, R"(meltingdoc_grpc_call_duration_seconds_count{method="/p.S/A"})"), 4);
  EXPECT_NEAR(Sample(text, R"(meltingdoc_grpc_call_duration_seconds_sum{method="/p.S/A"})"),
              20.0355, 1e-4);

  // Buckets appear in increasing order of le, +Inf last.
  const size_t first = text.find(R"(le="0.001")");
  const size_t last_finite = text.find(R"(le="10")");
  const size_t inf = text.find(R"(le="+Inf")");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, last_finite);
  EXPECT_LT(last_finite, inf);
}

TEST(MetricsRenderTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.RecordCall("we\"ird\\name\nx", "OK", absl::Milliseconds(1));
  const std::string text = registry.Render();
  EXPECT_THAT(text,
              HasSubstr(R"(meltingdoc_grpc_calls_total{method="we\"ird\\name\nx",code="OK"} 1)"));
}

TEST(MetricsRenderTest, GaugesAreReadAtEveryRender) {
  MetricsRegistry registry;
  std::atomic<int> depth{3};
  registry.AddGauge("meltingdoc_test_queue_depth", "Things waiting.", [&] { return depth.load(); });
  registry.AddGauge("meltingdoc_test_ratio", "A fraction.", [] { return 0.25; });
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP meltingdoc_test_queue_depth Things waiting.\n"
                              "# TYPE meltingdoc_test_queue_depth gauge\n"
                              "meltingdoc_test_queue_depth 3\n"));
  EXPECT_EQ(Sample(text, "meltingdoc_test_ratio"), 0.25);
  depth = 17;
  EXPECT_EQ(Sample(registry.Render(), "meltingdoc_test_queue_depth"), 17);
}

TEST(MetricsRenderTest, ConcurrentRecordingLosesNothing) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) registry.RecordCall("/p.S/A", "OK", absl::Milliseconds(2));
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = registry.Render();
  EXPECT_EQ(Sample(text, R"(meltingdoc_grpc_calls_total{method="/p.S/A",code="OK"})"), 4000);
  EXPECT_EQ(
      Sample(text, R"(meltingdoc_grpc_call_duration_seconds_bucket{method="/p.S/A",le="+Inf"})"),
      4000);
}

// ---- HTTP ----

struct HttpReply {
  bool connected = false;
  std::string raw;
  std::string status_line() const { return raw.substr(0, raw.find("\r\n")); }
  std::string body() const {
    const size_t p = raw.find("\r\n\r\n");
    return p == std::string::npos ? "" : raw.substr(p + 4);
  }
};

HttpReply Send(int port, const std::string& request) {
  HttpReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  reply.connected = true;
  (void)!::write(fd, request.data(), request.size());
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) reply.raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return reply;
}

HttpReply Get(int port, const std::string& path) {
  return Send(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

TEST(MetricsHttpServerTest, ServesMetricsAndHealthzOnAnEphemeralPort) {
  MetricsRegistry registry;
  registry.RecordCall("/p.S/A", "OK", absl::Milliseconds(3));
  registry.AddGauge("meltingdoc_test_gauge", "g", [] { return 5.0; });
  auto server = MetricsHttpServer::Start(&registry, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);

  const HttpReply metrics = Get(port, "/metrics");
  ASSERT_TRUE(metrics.connected);
  EXPECT_EQ(metrics.status_line(), "HTTP/1.1 200 OK");
  EXPECT_THAT(metrics.raw, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(metrics.raw,
              HasSubstr(absl::StrCat("Content-Length: ", metrics.body().size(), "\r\n")));
  EXPECT_EQ(metrics.body(), registry.Render());
  EXPECT_EQ(Sample(metrics.body(), "meltingdoc_test_gauge"), 5);

  const HttpReply health = Get(port, "/healthz");
  EXPECT_EQ(health.status_line(), "HTTP/1.1 200 OK");
  EXPECT_EQ(health.body(), "ok\n");
}

TEST(MetricsHttpServerTest, OtherRequestsAreNotFound) {
  MetricsRegistry registry;
  auto server = MetricsHttpServer::Start(&registry, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok()) << server.status();
  for (const std::string& request :
       {std::string("GET / HTTP/1.1\r\n\r\n"), std::string("GET /secrets HTTP/1.1\r\n\r\n"),
        std::string("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
        std::string("garbage\r\n\r\n")}) {
    const HttpReply reply = Send((*server)->port(), request);
    EXPECT_EQ(reply.status_line(), "HTTP/1.1 404 Not Found") << request;
  }
  // The server still answers after those.
  EXPECT_EQ(Get((*server)->port(), "/healthz").body(), "ok\n");
}

TEST(MetricsHttpServerTest, ServesManySequentialAndConcurrentClients) {
  MetricsRegistry registry;
  auto server = MetricsHttpServer::Start(&registry, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (Get(port, "/healthz").body() == "ok\n") ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST(MetricsHttpServerTest, BadHostOrBusyPortIsAnError) {
  MetricsRegistry registry;
  EXPECT_EQ(MetricsHttpServer::Start(&registry, "not-an-ip", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto first = MetricsHttpServer::Start(&registry, "127.0.0.1", 0);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = MetricsHttpServer::Start(&registry, "127.0.0.1", (*first)->port());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(MetricsHttpServerTest, StopsListeningWhenDestroyed) {
  MetricsRegistry registry;
  auto server = MetricsHttpServer::Start(&registry, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_EQ(Get(port, "/healthz").body(), "ok\n");
  server->reset();
  EXPECT_FALSE(Get(port, "/healthz").connected);
}

}  // namespace
}  // namespace meltingdoc::server
