// The gateway's Prometheus metrics: requests by route and status, a latency histogram by
// route, and requests in flight. Route labels are route templates ("GET /v1/spaces") or a
// fixed word for everything else ("static", "unmatched", ...), never raw paths, so the label
// set stays small whatever clients send.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace meltingdoc::gateway {

class HttpMetrics {
 public:
  HttpMetrics();
  void Started() { ++in_flight_; }
  void Finished(absl::string_view route, int status, absl::Duration latency);
  int64_t in_flight() const { return in_flight_; }
  // Appends the metric families in Prometheus text format.
  void Render(std::string* out) const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;
    uint64_t count = 0;
    double sum = 0;
  };
  const std::vector<double> bounds_;
  std::atomic<int64_t> in_flight_{0};
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meltingdoc::gateway
