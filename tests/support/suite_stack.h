// The whole suite for a test, as real processes: a scratch database on a PostgreSQL cluster,
// the four services on it, Redis, test keys (identity signs with the same key, so tokens from
// a real Login and from TestTokens are verified alike), and optionally the gateway in front.
// Used by the system, gateway e2e and chaos tests; the chaos tests also restart and replace
// processes on their ports.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/gateway_process.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

struct SuiteStackOptions {
  int pg_port = 0;     // cluster of the scratch database
  int redis_port = 0;  // services and gateway
  bool gateway = true;
  std::string web_root{};                          // gateway static files; "" for none
  std::map<std::string, std::string> gateway_env{};  // MELTINGDOC_GATEWAY_*
  // Per service name ("identity"...), MELTINGDOC_<SERVICE>_* variables.
  std::map<std::string, std::map<std::string, std::string>> service_env{};
};

class SuiteStack {
 public:
  static const std::vector<std::string>& ServiceNames();  // identity, profiles, discussions, search

  // Starts every service, waits until each is SERVING, then the gateway (until /readyz is 200).
  static absl::StatusOr<std::unique_ptr<SuiteStack>> Start(SuiteStackOptions options);
  ~SuiteStack();

  ScratchDatabase& db() { return *db_; }
  const TestTokens& tokens() const { return tokens_; }
  const std::string& mail_dir() const { return mail_dir_; }
  // identity's --register_dir (RPPS extracts an admin imports).
  const std::string& register_dir() const { return register_dir_; }
  ServiceProcess& service(const std::string& name) { return *services_.at(name); }
  GatewayProcess& gateway() { return *gateway_; }
  int gateway_port() const { return gateway_->port(); }
  std::map<std::string, std::string> BackendAddresses() const;

  // Stops `name` with `signo` (SIGKILL: a crash), reaps it, starts it again on the same ports
  // and waits until it is SERVING.
  absl::Status RestartService(const std::string& name, int signo);
  // A rolling restart of one instance: starts a replacement on the same gRPC port (both
  // listen, SO_REUSEPORT) and waits until it is SERVING, then SIGTERMs the old process and
  // waits for it to drain and exit. Returns the old process's exit code.
  absl::StatusOr<int> ReplaceService(const std::string& name);
  // SIGKILLs the gateway and starts it again on the same ports (until /readyz is 200).
  absl::Status RestartGateway();

 private:
  SuiteStack() = default;
  ServiceProcessOptions ServiceOptions(const std::string& name) const;
  absl::Status StartGateway(int port, int metrics_port);

  SuiteStackOptions options_;
  std::unique_ptr<ScratchDatabase> db_;
  TestTokens tokens_;
  std::string mail_dir_;
  std::string register_dir_;
  // Consumer groups of this stack's consumers: stacks sharing a Redis all publish to the same
  // streams, and a group of its own gives each stack every event instead of a share. Kept
  // across restarts of a process, as a deployment keeps its group.
  std::string search_group_;
  std::string profiles_group_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
  std::unique_ptr<GatewayProcess> gateway_;
};

}  // namespace meltingdoc::testing
