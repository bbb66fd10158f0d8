#include "libs/server/server.h"

#include <pthread.h>
#include <signal.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "libs/server/call_observer.h"
#include "libs/common/json_log.h"
#include "libs/server/server_flags.h"

namespace meltingdoc::server {

using grpc::health::v1::HealthCheckResponse;

ServerConfig ServerConfigFromFlags(std::string name, std::string health_name) {
  ServerConfig c;
  c.name = std::move(name);
  c.health_name = std::move(health_name);
  c.host = absl::GetFlag(FLAGS_grpc_host);
  c.grpc_port = absl::GetFlag(FLAGS_grpc_port);
  c.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  c.executor_threads = std::max(1, absl::GetFlag(FLAGS_executor_threads));
  c.executor_queue = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_executor_queue)));
  c.drain_deadline = absl::GetFlag(FLAGS_drain_deadline);
  c.health_port = absl::GetFlag(FLAGS_health_port);
  c.tls = tls::TlsFilesFromFlags();
  return c;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServiceServer::ServiceServer(ServerConfig config)
    : config_(std::move(config)), executor_(config_.executor_threads, config_.executor_queue) {
  metrics_.AddGauge("meltingdoc_executor_queued", "Calls waiting for an executor thread.",
                    [this] { return static_cast<double>(executor_.queued()); });
  metrics_.AddGauge("meltingdoc_executor_busy", "Executor threads running a call.",
                    [this] { return static_cast<double>(executor_.busy()); });
  metrics_.AddGauge("meltingdoc_serving", "1 while the service reports SERVING.", [this] {
    return health_.GetStatus(config_.health_name) == HealthCheckResponse::SERVING ? 1.0 : 0.0;
  });
}

ServiceServer::~ServiceServer() {
  if (server_ != nullptr && !drained_) {
    RequestShutdown();
    WaitForShutdown();
  }
}

void ServiceServer::RegisterService(grpc::Service* service) { services_.push_back(service); }

void ServiceServer::AddReadinessProbe(std::string what, std::function<absl::Status()> probe) {
  probes_.push_back({std::move(what), std::move(probe)});
}

int ServiceServer::metrics_port() const {
  return metrics_server_ == nullptr ? -1 : metrics_server_->port();
}

absl::Status ServiceServer::Start() {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      tls::ServerCredentials(config_.tls);
  if (!credentials.ok()) return credentials.status();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(config_.host, ":", config_.grpc_port), *credentials,
                           &grpc_port_);
  builder.RegisterService(&health_);
  for (grpc::Service* s : services_) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeCallObserverFactory(&metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  // Not serving until the probes say so: a load balancer must not send calls that would fail.
  health_.SetStatus("", HealthCheckResponse::NOT_SERVING);
  health_.SetStatus(config_.health_name, HealthCheckResponse::NOT_SERVING);

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.host, ":", config_.grpc_port));
  }
  if (config_.health_port >= 0) {
    // Health only: the kubelet's gRPC probe speaks neither TLS nor anything but Check. The
    // same HealthService object answers on both servers (callback services may be shared).
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(absl::StrCat(config_.host, ":", config_.health_port),
                                    grpc::InsecureServerCredentials(), &health_port_);
    health_builder.RegisterService(&health_);
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", config_.host, ":", config_.health_port, " (health)"));
    }
  }
  if (config_.metrics_port >= 0) {
    auto metrics = MetricsHttpServer::Start(&metrics_, config_.host, config_.metrics_port);
    if (!metrics.ok()) return metrics.status();
    metrics_server_ = std::move(metrics).value();
  }
  RunProbesOnce();
  probe_thread_ = std::thread([this] { ProbeLoop(); });
  LogJson({{"msg", absl::string_view("listening")},
           {"service", absl::string_view(config_.name)},
           {"grpc_port", static_cast<int64_t>(grpc_port_)},
           {"metrics_port", static_cast<int64_t>(metrics_port())},
           {"health_port", static_cast<int64_t>(health_port_)},
           {"tls", config_.tls.enabled()}});
  return absl::OkStatus();
}

void ServiceServer::RunProbesOnce() {
  bool all_ok = true;
  for (Probe& p : probes_) {
    const absl::Status s = p.check();
    if (s.ok() != p.last_ok) {
      // Log transitions only: a down database must not flood the log.
      LogJson({{"msg", absl::string_view(s.ok() ? "probe ok" : "probe failing")},
               {"probe", absl::string_view(p.what)},
               {"code", absl::string_view(absl::StatusCodeToString(s.code()))}});
    }
    p.last_ok = s.ok();
    all_ok = all_ok && s.ok();
  }
  const auto status = all_ok ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  health_.SetStatus(config_.health_name, status);
  health_.SetStatus("", status);
}

void ServiceServer::ProbeLoop() {
  while (!shutdown_requested_.WaitForNotificationWithTimeout(config_.probe_interval)) {
    RunProbesOnce();
  }
}

void ServiceServer::RequestShutdown() {
  if (!shutdown_requested_.HasBeenNotified()) shutdown_requested_.Notify();
}

int ServiceServer::WaitForShutdown() {
  if (drained_) return 0;
  // The signal thread turns SIGTERM/SIGINT (blocked everywhere by BlockTerminationSignals)
  // into RequestShutdown; it polls so that it also ends when shutdown comes from elsewhere.
  std::thread signal_thread([this] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    const timespec poll = {0, 200'000'000};
    while (!shutdown_requested_.HasBeenNotified()) {
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig == SIGTERM || sig == SIGINT) {
        LogJson({{"msg", absl::string_view("draining")},
                 {"signal", absl::string_view(sig == SIGTERM ? "SIGTERM" : "SIGINT")}});
        RequestShutdown();
      }
    }
  });
  shutdown_requested_.WaitForNotification();
  signal_thread.join();
  if (probe_thread_.joinable()) probe_thread_.join();

  health_.Shutdown();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.drain_deadline));
    server_->Wait();
  }
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
  executor_.Stop();
  metrics_server_.reset();
  drained_ = true;
  LogJson({{"msg", absl::string_view("stopped")}, {"service", absl::string_view(config_.name)}});
  return 0;
}

}  // namespace meltingdoc::server
