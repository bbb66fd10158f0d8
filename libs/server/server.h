// The bootstrap every service shares: listen, register services, health, reflection, call
// logging and metrics, readiness probes, and graceful drain on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     meltingdoc::server::BlockTerminationSignals();   // before any thread exists
//     ParseFlagsWithEnvironment("identity", argc, argv);
//     ServiceServer server(ServerConfigFromFlags("identity", IdentityService::service_full_name()));
//     server.RegisterService(&identity_service);
//     server.AddReadinessProbe([&] { return pool->Ping(); });
//     if (!server.Start().ok()) return 1;
//     return server.WaitForShutdown();
//   }
//
// Drain, on SIGTERM or SIGINT: health turns NOT_SERVING (and Watch streams end), the listener
// closes and new calls are refused, in-flight calls get until --drain_deadline to finish
// (then they are cancelled), the executor runs what it had accepted, and the process exits 0.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "libs/server/executor.h"
#include "libs/server/health_service.h"
#include "libs/server/metrics.h"
#include "libs/tls/tls_credentials.h"

namespace meltingdoc::server {

struct ServerConfig {
  std::string name;          // short service name, e.g. "identity" (logs, metrics)
  std::string health_name;   // full gRPC service name reported by health
  std::string host = "127.0.0.1";
  int grpc_port = 0;         // 0: pick a free port (tests)
  int metrics_port = 0;      // 0: pick a free port; -1: no metrics server
  // A second, plaintext gRPC port serving only grpc.health.v1.Health (and reflection), for
  // probes that cannot speak mutual TLS, such as the kubelet's gRPC probe. -1: none; 0: free.
  int health_port = -1;
  tls::TlsFiles tls;         // mutual TLS on grpc_port when enabled()
  int executor_threads = 8;
  size_t executor_queue = 256;
  absl::Duration drain_deadline = absl::Seconds(10);
  absl::Duration probe_interval = absl::Seconds(1);
};

// Reads the shared server flags (--grpc_host, --grpc_port, --metrics_port, --executor_threads,
// --executor_queue, --drain_deadline, --health_port, --tls_cert, --tls_key, --tls_ca, --tls_refresh).
ServerConfig ServerConfigFromFlags(std::string name, std::string health_name);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates later, so that
// only WaitForShutdown receives them. Call first thing in main().
void BlockTerminationSignals();

class ServiceServer {
 public:
  explicit ServiceServer(ServerConfig config);
  ~ServiceServer();

  BoundedExecutor& executor() { return executor_; }
  MetricsRegistry& metrics() { return metrics_; }
  HealthService& health() { return health_; }
  const ServerConfig& config() const { return config_; }

  // The service must outlive the server. Call before Start().
  void RegisterService(grpc::Service* service);

  // The service reports SERVING while every probe last returned OK (e.g. the database
  // answers), NOT_SERVING otherwise. Probes run on a background thread every probe_interval.
  void AddReadinessProbe(std::string what, std::function<absl::Status()> probe);

  absl::Status Start();
  int grpc_port() const { return grpc_port_; }
  int health_port() const { return health_port_; }  // -1 when there is none
  int metrics_port() const;

  // Starts the drain from any thread (tests; the signal thread).
  void RequestShutdown();
  // Blocks until SIGTERM/SIGINT or RequestShutdown, drains, returns the exit code (0).
  int WaitForShutdown();

 private:
  void ProbeLoop();
  void RunProbesOnce();

  const ServerConfig config_;
  BoundedExecutor executor_;
  MetricsRegistry metrics_;
  HealthService health_;
  std::vector<grpc::Service*> services_;
  struct Probe {
    std::string what;
    std::function<absl::Status()> check;
    bool last_ok = false;
  };
  std::vector<Probe> probes_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  std::unique_ptr<MetricsHttpServer> metrics_server_;
  int grpc_port_ = 0;
  int health_port_ = -1;
  absl::Notification shutdown_requested_;
  std::thread probe_thread_;
  bool drained_ = false;
};

}  // namespace meltingdoc::server
