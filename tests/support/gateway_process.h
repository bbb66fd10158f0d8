// The real meltingdoc-gateway binary started for a test, configured only through
// MELTINGDOC_GATEWAY_* environment variables, on free ports.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

struct GatewayProcessOptions {
  // Service name ("identity", ...) -> gRPC address. Missing services point at a closed port.
  std::map<std::string, std::string> backends;
  std::string public_keys_file;
  int redis_port = 0;
  std::string web_root;
  std::map<std::string, std::string> extra_env;  // e.g. MELTINGDOC_GATEWAY_DEADLINE=1s
  // 0: a free port; fixed ports let a restarted gateway take the place of a killed one.
  int port = 0;
  int metrics_port = 0;
};

class GatewayProcess {
 public:
  // Starts the binary and waits until /healthz answers.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(const GatewayProcessOptions& options);

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  Subprocess& process() { return *process_; }
  std::string ReadLog() const;
  // Polls /readyz until it answers 200 (ready) or 503 (not ready).
  absl::Status WaitForReady(bool ready, absl::Duration timeout = absl::Seconds(30));

 private:
  GatewayProcess() = default;
  int port_ = 0;
  int metrics_port_ = 0;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace meltingdoc::testing
