// meltingdoc-gateway: the REST/JSON face of the suite (issue #7). Routes come from the
// google.api.http annotations compiled into meltingdoc_protos; see docs/architecture.md.
//
// Every flag can also be set as MELTINGDOC_GATEWAY_<FLAG> (e.g. MELTINGDOC_GATEWAY_PORT).
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gateway/backends.h"
#include "gateway/bearer_auth.h"
#include "gateway/gateway.h"
#include "gateway/http_metrics.h"
#include "gateway/http_server.h"
#include "gateway/openapi.h"
#include "gateway/rate_limiter.h"
#include "gateway/client_ip.h"
#include "gateway/route_table.h"
#include "google/protobuf/descriptor.h"
#include "gateway/static_files.h"
#include "gateway/suite_services.h"
#include "libs/common/clock.h"
#include "libs/common/env_flags.h"
#include "libs/common/json_log.h"
#include "libs/redis/redis_client.h"
#include "libs/server/metrics.h"
#include "libs/tls/tls_credentials.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Address the HTTP server listens on.");
ABSL_FLAG(int, port, 8080, "HTTP port (0: a free port, printed in the start-up log line).");
ABSL_FLAG(int, io_threads, 2, "HTTP I/O threads.");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "Deadline of each backend call.");
ABSL_FLAG(int64_t, max_body_bytes, 1 << 20, "Largest accepted request body (413 above).");
ABSL_FLAG(std::string, identity_addr, "127.0.0.1:50051", "identity service gRPC address.");
ABSL_FLAG(std::string, profiles_addr, "127.0.0.1:50052", "profiles service gRPC address.");
ABSL_FLAG(std::string, discussions_addr, "127.0.0.1:50053", "discussions service gRPC address.");
ABSL_FLAG(std::string, search_addr, "127.0.0.1:50054", "search service gRPC address.");
ABSL_FLAG(std::string, public_keys_file, "",
          "identity's access-token public keys (meltingdoc-keygen format); empty: every token is refused.");
ABSL_FLAG(std::string, redis, "127.0.0.1:6379", "Redis host:port (rate limits).");
ABSL_FLAG(std::string, web_root, "", "Directory of the built web client; empty: no static files.");
ABSL_FLAG(int, metrics_port, 9100, "Prometheus /metrics port (-1: none, 0: a free port).");
ABSL_FLAG(bool, rate_limit, true, "Enforce rate limits (Redis, --redis).");
ABSL_FLAG(std::string, rate_default_per_ip, "1200/1m", "Requests per client IP, any route: <count>/<period>, 0 = none.");
ABSL_FLAG(std::string, rate_default_per_account, "600/1m", "Requests per authenticated account, any route.");
ABSL_FLAG(std::string, rate_strict_per_ip, "10/1m", "Requests per client IP to strict routes (login, codes, ...).");
ABSL_FLAG(std::string, rate_strict_per_account, "10/1m", "Requests per account to strict routes.");
ABSL_FLAG(absl::Duration, rate_sync_interval, absl::Milliseconds(10),
          "How often the default routes' counts are written to Redis (and the other instances' read back): "
          "the window within which instances do not see each other's counts (docs/architecture.md).");
ABSL_FLAG(std::vector<std::string>, strict_methods,
          std::vector<std::string>({"login", "register", "verif", "code", "password", "totp"}),
          "RPC name fragments (case-insensitive) whose routes get the strict rate limits and fail "
          "closed when Redis is down.");
ABSL_FLAG(bool, revocation_check, true,
          "Refuse access tokens of revoked sessions (identity's Redis mirror, identity itself when "
          "Redis cannot answer; neither answering: 503).");
ABSL_FLAG(absl::Duration, revocation_cache, absl::Seconds(1),
          "How long a session found live is not asked about again (how late another gateway's or "
          "identity's revocation can be noticed).");
ABSL_FLAG(std::vector<std::string>, trusted_proxies, std::vector<std::string>(),
          "Addresses or networks (10.0.0.0/8, fd00::/8) of the proxies in front of the gateway whose "
          "X-Forwarded-For is believed; empty: the TCP peer is the client.");
ABSL_FLAG(std::vector<std::string>, allowed_origins, std::vector<std::string>(),
          "Origins (https://meltingdoc.fr) accepted on cookie-authenticated writes and /v1/web/sessions:*; "
          "empty: the origin whose host is the request's Host.");
ABSL_FLAG(absl::Duration, drain_deadline, absl::Seconds(10),
          "On SIGTERM, how long in-flight requests get to finish.");

namespace meltingdoc::gateway {
namespace {

int Run() {
  const std::map<std::string, std::string> addresses = {
      {"identity", absl::GetFlag(FLAGS_identity_addr)},
      {"profiles", absl::GetFlag(FLAGS_profiles_addr)},
      {"discussions", absl::GetFlag(FLAGS_discussions_addr)},
      {"search", absl::GetFlag(FLAGS_search_addr)},
  };
  auto routes = RouteTable::Build(SuiteServiceDescriptors());
  if (!routes.ok()) {
    LogJson({{"msg", "bad HTTP routes"}, {"error", routes.status().ToString()}});
    return 1;
  }
  std::vector<BackendConfig> configs;
  for (const SuiteService& s : SuiteServices()) {
    BackendConfig config{s.name, s.full_name, addresses.at(s.name), {}};
    for (const Route& route : routes->routes()) {
      if (route.service == s.full_name && route.http_method == "GET") {
        config.read_only_methods.push_back(route.method->name());
      }
    }
    configs.push_back(std::move(config));
  }
  auto openapi = BuildOpenApi(*routes);
  if (!openapi.ok()) {
    LogJson({{"msg", "OpenAPI generation failed"}, {"error", openapi.status().ToString()}});
    return 1;
  }
  auto auth = BearerAuth::Create(absl::GetFlag(FLAGS_public_keys_file), &Clock::Real());
  if (!auth.ok()) {
    LogJson({{"msg", "cannot load public keys"}, {"error", auth.status().ToString()}});
    return 1;
  }
  std::set<std::string> api_prefixes;
  for (const Route& r : routes->routes()) {
    if (!r.path.segments().empty() && r.path.segments()[0].kind == PathTemplate::Kind::kLiteral) {
      api_prefixes.insert(r.path.segments()[0].literal);
    }
  }
  StaticFiles static_files(absl::GetFlag(FLAGS_web_root), api_prefixes);

  // Mutual TLS to the services with --tls_cert, --tls_key, --tls_ca (libs/tls/tls_flags.h).
  auto backend_credentials = tls::ChannelCredentials(tls::TlsFilesFromFlags());
  if (!backend_credentials.ok()) {
    LogJson({{"msg", "bad TLS configuration"}, {"error", backend_credentials.status().ToString()}});
    return 1;
  }
  Backends backends(configs, *backend_credentials);
  backends.StartProbing(absl::Seconds(1));
  HttpMetrics http_metrics;
  server::MetricsRegistry registry;
  registry.AddCollector([&http_metrics](std::string* out) { http_metrics.Render(out); });

  auto trusted_proxies = ParseTrustedProxies(absl::GetFlag(FLAGS_trusted_proxies));
  if (!trusted_proxies.ok()) {
    LogJson({{"msg", "bad flag"}, {"flag", "trusted_proxies"}, {"error", trusted_proxies.status().ToString()}});
    return 1;
  }
  auto redis_options = redis::ParseRedisAddress(absl::GetFlag(FLAGS_redis));
  if (!redis_options.ok()) {
    LogJson({{"msg", "bad flag"}, {"flag", "redis"}, {"error", redis_options.status().ToString()}});
    return 1;
  }
  // A rate-limit or revocation check must be fast or not happen: short timeouts, then the
  // documented fallback.
  redis_options->connect_timeout = absl::Milliseconds(100);
  redis_options->command_timeout = absl::Milliseconds(100);
  // The longest the checks before the backend call can hold a request (queue, Redis — a
  // script exchange is up to two commands — identity's probe); see the contract check below.
  const absl::Duration redis_exchange = 2 * (redis_options->connect_timeout + redis_options->command_timeout);
  const absl::Duration probe_deadline = absl::Seconds(1);
  absl::Duration checks_wait;
  std::unique_ptr<RevocationChecker> revocation;
  if (absl::GetFlag(FLAGS_revocation_check)) {
    RevocationChecker::Options o;
    o.live_cache = absl::GetFlag(FLAGS_revocation_cache);
    revocation = std::make_unique<RevocationChecker>(o, *redis_options, IdentitySessionProbe(&backends, probe_deadline),
                                                     &Clock::Real());
    checks_wait += o.max_queue_wait + redis_exchange + probe_deadline;
  }

  std::unique_ptr<RateLimiter> rate_limiter;
  std::vector<std::string> strict_methods;
  if (absl::GetFlag(FLAGS_rate_limit)) {
    RateLimitConfig config;
    const std::pair<const char*, RateLimit*> specs[] = {
        {"rate_default_per_ip", &config.default_per_ip},
        {"rate_default_per_account", &config.default_per_account},
        {"rate_strict_per_ip", &config.strict_per_ip},
        {"rate_strict_per_account", &config.strict_per_account}};
    const std::string values[] = {absl::GetFlag(FLAGS_rate_default_per_ip), absl::GetFlag(FLAGS_rate_default_per_account),
                                  absl::GetFlag(FLAGS_rate_strict_per_ip), absl::GetFlag(FLAGS_rate_strict_per_account)};
    for (int i = 0; i < 4; ++i) {
      auto limit = ParseRateLimit(values[i]);
      if (!limit.ok()) {
        LogJson({{"msg", "bad flag"}, {"flag", specs[i].first}, {"error", limit.status().ToString()}});
        return 1;
      }
      *specs[i].second = *limit;
    }
    config.sync_interval = absl::GetFlag(FLAGS_rate_sync_interval);
    if (config.sync_interval < absl::Milliseconds(1) || config.sync_interval > absl::Seconds(1)) {
      LogJson({{"msg", "bad flag"}, {"flag", "rate_sync_interval"}, {"error", "must be between 1ms and 1s"}});
      return 1;
    }
    rate_limiter = std::make_unique<RateLimiter>(config, *redis_options);
    checks_wait += config.max_queue_wait + redis_exchange;
    for (const std::string& m : absl::GetFlag(FLAGS_strict_methods)) strict_methods.push_back(absl::AsciiStrToLower(m));
  }

  GatewayOptions options;
  options.deadline = absl::GetFlag(FLAGS_deadline);
  Gateway gateway(options, {.routes = &*routes,
                            .backends = &backends,
                            .auth = auth->get(),
                            .metrics = &http_metrics,
                            .static_files = &static_files,
                            .openapi_json = *std::move(openapi),
                            .rate_limiter = rate_limiter.get(),
                            .strict_methods = strict_methods,
                            .revocation = revocation.get(),
                            .trusted_proxies = *std::move(trusted_proxies),
                            .allowed_origins = absl::GetFlag(FLAGS_allowed_origins)});

  HttpServerOptions http_options;
  http_options.host = absl::GetFlag(FLAGS_host);
  http_options.port = absl::GetFlag(FLAGS_port);
  http_options.io_threads = absl::GetFlag(FLAGS_io_threads);
  http_options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  // HttpHandler's contract (http_server.h): the longest a request can wait for its answer — the
  // checks then the backend call, or the web logout's two backend calls (refresh, Logout) —
  // stays well below the idle timeout: at most half of it.
  const absl::Duration longest_wait = std::max(checks_wait + options.deadline, 2 * options.deadline);
  if (options.deadline <= absl::ZeroDuration() || longest_wait > http_options.idle_timeout / 2) {
    const absl::Duration most = std::min(http_options.idle_timeout / 2 - checks_wait, http_options.idle_timeout / 4);
    LogJson({{"msg", "bad flag"},
             {"flag", "deadline"},
             {"error", absl::StrCat("--deadline=", absl::FormatDuration(options.deadline),
                                    " is not accepted: it must be positive, and a request could then wait ",
                                    absl::FormatDuration(longest_wait), " for its answer (",
                                    absl::FormatDuration(checks_wait),
                                    " of revocation and rate-limit checks then the backend call, or two backend "
                                    "calls), more than half the HTTP idle timeout (",
                                    absl::FormatDuration(http_options.idle_timeout), "); the longest accepted is ",
                                    absl::FormatDuration(most))}});
    return 1;
  }
  auto http = HttpServer::Start(http_options, &gateway);
  if (!http.ok()) {
    LogJson({{"msg", "cannot start HTTP server"}, {"error", http.status().ToString()}});
    return 1;
  }
  std::unique_ptr<server::MetricsHttpServer> metrics_server;
  if (absl::GetFlag(FLAGS_metrics_port) >= 0) {
    auto m = server::MetricsHttpServer::Start(&registry, absl::GetFlag(FLAGS_host), absl::GetFlag(FLAGS_metrics_port));
    if (!m.ok()) {
      LogJson({{"msg", "cannot start metrics server"}, {"error", m.status().ToString()}});
      return 1;
    }
    metrics_server = std::move(m).value();
  }
  LogJson({{"msg", "gateway serving"},
           {"port", (*http)->port()},
           {"metrics_port", metrics_server ? metrics_server->port() : -1},
           {"routes", static_cast<long>(routes->routes().size())}});

  // Drain: readiness turns 503 at once, in-flight requests get --drain_deadline, then exit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signo = 0;
  sigwait(&signals, &signo);
  gateway.SetDraining();
  LogJson({{"msg", "draining"}, {"signal", signo}});
  const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_drain_deadline);
  while (http_metrics.in_flight() > 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(20));
  (*http)->Stop();
  LogJson({{"msg", "stopped"}, {"abandoned", static_cast<long>(http_metrics.in_flight())}});
  // Calls abandoned past the drain deadline may still complete on gRPC threads; exit without
  // running destructors under them.
  std::fflush(stderr);
  std::_Exit(0);
}

}  // namespace
}  // namespace meltingdoc::gateway

int main(int argc, char** argv) {
  // SIGTERM/SIGINT are taken by sigwait in Run(); block them before any thread exists so no
  // other thread receives them. (Not server::BlockTerminationSignals: linking server.cc would
  // bring the services' flags, --pg_url and all, into the gateway's.)
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Debian's Abseil is built without NDEBUG, so absl::Mutex (gRPC's mutexes included) keeps
  // a global lock-order graph for deadlock detection: on every lock taken while holding
  // another, and for every mutex destroyed (gRPC makes and drops several per call), under one
  // process-wide lock. perf found it at ~3 % of the gateway's CPU per request.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  meltingdoc::ParseFlagsWithEnvironment("gateway", argc, argv);
  return meltingdoc::gateway::Run();
}
