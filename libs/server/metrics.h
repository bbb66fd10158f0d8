// Prometheus metrics in text exposition format, served on a separate HTTP port.
//
// The registry knows the per-call metrics every service has (calls by method and code,
// latency histogram by method) and lets a service add gauges read at scrape time (pool use,
// queue depth, outbox lag, health).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace meltingdoc::server {

class MetricsRegistry {
 public:
  MetricsRegistry();

  // Counts one finished call and its latency.
  void RecordCall(absl::string_view method, absl::string_view code, absl::Duration latency);

  // A gauge evaluated at every scrape. `name` must be a valid Prometheus metric name.
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  // A collector appends its own metric families (with HELP and TYPE lines) at every scrape:
  // for processes whose metrics are not gRPC calls (the HTTP gateway).
  void AddCollector(std::function<void(std::string* out)> append);

  // The whole registry in Prometheus text format (version 0.0.4).
  std::string Render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> bucket_counts;  // cumulative at render time, raw here
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  const std::vector<double> bucket_bounds_seconds_;
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(std::string*)>> collectors_ ABSL_GUARDED_BY(mu_);
};

// A minimal HTTP/1.1 server answering GET /metrics (the registry) and GET /healthz
// ("ok": the process is alive; liveness must not depend on PostgreSQL or Redis).
class MetricsHttpServer {
 public:
  // Binds host:port (port 0 picks a free one); serves on one background thread.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const MetricsRegistry* registry,
                                                                  const std::string& host, int port);
  ~MetricsHttpServer();
  int port() const;

 private:
  struct Impl;
  explicit MetricsHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meltingdoc::server
