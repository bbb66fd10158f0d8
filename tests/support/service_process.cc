#include "tests/support/service_process.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/auth/revocation_keys.h"
#include "libs/redis/redis_client.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    const ServiceProcessOptions& options) {
  auto sp = std::unique_ptr<ServiceProcess>(new ServiceProcess());
  sp->service_ = options.service;
  sp->grpc_port_ = options.grpc_port != 0 ? options.grpc_port : FreeTcpPort();
  sp->metrics_port_ = options.metrics_port != 0 ? options.metrics_port : FreeTcpPort();
  char tmpl[] = "/tmp/meltingdoc-svc-log-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  sp->log_path_ = tmpl;
  // Configure through the environment, as containers do (MELTINGDOC_<SERVICE>_<FLAG>).
  const std::string prefix = absl::StrCat("MELTINGDOC_", absl::AsciiStrToUpper(options.service), "_");
  std::map<std::string, std::string> env = {
      {prefix + "GRPC_PORT", std::to_string(sp->grpc_port_)},
      {prefix + "METRICS_PORT", std::to_string(sp->metrics_port_)},
      {prefix + "PG_URL", options.pg_url},
      {prefix + "REDIS", absl::StrCat("127.0.0.1:", options.redis_port)},
      {prefix + "PUBLIC_KEYS_FILE", options.public_keys_file},
      {prefix + "DRAIN_DEADLINE", "10s"},
  };
  for (const auto& [k, v] : options.extra_env) env[k] = v;
  // (Not for --migrate_only: it serves nothing, checks no session and runs without Redis.)
  if (options.service != "identity" && options.redis_port != 0 && env.count(prefix + "IDENTITY_ADDR") == 0 &&
      env.count(prefix + "MIGRATE_ONLY") == 0) {
    // No identity in this test: nobody revokes a session, so identity's revocation mirror is
    // complete — say so, as identity's resync does, or the service's session check
    // (libs/sessions) would find no ready marker, ask an identity that is not there and
    // refuse every call (UNAVAILABLE).
    redis::RedisClient redis({.host = "127.0.0.1", .port = options.redis_port});
    if (absl::Status s = redis.Command({"SET", auth::kRevokedReadyKey, "1"}).status(); !s.ok()) return s;
  }
  const std::string binary =
      absl::StrCat(BinaryDir(), "/services/", options.service, "/meltingdoc-", options.service);
  auto process = Subprocess::Start({binary}, env, sp->log_path_);
  if (!process.ok()) return process.status();
  sp->process_ = std::move(process).value();
  sp->channel_ = grpc::CreateChannel(
      sp->address(),
      options.credentials != nullptr ? options.credentials : grpc::InsecureChannelCredentials());
  return sp;
}

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

std::string ServiceProcess::HealthName() const {
  std::string type = service_;
  type[0] = absl::ascii_toupper(static_cast<unsigned char>(type[0]));
  return absl::StrCat("meltingdoc.", service_, ".v1.", type, "Service");
}

absl::Status ServiceProcess::WaitForHealth(bool serving, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  const auto want = serving ? grpc::health::v1::HealthCheckResponse::SERVING
                            : grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  while (absl::Now() < deadline) {
    if (!process_->Running()) {
      return absl::FailedPreconditionError(absl::StrCat("process exited; log:\n", ReadLog()));
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(HealthName());
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (s.ok() && resp.status() == want) return absl::OkStatus();
    last = s.ok() ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status())
                  : s.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(HealthName(), " not ", serving ? "SERVING" : "NOT_SERVING", " (last: ", last,
                   "); log:\n", ReadLog()));
}

ServiceProcess::~ServiceProcess() {
  process_.reset();  // the process stops before its log goes
  if (!log_path_.empty() && std::getenv("MELTINGDOC_KEEP_TEST_LOGS") == nullptr) ::unlink(log_path_.c_str());
}

std::string ServiceProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  CommandResult r = RunCommand(absl::StrCat("curl -sS --max-time 5 http://127.0.0.1:", port, path));
  if (r.exit_code != 0) return absl::UnavailableError(r.output);
  return r.output;
}

}  // namespace meltingdoc::testing
