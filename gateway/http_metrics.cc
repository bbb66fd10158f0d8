#include "gateway/http_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace meltingdoc::gateway {
namespace {

std::string Label(absl::string_view v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

}  // namespace

HttpMetrics::HttpMetrics()
    : bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

void HttpMetrics::Finished(absl::string_view route, int status, absl::Duration latency) {
  --in_flight_;
  const double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++requests_[{std::string(route), status}];
  Histogram& h = latency_[std::string(route)];
  if (h.buckets.empty()) h.buckets.assign(bounds_.size(), 0);
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (seconds <= bounds_[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void HttpMetrics::Render(std::string* out) const {
  absl::MutexLock lock(&mu_);
  absl::StrAppend(out, "# HELP meltingdoc_http_requests_total HTTP requests answered, by route and status.\n",
                  "# TYPE meltingdoc_http_requests_total counter\n");
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(out, "meltingdoc_http_requests_total{route=\"", Label(key.first), "\",status=\"",
                    key.second, "\"} ", count, "\n");
  }
  absl::StrAppend(out, "# HELP meltingdoc_http_request_duration_seconds HTTP request latency, by route.\n",
                  "# TYPE meltingdoc_http_request_duration_seconds histogram\n");
  for (const auto& [route, h] : latency_) {
    const std::string label = Label(route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += h.buckets[i];
      absl::StrAppend(out, "meltingdoc_http_request_duration_seconds_bucket{route=\"", label, "\",le=\"",
                      absl::StrFormat("%g", bounds_[i]), "\"} ", cumulative, "\n");
    }
    absl::StrAppend(out, "meltingdoc_http_request_duration_seconds_bucket{route=\"", label,
                    "\",le=\"+Inf\"} ", h.count, "\n");
    absl::StrAppend(out, "meltingdoc_http_request_duration_seconds_sum{route=\"", label, "\"} ",
                    absl::StrFormat("%.6g", h.sum), "\n");
    absl::StrAppend(out, "meltingdoc_http_request_duration_seconds_count{route=\"", label, "\"} ", h.count, "\n");
  }
  absl::StrAppend(out, "# HELP meltingdoc_http_in_flight HTTP requests being handled.\n",
                  "# TYPE meltingdoc_http_in_flight gauge\n", "meltingdoc_http_in_flight ",
                  in_flight_.load(), "\n");
}

}  // namespace meltingdoc::gateway
