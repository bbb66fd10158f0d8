// HttpServer: an answer given late, from another thread (a gRPC completion), reaches its own
// connection and only it, and the idle timeout still closes that connection once it is idle.
// (Found in review: the idle timer of the read armed ahead closed the socket while the answer
// was pending; its descriptor number went to the next accepted connection, and the late
// answer, sent by descriptor, was lost, or could reach that other client.)
#include "gateway/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace meltingdoc::gateway {
namespace {

// Keeps each request's `respond` for the test to call later, from its own thread.
class HeldHandler : public HttpHandler {
 public:
  void Handle(HttpRequest request, Respond respond) override {
    absl::MutexLock lock(&mu_);
    held_.emplace_back(request.path, std::move(respond));
  }
  HttpResponse EarlyError(int status, absl::string_view) override {
    HttpResponse r;
    r.status = status;
    return r;
  }
  // Waits (5 s at most) until a request for `path` arrived; its respond.
  Respond Await(const std::string& path) {
    absl::MutexLock lock(&mu_);
    auto held = [&]() -> Respond* {
      for (auto& [p, r] : held_) {
        if (p == path && r) return &r;
      }
      return nullptr;
    };
    auto arrived = [&] { return held() != nullptr; };  // a Condition has no side effect
    if (!mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Seconds(5))) return nullptr;
    return std::move(*held());
  }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<std::string, Respond>> held_ ABSL_GUARDED_BY(mu_);
};

int Connected(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

// What arrives on `fd` within `wait` (or until it holds `enough`); *closed: the peer closed
// (EOF or reset) in that time.
std::string ReadFor(int fd, absl::Duration wait, bool* closed = nullptr, const std::string& enough = "") {
  std::string out;
  if (closed != nullptr) *closed = false;
  const absl::Time until = absl::Now() + wait;
  char buf[4096];
  while (absl::Now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(until - absl::Now())) + 1) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
    if (!enough.empty() && out.find(enough) != std::string::npos) break;
  }
  return out;
}

HttpResponse Body(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

TEST(HttpServerTest, ALateAnswerReachesItsOwnClientNeverTheNextConnection) {
  HeldHandler handler;
  HttpServerOptions options;
  options.io_threads = 1;
  options.idle_timeout = absl::Milliseconds(300);
  auto server = HttpServer::Start(options, &handler);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();

  const int a = Connected(port);
  ASSERT_GE(a, 0);
  ASSERT_TRUE(SendAll(a, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  Respond answer_a = handler.Await("/slow");
  ASSERT_TRUE(answer_a);
  // Well past the idle timeout while /slow's answer is pending: the connection must stay
  // (the timeout is for an idle client, not a slow backend). It used to be closed here, its
  // descriptor number then going to the next accepted connection.
  absl::SleepFor(absl::Milliseconds(900));

  const int b = Connected(port);
  ASSERT_GE(b, 0);
  ASSERT_TRUE(SendAll(b, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"));
  Respond answer_b = handler.Await("/other");
  ASSERT_TRUE(answer_b);

  answer_a(Body("answer-for-a-only"));  // from this thread, as a gRPC completion would
  const std::string got_b = ReadFor(b, absl::Milliseconds(200));
  EXPECT_EQ(got_b.find("answer-for-a-only"), std::string::npos) << "b received a's answer:\n" << got_b;
  const std::string got_a = ReadFor(a, absl::Milliseconds(200));
  EXPECT_NE(got_a.find("answer-for-a-only"), std::string::npos) << "a got:\n" << got_a;

  answer_b(Body("answer-for-b"));
  const std::string got_b2 = ReadFor(b, absl::Seconds(2), nullptr, "answer-for-b");
  EXPECT_NE(got_b2.find("answer-for-b"), std::string::npos) << got_b2;
  EXPECT_EQ(got_b2.find("answer-for-a-only"), std::string::npos) << got_b2;

  // Answered and kept alive, `a` is now idle: the idle timeout closes it.
  bool closed = false;
  EXPECT_EQ(ReadFor(a, absl::Seconds(5), &closed), "");
  EXPECT_TRUE(closed) << "an idle connection after a late answer stays open";
  ::close(a);
  ::close(b);
  (*server)->Stop();
}

// The keep-alive path the early read serves: request, answer from another thread, next
// request on the same connection, many times; then idle, closed by the timeout.
TEST(HttpServerTest, AnswersFromAnotherThreadKeepTheConnectionAndItsIdleTimeout) {
  HeldHandler handler;
  HttpServerOptions options;
  options.io_threads = 1;
  options.idle_timeout = absl::Milliseconds(300);
  auto server = HttpServer::Start(options, &handler);
  ASSERT_TRUE(server.ok()) << server.status();

  const int c = Connected((*server)->port());
  ASSERT_GE(c, 0);
  for (int i = 0; i < 20; ++i) {
    const std::string path = "/r" + std::to_string(i);
    ASSERT_TRUE(SendAll(c, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    Respond respond = handler.Await(path);
    ASSERT_TRUE(respond) << path;
    respond(Body("answer" + path + "."));
    const std::string got = ReadFor(c, absl::Seconds(2), nullptr, "answer" + path + ".");
    EXPECT_NE(got.find("answer" + path + "."), std::string::npos) << got;
  }
  // The idle timeout counts from the answer, not from the request: answered 250 ms after it
  // (idle timeout 300 ms), the connection is still open 200 ms later.
  ASSERT_TRUE(SendAll(c, "GET /last HTTP/1.1\r\nHost: x\r\n\r\n"));
  Respond respond = handler.Await("/last");
  ASSERT_TRUE(respond);
  absl::SleepFor(absl::Milliseconds(250));
  respond(Body("answer/last."));
  respond = nullptr;  // it holds the connection
  bool closed = false;
  EXPECT_NE(ReadFor(c, absl::Milliseconds(200), &closed).find("answer/last."), std::string::npos);
  EXPECT_FALSE(closed) << "closed less than the idle timeout after the answer";
  EXPECT_EQ(ReadFor(c, absl::Seconds(5), &closed), "");
  EXPECT_TRUE(closed) << "an idle connection stays open";
  ::close(c);
  const absl::Time until = absl::Now() + absl::Seconds(2);
  while ((*server)->open_connections() > 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ((*server)->open_connections(), 0u);
  (*server)->Stop();
}

}  // namespace
}  // namespace meltingdoc::gateway
