// ServiceServer in-process over real channels: health follows the readiness probes, Watch,
// drain, reflection, call metrics and request ids, and RunUnary (through a test
// implementation of IdentityService, since RunUnary needs a generated unary method).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "libs/server/field_errors.h"
#include "libs/server/server.h"
#include "libs/server/unary_call.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "tests/support/grpc_details.h"

namespace meltingdoc::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
namespace idv1 = ::meltingdoc::identity::v1;
using ::meltingdoc::testing::ErrorInfoReason;
using ::meltingdoc::testing::RetryInfoSeconds;

constexpr char kHealthName[] = "meltingdoc.test.v1.Thing";
constexpr absl::Duration kProbeInterval = absl::Milliseconds(50);

template <typename Cond>
bool Eventually(Cond cond, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!cond()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

ServerConfig TestConfig() {
  ServerConfig c;
  c.name = "test";
  c.health_name = kHealthName;
  c.grpc_port = 0;
  c.metrics_port = -1;
  c.executor_threads = 2;
  c.executor_queue = 16;
  c.drain_deadline = absl::Seconds(5);
  c.probe_interval = kProbeInterval;
  return c;
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

void SetDeadline(grpc::ClientContext& ctx, absl::Duration d) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + d));
}

// Health/Check: the status, or the gRPC error code as a negative number.
int Check(Health::Stub& stub, const std::string& service) {
  grpc::ClientContext ctx;
  SetDeadline(ctx, absl::Seconds(5));
  HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  const grpc::Status s = stub.Check(&ctx, req, &resp);
  return s.ok() ? static_cast<int>(resp.status()) : -static_cast<int>(s.error_code());
}

bool PortAcceptsConnections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.1\r\n\r\n";
    (void)!::write(fd, request.data(), request.size());
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class HealthTest : public ::testing::Test {
 protected:
  void StartServer(ServerConfig config = TestConfig()) {
    server_ = std::make_unique<ServiceServer>(std::move(config));
    server_->AddReadinessProbe("test dependency", [this] {
      return ready_.load() ? absl::OkStatus() : absl::UnavailableError("dependency down");
    });
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->grpc_port(), 0);
    stub_ = Health::NewStub(ChannelTo(server_->grpc_port()));
  }
  void TearDown() override {
    if (server_ != nullptr) {
      server_->RequestShutdown();
      server_->WaitForShutdown();
    }
  }

  // Waits at most ~3 probe intervals (plus slack for a loaded machine) for `service` to report `want`.
  bool ReportsWithinThreeIntervals(const std::string& service, int want) {
    return Eventually([&] { return Check(*stub_, service) == want; },
                      3 * kProbeInterval + absl::Milliseconds(450));
  }

  std::atomic<bool> ready_{false};
  std::unique_ptr<ServiceServer> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(HealthTest, CheckFollowsTheReadinessProbe) {
  StartServer();
  // The probe fails at start: not serving, for the named service and for the whole server.
  EXPECT_EQ(Check(*stub_, kHealthName), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(*stub_, ""), HealthCheckResponse::NOT_SERVING);

  ready_ = true;
  EXPECT_TRUE(ReportsWithinThreeIntervals(kHealthName, HealthCheckResponse::SERVING));
  EXPECT_EQ(Check(*stub_, ""), HealthCheckResponse::SERVING);

  ready_ = false;
  EXPECT_TRUE(ReportsWithinThreeIntervals(kHealthName, HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(Check(*stub_, ""), HealthCheckResponse::NOT_SERVING);

  ready_ = true;
  EXPECT_TRUE(ReportsWithinThreeIntervals("", HealthCheckResponse::SERVING));
}

TEST_F(HealthTest, ServingAtOnceWhenTheProbePassesAtStart) {
  ready_ = true;
  StartServer();
  EXPECT_EQ(Check(*stub_, kHealthName), HealthCheckResponse::SERVING);
}

TEST_F(HealthTest, UnknownServiceIsNotFound) {
  ready_ = true;
  StartServer();
  EXPECT_EQ(Check(*stub_, "no.such.Service"), -static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST_F(HealthTest, WatchStreamsChangesAndEndsOnDrain) {
  ready_ = true;
  StartServer();
  const int port = server_->grpc_port();
  grpc::ClientContext ctx;
  SetDeadline(ctx, absl::Seconds(20));
  HealthCheckRequest req;
  req.set_service(kHealthName);
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch = stub_->Watch(&ctx, req);
  HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING) << "the current status first";

  ready_ = false;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::NOT_SERVING);
  ready_ = true;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);

  // Drain: the watcher hears NOT_SERVING, then the stream ends by itself (well before the
  // drain deadline would cancel it).
  const absl::Time start = absl::Now();
  std::thread drain([this] {
    server_->RequestShutdown();
    server_->WaitForShutdown();
  });
  std::vector<HealthCheckResponse::ServingStatus> after;
  while (watch->Read(&resp)) after.push_back(resp.status());
  const grpc::Status end = watch->Finish();
  drain.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "the drain waited for the Watch stream";
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back(), HealthCheckResponse::NOT_SERVING);
  EXPECT_TRUE(end.ok()) << end.error_code() << " " << end.error_message();
  EXPECT_FALSE(PortAcceptsConnections(port)) << "the listener must be closed after the drain";
  server_.reset();
}

TEST_F(HealthTest, WatchOfUnknownServiceSaysServiceUnknownAndKeepsWatching) {
  ready_ = true;
  StartServer();
  grpc::ClientContext ctx;
  SetDeadline(ctx, absl::Seconds(10));
  HealthCheckRequest req;
  req.set_service("not.yet.Registered");
  auto watch = stub_->Watch(&ctx, req);
  HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVICE_UNKNOWN);
  server_->health().SetStatus("not.yet.Registered", HealthCheckResponse::SERVING);
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  ctx.TryCancel();
  while (watch->Read(&resp)) {
  }
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(HealthTest, ChecksAreRefusedAfterTheDrain) {
  ready_ = true;
  StartServer();
  const int port = server_->grpc_port();
  ASSERT_EQ(Check(*stub_, kHealthName), HealthCheckResponse::SERVING);
  server_->RequestShutdown();
  EXPECT_EQ(server_->WaitForShutdown(), 0);
  EXPECT_EQ(server_->health().GetStatus(kHealthName), HealthCheckResponse::NOT_SERVING);
  auto fresh = Health::NewStub(ChannelTo(port));
  EXPECT_EQ(Check(*fresh, kHealthName), -static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  EXPECT_FALSE(PortAcceptsConnections(port));
  server_.reset();
}

TEST_F(HealthTest, ReflectionListsTheHealthService) {
  ready_ = true;
  StartServer();
  auto channel = ChannelTo(server_->grpc_port());
  grpc::ClientContext ctx;
  SetDeadline(ctx, absl::Seconds(5));
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &ctx));
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  grpc::Slice request_slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&request_slice, 1);
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  grpc::ByteBuffer response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  while (stream->Read(&response)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(HealthTest, MetricsServerCountsCallsAndReportsServing) {
  ready_ = true;
  ServerConfig config = TestConfig();
  config.metrics_port = 0;
  StartServer(config);
  const int metrics_port = server_->metrics_port();
  ASSERT_GT(metrics_port, 0);
  ASSERT_EQ(Check(*stub_, kHealthName), HealthCheckResponse::SERVING);
  ASSERT_EQ(Check(*stub_, "nope"), -static_cast<int>(grpc::StatusCode::NOT_FOUND));
  std::string text;
  EXPECT_TRUE(Eventually([&] {
    text = HttpGet(metrics_port, "/metrics");
    return text.find(R"(code="NOT_FOUND")") != std::string::npos;
  })) << text;
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(meltingdoc_grpc_calls_total{method="/grpc.health.v1.Health/Check",code="OK"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(meltingdoc_grpc_calls_total{method="/grpc.health.v1.Health/Check",code="NOT_FOUND"} 1)"));
  EXPECT_THAT(text, HasSubstr("\nmeltingdoc_serving 1\n"));
  EXPECT_THAT(text, HasSubstr("\nmeltingdoc_executor_queued 0\n"));
  EXPECT_THAT(HttpGet(metrics_port, "/healthz"), HasSubstr("\r\n\r\nok\n"));
}

// ---- RunUnary, through a test implementation of a generated unary method ----

class TestIdentityService : public idv1::IdentityService::CallbackService {
 public:
  explicit TestIdentityService(BoundedExecutor* executor) : executor_(executor) {}
  std::function<absl::Status(const idv1::GetAccountRequest&, idv1::GetAccountResponse&)> body;
  std::atomic<int> bodies_run{0};
  // Login runs these with RunUnarySteps.
  std::function<std::vector<UnaryStep>(idv1::LoginResponse*)> steps;

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context, const idv1::LoginRequest*,
                                  idv1::LoginResponse* response) override {
    return RunUnarySteps(context, steps(response));
  }

  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const idv1::GetAccountRequest* request,
                                       idv1::GetAccountResponse* response) override {
    auto run = [this, request, response] {
      ++bodies_run;
      return body(*request, *response);
    };
    if (within_deadline) return RunUnaryWithinDeadline(context, *executor_, run);
    return RunUnary(context, *executor_, run);
  }
  bool within_deadline = false;  // GetAccount with RunUnaryWithinDeadline

 private:
  BoundedExecutor* executor_;
};

class RunUnaryTest : public ::testing::Test {
 protected:
  void StartServer(int threads, size_t queue) {
    ServerConfig config = TestConfig();
    config.executor_threads = threads;
    config.executor_queue = queue;
    server_ = std::make_unique<ServiceServer>(config);
    service_ = std::make_unique<TestIdentityService>(&server_->executor());
    server_->RegisterService(service_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = idv1::IdentityService::NewStub(ChannelTo(server_->grpc_port()));
  }
  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }
  void TearDown() override {
    Release();
    if (server_ != nullptr) {
      server_->RequestShutdown();
      server_->WaitForShutdown();
    }
  }

  grpc::Status Call(const std::string& id, idv1::GetAccountResponse* response = nullptr,
                    absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext ctx;
    SetDeadline(ctx, deadline);
    idv1::GetAccountRequest req;
    req.set_account_id(id);
    idv1::GetAccountResponse ignored;
    return stub_->GetAccount(&ctx, req, response ? response : &ignored);
  }

  absl::Notification release_;
  std::unique_ptr<ServiceServer> server_;
  std::unique_ptr<TestIdentityService> service_;
  std::unique_ptr<idv1::IdentityService::Stub> stub_;
};

TEST_F(RunUnaryTest, OkBodyAnswersTheResponse) {
  StartServer(2, 16);
  service_->body = [](const idv1::GetAccountRequest& req, idv1::GetAccountResponse& resp) {
    resp.mutable_account()->set_account_id(req.account_id());
    resp.mutable_account()->set_given_name("Ada");
    return absl::OkStatus();
  };
  idv1::GetAccountResponse resp;
  const grpc::Status s = Call("abc", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.account().account_id(), "abc");
  EXPECT_EQ(resp.account().given_name(), "Ada");
}

TEST_F(RunUnaryTest, ErrorBodyAnswersCodeMessageAndBadRequest) {
  StartServer(2, 16);
  service_->body = [](const idv1::GetAccountRequest&, idv1::GetAccountResponse&) {
    return InvalidField("account_id", "must be a UUID");
  };
  const grpc::Status s = Call("x");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "account_id: must be a UUID");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(s.error_details()));
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(rich.details(0).UnpackTo(&br));
  EXPECT_EQ(br.field_violations(0).field(), "account_id");
}

TEST_F(RunUnaryTest, EscapedExceptionIsInternalAndTheServerLives) {
  StartServer(1, 16);
  service_->body = [](const idv1::GetAccountRequest& req,
                      idv1::GetAccountResponse&) -> absl::Status {
    if (req.account_id() == "throw") throw std::runtime_error("secret detail from libpqxx");
    return absl::OkStatus();
  };
  const grpc::Status s = Call("throw");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("secret")));
  EXPECT_TRUE(Call("fine").ok());
}

TEST_F(RunUnaryTest, FullQueueIsResourceExhaustedAtOnce) {
  StartServer(1, 1);
  service_->body = [this](const idv1::GetAccountRequest& req, idv1::GetAccountResponse&) {
    if (req.account_id() == "block") release_.WaitForNotification();
    return absl::OkStatus();
  };
  grpc::Status first, second;
  std::thread t1([&] { first = Call("block"); });
  ASSERT_TRUE(Eventually([&] { return server_->executor().busy() == 1; }));
  std::thread t2([&] { second = Call("queued"); });
  ASSERT_TRUE(Eventually([&] { return server_->executor().queued() == 1; }));

  const absl::Time start = absl::Now();
  const grpc::Status third = Call("refused");
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "refused at once, not after a wait";

  Release();
  t1.join();
  t2.join();
  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(second.ok()) << "a queued call is answered once a worker is free";
  EXPECT_EQ(service_->bodies_run.load(), 2);
}

TEST_F(RunUnaryTest, BodyIsSkippedWhenTheDeadlinePassedWhileQueued) {
  StartServer(1, 4);
  std::atomic<int> expired_bodies{0};
  service_->body = [&](const idv1::GetAccountRequest& req, idv1::GetAccountResponse&) {
    if (req.account_id() == "block") release_.WaitForNotification();
    if (req.account_id() == "expired") ++expired_bodies;
    return absl::OkStatus();
  };
  std::thread t1([&] { Call("block"); });
  ASSERT_TRUE(Eventually([&] { return server_->executor().busy() == 1; }));
  const grpc::Status s = Call("expired", nullptr, absl::Milliseconds(200));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's deadline is the client's plus the transit time (the timeout travels as a
  // duration), so wait until it has surely passed on the server too.
  absl::SleepFor(absl::Milliseconds(300));
  Release();
  t1.join();
  ASSERT_TRUE(Eventually(
      [&] { return server_->executor().queued() == 0 && server_->executor().busy() == 0; }));
  EXPECT_EQ(expired_bodies.load(), 0) << "work for a caller who left must not run";
}

TEST_F(RunUnaryTest, RequestIdIsEchoedOrGenerated) {
  StartServer(2, 16);
  service_->body = [](const idv1::GetAccountRequest&, idv1::GetAccountResponse&) {
    return absl::OkStatus();
  };
  auto request_id_of = [&](const char* sent) {
    grpc::ClientContext ctx;
    SetDeadline(ctx, absl::Seconds(5));
    if (sent != nullptr) ctx.AddMetadata("x-request-id", sent);
    idv1::GetAccountRequest req;
    idv1::GetAccountResponse resp;
    EXPECT_TRUE(stub_->GetAccount(&ctx, req, &resp).ok());
    const auto& md = ctx.GetServerInitialMetadata();
    auto it = md.find("x-request-id");
    return it == md.end() ? std::string("<none>")
                          : std::string(it->second.data(), it->second.size());
  };
  EXPECT_EQ(request_id_of("bug-report-42"), "bug-report-42");
  const std::string uuid_re = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  EXPECT_THAT(request_id_of(nullptr), MatchesRegex(uuid_re));
  // An id unsafe for logs is replaced.
  EXPECT_THAT(request_id_of("evil id\" with quotes"), MatchesRegex(uuid_re));
  EXPECT_THAT(request_id_of(std::string(65, 'a').c_str()), MatchesRegex(uuid_re));
}

// ---- RunUnarySteps: a call in steps on two executors (identity's Login) ----

class RunUnaryStepsTest : public RunUnaryTest {
 protected:
  grpc::Status Login(idv1::LoginResponse* response) {
    grpc::ClientContext ctx;
    SetDeadline(ctx, absl::Seconds(10));
    return stub_->Login(&ctx, idv1::LoginRequest(), response);
  }
  // The id of the side executor's one thread.
  std::thread::id SideThread() {
    absl::Notification done;
    std::thread::id id;
    EXPECT_TRUE(side_.TrySubmit([&] {
      id = std::this_thread::get_id();
      done.Notify();
    }));
    done.WaitForNotification();
    return id;
  }
  void TearDown() override {
    // A test that stopped at a failed assertion must not leave the side thread blocked.
    if (!side_release_.HasBeenNotified()) side_release_.Notify();
    RunUnaryTest::TearDown();
  }
  BoundedExecutor side_{1, 1};
  absl::Notification side_release_;
};

TEST_F(RunUnaryStepsTest, StepsRunInOrderEachOnItsExecutor) {
  StartServer(2, 16);
  const std::thread::id side_thread = SideThread();
  std::vector<std::thread::id> threads(3);
  std::vector<int> order;
  absl::Mutex mu;
  service_->steps = [&](idv1::LoginResponse* response) {
    auto step = [&](int i) {
      return [&, i] {
        absl::MutexLock lock(&mu);
        threads[i] = std::this_thread::get_id();
        order.push_back(i);
        return absl::OkStatus();
      };
    };
    return std::vector<UnaryStep>{{&server_->executor(), step(0)},
                                  {&side_, step(1)},
                                  {&server_->executor(), [&, response, last = step(2)] {
                                     response->set_second_factor_challenge("done");
                                     return last();
                                   }}};
  };
  idv1::LoginResponse resp;
  const grpc::Status s = Login(&resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.second_factor_challenge(), "done");
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_NE(threads[0], side_thread);
  EXPECT_EQ(threads[1], side_thread);
  EXPECT_NE(threads[2], side_thread);
}

TEST_F(RunUnaryStepsTest, AFailedStepEndsTheCall) {
  StartServer(2, 16);
  std::atomic<int> last_ran{0};
  service_->steps = [&](idv1::LoginResponse*) {
    return std::vector<UnaryStep>{{&server_->executor(), [] { return absl::OkStatus(); }},
                                  {&side_, [] { return absl::PermissionDeniedError("no"); }},
                                  {&server_->executor(), [&] {
                                     ++last_ran;
                                     return absl::OkStatus();
                                   }}};
  };
  idv1::LoginResponse resp;
  EXPECT_EQ(Login(&resp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(last_ran.load(), 0);
}

TEST_F(RunUnaryStepsTest, AFullQueueRefusesTheStepUnlessItMayRunHere) {
  StartServer(2, 16);
  const std::thread::id side_thread = SideThread();
  // The side executor's thread busy and its one queue slot taken.
  ASSERT_TRUE(side_.TrySubmit([&] { side_release_.WaitForNotification(); }));
  // busy() == 1 alone may still be SideThread()'s task, finished but not yet counted out.
  ASSERT_TRUE(Eventually([&] { return side_.busy() == 1 && side_.queued() == 0; }));
  ASSERT_TRUE(side_.TrySubmit([] {}));
  std::atomic<int> after_ran{0};
  std::thread::id ran_on;
  bool run_here = false;
  service_->steps = [&](idv1::LoginResponse*) {
    return std::vector<UnaryStep>{{&server_->executor(), [] { return absl::OkStatus(); }},
                                  {&side_,
                                   [&] {
                                     ran_on = std::this_thread::get_id();
                                     return absl::OkStatus();
                                   },
                                   run_here},
                                  {&server_->executor(), [&] {
                                     ++after_ran;
                                     return absl::OkStatus();
                                   }}};
  };
  idv1::LoginResponse resp;
  EXPECT_EQ(Login(&resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(after_ran.load(), 0) << "the steps after a refused one do not run";

  run_here = true;
  const grpc::Status s = Login(&resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(after_ran.load(), 1);
  EXPECT_NE(ran_on, side_thread) << "ran on the thread of the step before";
  side_release_.Notify();
  side_.Stop();
}

// A step that records what the one before did (Login: the password check counted against the
// throttle) runs even when the caller left meanwhile: otherwise a client that gives up after
// the hash (a short deadline, a cancel) gets password checks that are never counted.
TEST_F(RunUnaryStepsTest, AStepThatMustRecordRunsAfterTheCallerLeft) {
  StartServer(2, 16);
  std::atomic<int> recorded{0}, skippable_ran{0};
  service_->steps = [&](idv1::LoginResponse*) {
    return std::vector<UnaryStep>{{&server_->executor(), [] { return absl::OkStatus(); }},
                                  {&side_,
                                   [] {
                                     // The client's 200 ms deadline passes during this step
                                     // (the server's is the client's plus transit time).
                                     absl::SleepFor(absl::Milliseconds(600));
                                     return absl::OkStatus();
                                   }},
                                  {&server_->executor(),
                                   [&] {
                                     ++recorded;
                                     return absl::OkStatus();
                                   },
                                   /*run_here_when_full=*/true},
                                  {&server_->executor(), [&] {
                                     ++skippable_ran;
                                     return absl::OkStatus();
                                   }}};
  };
  grpc::ClientContext ctx;
  SetDeadline(ctx, absl::Milliseconds(200));
  idv1::LoginResponse resp;
  EXPECT_EQ(stub_->Login(&ctx, idv1::LoginRequest(), &resp).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(Eventually([&] { return recorded.load() == 1; }))
      << "the recording step was skipped because the caller had left";
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(skippable_ran.load(), 0) << "an ordinary step after it is still skipped";
}

grpc::Status LoginWithin(idv1::IdentityService::Stub& stub, absl::Duration deadline, idv1::LoginResponse* response) {
  grpc::ClientContext ctx;
  SetDeadline(ctx, deadline);
  return stub.Login(&ctx, idv1::LoginRequest(), response);
}

TEST_F(RunUnaryStepsTest, AWithinDeadlineStepTheQueueCannotServeInTimeIsRefusedAtOnce) {
  StartServer(2, 16);
  side_.RecordTaskTime(absl::Seconds(2));  // one task on the side executor takes 2 s
  ASSERT_TRUE(side_.TrySubmit([&] { side_release_.WaitForNotification(); }));
  ASSERT_TRUE(Eventually([&] { return side_.busy() == 1; }));
  std::atomic<int> ran{0};
  service_->steps = [&](idv1::LoginResponse*) {
    return std::vector<UnaryStep>{{&server_->executor(), [] { return absl::OkStatus(); }},
                                  {&side_,
                                   [&] {
                                     ++ran;
                                     return absl::OkStatus();
                                   },
                                   /*run_here_when_full=*/false, /*within_deadline=*/true}};
  };
  idv1::LoginResponse resp;
  // 4 s expected (the running task, then this one) against 3 s left: refused at once.
  const absl::Time start = absl::Now();
  const grpc::Status s = LoginWithin(*stub_, absl::Seconds(3), &resp);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "not waited out";
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(ErrorInfoReason(s), "deadline-too-short-for-queue");
  EXPECT_EQ(RetryInfoSeconds(s), 4);
  EXPECT_EQ(ran.load(), 0);
  // With 10 s left it queues and runs once the thread is free.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(200));
    side_release_.Notify();
  });
  const grpc::Status ok = LoginWithin(*stub_, absl::Seconds(10), &resp);
  release.join();
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(ran.load(), 1);
  side_.Stop();
}

TEST_F(RunUnaryTest, WithinDeadlineRefusesAtOnceWhatTheQueueCannotAnswerInTimeAndRecordsTaskTimes) {
  StartServer(1, 16);
  service_->within_deadline = true;
  service_->body = [](const idv1::GetAccountRequest&, idv1::GetAccountResponse&) {
    absl::SleepFor(absl::Milliseconds(20));
    return absl::OkStatus();
  };
  ASSERT_TRUE(Call("a").ok());
  EXPECT_GE(server_->executor().TaskTime(), absl::Milliseconds(20)) << "the body's time is recorded";
  server_->executor().RecordTaskTime(absl::Seconds(30));  // now a task "takes" ~4 s
  ASSERT_TRUE(server_->executor().TrySubmit([&] { release_.WaitForNotification(); }));
  ASSERT_TRUE(Eventually([&] { return server_->executor().busy() == 1; }));
  const absl::Time start = absl::Now();
  const grpc::Status s = Call("b", nullptr, absl::Seconds(3));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "not waited out";
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(ErrorInfoReason(s), "deadline-too-short-for-queue");
  EXPECT_EQ(service_->bodies_run.load(), 1);
  Release();
}

TEST_F(RunUnaryStepsTest, AWithinDeadlineStepIsRefusedAtTheThreadWhenATaskNoLongerFits) {
  StartServer(2, 16);
  side_.RecordTaskTime(absl::Milliseconds(500));
  ASSERT_TRUE(side_.TrySubmit([&] { side_release_.WaitForNotification(); }));
  ASSERT_TRUE(Eventually([&] { return side_.busy() == 1; }));
  std::atomic<int> ran{0};
  service_->steps = [&](idv1::LoginResponse*) {
    return std::vector<UnaryStep>{{&side_,
                                   [&] {
                                     ++ran;
                                     return absl::OkStatus();
                                   },
                                   /*run_here_when_full=*/false, /*within_deadline=*/true}};
  };
  // Admitted (1 s expected, 2.5 s left), but the thread is held until less than a task's
  // 500 ms is left: refused there, the body never runs.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(2200));
    side_release_.Notify();
  });
  idv1::LoginResponse resp;
  const grpc::Status s = LoginWithin(*stub_, absl::Milliseconds(2500), &resp);
  release.join();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(ErrorInfoReason(s), "deadline-too-short-for-queue");
  EXPECT_EQ(ran.load(), 0);
  side_.Stop();
}

}  // namespace
}  // namespace meltingdoc::server
