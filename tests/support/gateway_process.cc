#include "tests/support/gateway_process.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(const GatewayProcessOptions& options) {
  auto gp = std::unique_ptr<GatewayProcess>(new GatewayProcess());
  gp->port_ = options.port != 0 ? options.port : FreeTcpPort();
  gp->metrics_port_ = options.metrics_port != 0 ? options.metrics_port : FreeTcpPort();
  char tmpl[] = "/tmp/meltingdoc-gateway-log-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  gp->log_path_ = tmpl;
  std::map<std::string, std::string> env = {
      {"MELTINGDOC_GATEWAY_PORT", std::to_string(gp->port_)},
      {"MELTINGDOC_GATEWAY_METRICS_PORT", std::to_string(gp->metrics_port_)},
      {"MELTINGDOC_GATEWAY_PUBLIC_KEYS_FILE", options.public_keys_file},
      {"MELTINGDOC_GATEWAY_REDIS", absl::StrCat("127.0.0.1:", options.redis_port)},
      {"MELTINGDOC_GATEWAY_WEB_ROOT", options.web_root},
  };
  for (const char* name : {"identity", "profiles", "discussions", "search"}) {
    auto it = options.backends.find(name);
    // A port nobody listens on: calls to that backend fail with UNAVAILABLE.
    const std::string address = it != options.backends.end() ? it->second : absl::StrCat("127.0.0.1:", FreeTcpPort());
    env[absl::StrCat("MELTINGDOC_GATEWAY_", absl::AsciiStrToUpper(name), "_ADDR")] = address;
  }
  for (const auto& [k, v] : options.extra_env) env[k] = v;
  auto process = Subprocess::Start({BinaryDir() + "/gateway/meltingdoc-gateway"}, env, gp->log_path_);
  if (!process.ok()) return process.status();
  gp->process_ = std::move(process).value();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (!gp->process_->Running()) {
      return absl::FailedPreconditionError(absl::StrCat("gateway exited; log:\n", gp->ReadLog()));
    }
    auto r = HttpGetAs(gp->port_, "/healthz");
    if (r.ok() && r->status == 200) return gp;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat("gateway /healthz never answered; log:\n", gp->ReadLog()));
}

std::string GatewayProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status GatewayProcess::WaitForReady(bool ready, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int last = 0;
  while (absl::Now() < deadline) {
    auto r = HttpGetAs(port_, "/readyz");
    if (r.ok()) {
      last = r->status;
      if ((ready && r->status == 200) || (!ready && r->status == 503)) return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("/readyz never became ", ready ? 200 : 503, " (last ", last, ")"));
}

}  // namespace meltingdoc::testing
