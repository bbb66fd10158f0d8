// The gateway's request handling: route lookup, content checks, authentication, rate limits,
// transcoding, the backend call, problem+json errors, security headers, access log and
// metrics. Owns nothing it is given; see main.cc for the wiring.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gateway/backends.h"
#include "gateway/bearer_auth.h"
#include "gateway/http_metrics.h"
#include "gateway/http_server.h"
#include "gateway/problem.h"
#include "gateway/rate_limiter.h"
#include "gateway/route_table.h"
#include "gateway/static_files.h"

namespace meltingdoc::gateway {

struct GatewayOptions {
  absl::Duration deadline = absl::Seconds(5);  // per backend call
};

// The headers every response carries (CSP without inline scripts, nosniff, referrer policy,
// framing refused, ...).
void AddSecurityHeaders(HttpResponse* response);

class Gateway : public HttpHandler {
 public:
  struct Parts {
    const RouteTable* routes;
    Backends* backends;
    BearerAuth* auth;
    HttpMetrics* metrics;
    const StaticFiles* static_files;
    std::string openapi_json;
    RateLimiter* rate_limiter = nullptr;  // null: no rate limits
    std::vector<std::string> strict_methods;  // lower-case name fragments: the strict class
  };
  Gateway(GatewayOptions options, Parts parts);

  void Handle(HttpRequest request, Respond respond) override;
  HttpResponse EarlyError(int status, absl::string_view detail) override;

  // /readyz answers 503 from now on (the process is draining).
  void SetDraining() { draining_ = true; }

 private:
  struct Exchange;
  void HandleApi(std::shared_ptr<Exchange> exchange, const RouteTable::Lookup& lookup);
  // After the checks and the rate limit: transcode and call the backend.
  void Forward(std::shared_ptr<Exchange> exchange, const Route* route, PathTemplate::Bindings bindings,
               std::string authorization);
  void Finish(const std::shared_ptr<Exchange>& exchange, HttpResponse response);
  void FinishProblem(const std::shared_ptr<Exchange>& exchange, const Problem& problem);

  const GatewayOptions options_;
  const Parts parts_;
  std::atomic<bool> draining_{false};
};

}  // namespace meltingdoc::gateway
