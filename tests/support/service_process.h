// A real service binary started for a test: its own gRPC and metrics ports, pointed at a
// test database and Redis, with the test key file; waits until health says SERVING.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

struct ServiceProcessOptions {
  std::string service;      // "identity", "profiles", "discussions", "search"
  std::string pg_url;       // as the service's own role
  int redis_port = 0;
  std::string public_keys_file;
  // Without MELTINGDOC_<SERVICE>_IDENTITY_ADDR here, a service other than identity runs with
  // no identity: Start marks identity's revocation mirror ready in Redis (nothing revoked).
  std::map<std::string, std::string> extra_env;
  // 0: a free port. A fixed gRPC port lets a restarted or replacement process take the place
  // of the old one (gRPC sets SO_REUSEPORT, so both may listen at once during a rolling
  // restart); the metrics port has no SO_REUSEPORT, a replacement needs a new one.
  int grpc_port = 0;
  int metrics_port = 0;
  // For channel() and WaitForHealth; null: plaintext. A service started with TLS flags in
  // extra_env needs TLS credentials here.
  std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr;
};

class ServiceProcess {
 public:
  // Starts the binary; does not wait for SERVING (see WaitForHealth).
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(const ServiceProcessOptions& options);
  // Stops the process and removes its log file, unless MELTINGDOC_KEEP_TEST_LOGS is set (to
  // read the logs of a failed run: the path is log_path()).
  ~ServiceProcess();

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string address() const;
  const std::string& log_path() const { return log_path_; }
  std::string HealthName() const;  // e.g. meltingdoc.identity.v1.IdentityService
  Subprocess& process() { return *process_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // Polls grpc.health.v1.Health/Check for the service's own name until it reports
  // `serving` (true: SERVING, false: NOT_SERVING), or the timeout passes.
  absl::Status WaitForHealth(bool serving, absl::Duration timeout = absl::Seconds(30));
  std::string ReadLog() const;

 private:
  ServiceProcess() = default;
  std::string service_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

// HTTP GET on 127.0.0.1:port; returns the body (for /metrics).
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

}  // namespace meltingdoc::testing
