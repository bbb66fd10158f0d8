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
#include "gateway/client_ip.h"
#include "gateway/http_metrics.h"
#include "gateway/http_server.h"
#include "gateway/problem.h"
#include "gateway/rate_limiter.h"
#include "gateway/route_table.h"
#include "gateway/static_files.h"
#include "libs/sessions/revocation_check.h"

namespace meltingdoc::gateway {

using sessions::RevocationChecker;
using sessions::SessionState;

struct GatewayOptions {
  absl::Duration deadline = absl::Seconds(5);  // per backend call
};

// Asks identity whether a token's session is live (GetAccount of the token's own account:
// identity authenticates every call against its revocation list, falling back to
// PostgreSQL), for the RevocationChecker when Redis cannot answer.
RevocationChecker::Probe IdentitySessionProbe(Backends* backends, absl::Duration deadline);

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
    RevocationChecker* revocation = nullptr;  // null: revoked sessions are left to the services (which check them too)
    std::vector<IpNetwork> trusted_proxies;   // whose X-Forwarded-For is believed
    // Origins accepted for cookie-authenticated writes and /v1/web/sessions:*; empty: the
    // origin whose host is the request's Host header.
    std::vector<std::string> allowed_origins;
  };
  Gateway(GatewayOptions options, Parts parts);

  void Handle(HttpRequest request, Respond respond) override;
  HttpResponse EarlyError(int status, absl::string_view detail) override;

  // /readyz answers 503 from now on (the process is draining).
  void SetDraining() { draining_ = true; }

 private:
  struct Exchange;
  enum class Web;
  // /v1/web/sessions:<verb>: the browser flavour of Login, VerifySecondFactor, Refresh, Logout.
  void HandleWeb(std::shared_ptr<Exchange> exchange, absl::string_view verb);
  // Content type, authentication (header or cookie), CSRF, revocation, rate limit, Forward.
  void HandleApi(std::shared_ptr<Exchange> exchange, const Route* route, PathTemplate::Bindings bindings);
  void RateLimitThenForward(std::shared_ptr<Exchange> exchange, const Route* route, PathTemplate::Bindings bindings);
  // After the checks and the rate limit: transcode and call the backend.
  void Forward(std::shared_ptr<Exchange> exchange, const Route* route, PathTemplate::Bindings bindings);
  // The backend answered OK: session side effects (cookies, revocation marks), then JSON.
  void FinishOk(const std::shared_ptr<Exchange>& exchange, const Route* route);
  // Web logout without a usable access cookie: Refresh with the refresh cookie, then Logout.
  void WebLogoutViaRefresh(std::shared_ptr<Exchange> exchange);
  void Finish(const std::shared_ptr<Exchange>& exchange, HttpResponse response);
  void FinishProblem(const std::shared_ptr<Exchange>& exchange, const Problem& problem);

  const GatewayOptions options_;
  const Parts parts_;
  // identity's session routes, for /v1/web/sessions:* (null when the table has none).
  const Route* login_route_ = nullptr;
  const Route* verify_route_ = nullptr;
  const Route* refresh_route_ = nullptr;
  const Route* logout_route_ = nullptr;
  std::atomic<bool> draining_{false};
};

}  // namespace meltingdoc::gateway
