#include "gateway/gateway.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "libs/common/json_log.h"
#include "libs/common/request_id.h"
#include "libs/common/uuid.h"
#include "libs/server/grpc_status.h"
#include "libs/text/utf8.h"
#include "gateway/transcoder.h"
#include "gateway/web_session.h"
#include "meltingdoc/identity/v1/identity_service.pb.h"

namespace meltingdoc::gateway {
namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) || absl::ascii_isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// W3C trace context: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", ids not all zero.
bool IsValidTraceparent(absl::string_view t) {
  if (t.size() != 55 || t[2] != '-' || t[35] != '-' || t[52] != '-') return false;
  const absl::string_view version = t.substr(0, 2), trace = t.substr(3, 32), parent = t.substr(36, 16),
                          flags = t.substr(53, 2);
  if (!IsHex(version) || version == "ff" || !IsHex(trace) || !IsHex(parent) || !IsHex(flags)) return false;
  return trace != std::string(32, '0') && parent != std::string(16, '0');
}

// A new trace: random trace and parent ids (one getrandom for both), not sampled.
std::string NewTraceparent() {
  unsigned char b[24];
  randombytes_buf(b, sizeof(b));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(48);
  for (unsigned char c : b) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0x0f]);
  }
  return absl::StrCat("00-", hex.substr(0, 32), "-", hex.substr(32, 16), "-00");
}

// "application/json" with no parameters but an optional charset=utf-8.
bool IsJsonContentType(absl::string_view value) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, ';');
  if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(parts[0]), "application/json")) return false;
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
    if (param.empty()) continue;
    if (!absl::EqualsIgnoreCase(param, "charset=utf-8") && !absl::EqualsIgnoreCase(param, "charset=\"utf-8\"")) {
      return false;
    }
  }
  return true;
}

constexpr char kLoginMethod[] = "meltingdoc.identity.v1.IdentityService.Login";
constexpr char kVerifyMethod[] = "meltingdoc.identity.v1.IdentityService.VerifySecondFactor";
constexpr char kRefreshMethod[] = "meltingdoc.identity.v1.IdentityService.Refresh";
constexpr char kLogoutMethod[] = "meltingdoc.identity.v1.IdentityService.Logout";
constexpr char kRevokeSessionMethod[] = "meltingdoc.identity.v1.IdentityService.RevokeSession";
constexpr char kDeleteAccountMethod[] = "meltingdoc.identity.v1.IdentityService.DeleteAccount";
constexpr char kIdentityService[] = "meltingdoc.identity.v1.IdentityService";
constexpr char kWebSessionsPrefix[] = "/v1/web/sessions:";

// Every value of header `name` (lower case).
std::vector<absl::string_view> HeaderValues(const HttpRequest& request, absl::string_view name) {
  std::vector<absl::string_view> out;
  for (const auto& [k, v] : request.headers) {
    if (k == name) out.push_back(v);
  }
  return out;
}

bool IsSafeMethod(absl::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

const Route* FindRouteOf(const RouteTable& table, absl::string_view method_full_name) {
  for (const Route& r : table.routes()) {
    if (r.method->full_name() == method_full_name && r.http_method == "POST") return &r;
  }
  return nullptr;
}

// The SessionTokens of a LoginResponse / VerifySecondFactorResponse / RefreshResponse, or null.
identity::v1::SessionTokens* MutableTokens(google::protobuf::Message* response) {
  const google::protobuf::FieldDescriptor* f = response->GetDescriptor()->FindFieldByName("tokens");
  if (f == nullptr || f->message_type() != identity::v1::SessionTokens::descriptor()) return nullptr;
  if (!response->GetReflection()->HasField(*response, f)) return nullptr;
  return dynamic_cast<identity::v1::SessionTokens*>(response->GetReflection()->MutableMessage(response, f));
}

void ClearSessionCookies(HttpResponse* r) {
  r->AddHeader("Set-Cookie", ClearCookie(kAccessCookie, true));
  r->AddHeader("Set-Cookie", ClearCookie(kRefreshCookie, true));
  r->AddHeader("Set-Cookie", ClearCookie(kCsrfCookie, false));
}

}  // namespace

RevocationChecker::Probe IdentitySessionProbe(Backends* backends, absl::Duration deadline) {
  return sessions::IdentityProbe(
      [backends](grpc::ClientContext* context, const identity::v1::GetAccountRequest* request,
                 identity::v1::GetAccountResponse* response, std::function<void(grpc::Status)> done) {
        backends->Call(kIdentityService, "/meltingdoc.identity.v1.IdentityService/GetAccount", context, request,
                       response, std::move(done));
      },
      deadline);
}

void AddSecurityHeaders(HttpResponse* r) {
  r->SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  r->SetHeader("X-Content-Type-Options", "nosniff");
  r->SetHeader("Referrer-Policy", "no-referrer");
  r->SetHeader("X-Frame-Options", "DENY");
  r->SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  r->SetHeader("Cross-Origin-Resource-Policy", "same-origin");
  r->SetHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  r->SetHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
}

enum class Gateway::Web { kNone, kLogin, kVerify, kRefresh, kLogout };

struct Gateway::Exchange {
  HttpRequest request;
  Respond respond;
  absl::Time start;
  std::string request_id;
  std::string traceparent;
  std::string client_ip;
  std::string route_label = "unmatched";
  bool quiet = false;  // health probes are counted, not logged
  Web web = Web::kNone;
  // Authentication: the verified principal (absent for anonymous calls), the token, the
  // authorization metadata for the backend, and whether the token came from the cookie.
  std::optional<auth::Principal> principal;
  std::string token;
  std::string authorization;
  bool cookie_auth = false;
  // Backend call state, alive until the call completes.
  grpc::ClientContext context;
  std::unique_ptr<google::protobuf::Message> rpc_request;
  std::unique_ptr<google::protobuf::Message> rpc_response;
};

Gateway::Gateway(GatewayOptions options, Parts parts) : options_(options), parts_(std::move(parts)) {
  login_route_ = FindRouteOf(*parts_.routes, kLoginMethod);
  verify_route_ = FindRouteOf(*parts_.routes, kVerifyMethod);
  refresh_route_ = FindRouteOf(*parts_.routes, kRefreshMethod);
  logout_route_ = FindRouteOf(*parts_.routes, kLogoutMethod);
}

HttpResponse Gateway::EarlyError(int status, absl::string_view detail) {
  const std::string request_id = NewUuid();
  const char* slug = status == 413 ? "body-too-large" : status == 431 ? "headers-too-large" : "malformed-request";
  HttpResponse r;
  r.status = status;
  r.body = ProblemJson(GatewayProblem(status, slug, detail, request_id));
  r.SetHeader("Content-Type", "application/problem+json");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("X-Request-Id", request_id);
  r.close = true;
  AddSecurityHeaders(&r);
  parts_.metrics->Started();
  parts_.metrics->Finished("early_error", status, absl::ZeroDuration());
  LogJson({{"msg", "http"}, {"status", status}, {"route", "early_error"}, {"request_id", request_id}});
  return r;
}

void Gateway::Finish(const std::shared_ptr<Exchange>& ex, HttpResponse response) {
  response.SetHeader("X-Request-Id", ex->request_id);
  AddSecurityHeaders(&response);
  if (ex->request.method == "HEAD") response.body.clear();
  const absl::Duration latency = absl::Now() - ex->start;
  const int status = response.status;
  const long bytes = static_cast<long>(response.body.size());
  // The client first; the metrics and the log line (a write(2)) after, off its path.
  ex->respond(std::move(response));
  parts_.metrics->Finished(ex->route_label, status, latency);
  if (!ex->quiet) {
    // Never the query string (search terms), a header value or a body.
    LogJson({{"msg", "http"},
             {"method", absl::string_view(ex->request.method)},
             {"path", absl::string_view(ex->request.path).substr(0, 200)},
             {"route", absl::string_view(ex->route_label)},
             {"status", status},
             {"latency_ms", absl::ToDoubleMilliseconds(latency)},
             {"bytes", bytes},
             {"client_ip", absl::string_view(ex->client_ip)},
             {"request_id", absl::string_view(ex->request_id)}});
  }
}

void Gateway::FinishProblem(const std::shared_ptr<Exchange>& ex, const Problem& problem) {
  HttpResponse r;
  r.status = problem.status;
  r.body = ProblemJson(problem);
  r.SetHeader("Content-Type", "application/problem+json");
  r.SetHeader("Cache-Control", "no-store");
  if (problem.status == 401) r.SetHeader("WWW-Authenticate", "Bearer realm=\"meltingdoc\"");
  if (problem.retry_after_seconds > 0) r.SetHeader("Retry-After", absl::StrCat(problem.retry_after_seconds));
  // A browser whose refresh was refused has no session left: let it forget the cookies.
  if (problem.status == 401 && (ex->web == Web::kRefresh || ex->web == Web::kLogout)) ClearSessionCookies(&r);
  Finish(ex, std::move(r));
}

void Gateway::Handle(HttpRequest request, Respond respond) {
  auto ex = std::make_shared<Exchange>();
  ex->start = absl::Now();
  ex->request = std::move(request);
  ex->respond = std::move(respond);
  parts_.metrics->Started();
  if (auto id = ex->request.Header("x-request-id"); id.has_value() && IsSaneRequestId(*id)) {
    ex->request_id = std::string(*id);
  } else {
    ex->request_id = NewUuid();
  }
  if (auto tp = ex->request.Header("traceparent"); tp.has_value() && IsValidTraceparent(*tp)) {
    ex->traceparent = std::string(*tp);
  } else {
    ex->traceparent = NewTraceparent();
  }
  if (parts_.trusted_proxies.empty()) {
    ex->client_ip = ClientIp(ex->request.remote_address, "", parts_.trusted_proxies);
  } else {
    ex->client_ip = ClientIp(ex->request.remote_address,
                             absl::StrJoin(HeaderValues(ex->request, "x-forwarded-for"), ","),
                             parts_.trusted_proxies);
  }
  const std::string& path = ex->request.path;
  const std::string& method = ex->request.method;

  if (path == "/healthz" || path == "/readyz") {
    ex->route_label = path.substr(1);
    ex->quiet = true;
    HttpResponse r;
    r.SetHeader("Cache-Control", "no-store");
    if (path == "/healthz") {
      r.SetHeader("Content-Type", "text/plain; charset=utf-8");
      r.body = "ok\n";
      return Finish(ex, std::move(r));
    }
    std::vector<std::string> down;
    for (const auto& [name, serving] : parts_.backends->ServingByName()) {
      if (!serving) down.push_back(name);
    }
    if (draining_) down.push_back("gateway (draining)");
    if (down.empty()) {
      r.SetHeader("Content-Type", "text/plain; charset=utf-8");
      r.body = "ready\n";
      return Finish(ex, std::move(r));
    }
    return FinishProblem(ex, GatewayProblem(503, "not-ready", absl::StrCat("Not serving: ", absl::StrJoin(down, ", "), "."),
                                            ex->request_id));
  }
  if (path == "/openapi.json" && (method == "GET" || method == "HEAD")) {
    ex->route_label = "openapi";
    HttpResponse r;
    r.SetHeader("Content-Type", "application/json");
    r.SetHeader("Cache-Control", "no-cache");
    r.body = parts_.openapi_json;
    return Finish(ex, std::move(r));
  }
  if (absl::StartsWith(path, kWebSessionsPrefix)) {
    return HandleWeb(ex, absl::string_view(path).substr(sizeof(kWebSessionsPrefix) - 1));
  }

  RouteTable::Lookup lookup = parts_.routes->Find(method, path);
  switch (lookup.outcome) {
    case RouteTable::Outcome::kMatched:
      ex->route_label = lookup.route->label;
      return HandleApi(ex, lookup.route, std::move(lookup.bindings));
    case RouteTable::Outcome::kMethodNotAllowed: {
      ex->route_label = "method_not_allowed";
      HttpResponse r;
      r.status = 405;
      r.body = ProblemJson(GatewayProblem(
          405, "method-not-allowed",
          absl::StrCat(method, " is not allowed here; allowed: ", absl::StrJoin(lookup.allowed_methods, ", "), "."),
          ex->request_id));
      r.SetHeader("Content-Type", "application/problem+json");
      r.SetHeader("Cache-Control", "no-store");
      r.SetHeader("Allow", absl::StrJoin(lookup.allowed_methods, ", "));
      return Finish(ex, std::move(r));
    }
    case RouteTable::Outcome::kNotFound:
      break;
  }
  if (method == "GET" || method == "HEAD") {
    if (auto r = parts_.static_files->Serve(ex->request)) {
      ex->route_label = "static";
      return Finish(ex, *std::move(r));
    }
  }
  ex->route_label = "not_found";
  FinishProblem(ex, GatewayProblem(404, "not-found", "No resource at this path.", ex->request_id));
}

void Gateway::HandleWeb(std::shared_ptr<Exchange> ex, absl::string_view verb) {
  const Route* route = nullptr;
  if (verb == "login") {
    ex->web = Web::kLogin;
    route = login_route_;
  } else if (verb == "verifySecondFactor") {
    ex->web = Web::kVerify;
    route = verify_route_;
  } else if (verb == "refresh") {
    ex->web = Web::kRefresh;
    route = refresh_route_;
  } else if (verb == "logout") {
    ex->web = Web::kLogout;
    route = logout_route_;
  }
  if (route == nullptr) {
    ex->web = Web::kNone;
    ex->route_label = "not_found";
    return FinishProblem(ex, GatewayProblem(404, "not-found", "No resource at this path.", ex->request_id));
  }
  ex->route_label = absl::StrCat("POST ", kWebSessionsPrefix, verb);
  if (ex->request.method != "POST") {
    HttpResponse r;
    r.status = 405;
    r.body = ProblemJson(GatewayProblem(405, "method-not-allowed",
                                        absl::StrCat(ex->request.method, " is not allowed here; allowed: POST."),
                                        ex->request_id));
    r.SetHeader("Content-Type", "application/problem+json");
    r.SetHeader("Cache-Control", "no-store");
    r.SetHeader("Allow", "POST");
    return Finish(ex, std::move(r));
  }
  HandleApi(std::move(ex), route, {});
}

void Gateway::HandleApi(std::shared_ptr<Exchange> ex, const Route* route, PathTemplate::Bindings bindings) {
  const HttpRequest& req = ex->request;

  // A body must be JSON; a route without a body mapping gets a 400 from the transcoder.
  if (!req.body.empty()) {
    const auto content_type = req.Header("content-type");
    if (!content_type.has_value() || !IsJsonContentType(*content_type)) {
      return FinishProblem(ex, GatewayProblem(415, "unsupported-media-type",
                                              "The request body must be application/json (UTF-8).",
                                              ex->request_id));
    }
  }

  // Authentication: the Authorization header (API clients) wins over the access cookie
  // (browsers). Signing in needs no token, so the web login routes ignore a stale cookie.
  const std::vector<absl::string_view> cookies = HeaderValues(req, "cookie");
  if (auto header = req.Header("authorization"); header.has_value()) {
    auto token = BearerAuth::TokenFromHeader(*header);
    if (!token.ok()) return FinishProblem(ex, ProblemFromStatus(token.status(), ex->request_id));
    ex->token = std::string(*token);
  } else if (ex->web == Web::kNone || ex->web == Web::kLogout) {
    if (auto cookie = FindCookie(cookies, kAccessCookie); cookie.has_value() && !cookie->empty()) {
      ex->token = *std::move(cookie);
      ex->cookie_auth = true;
    }
  }
  if (!ex->token.empty()) {
    auto principal = parts_.auth->Verify(ex->token);
    if (principal.ok()) {
      ex->principal = *std::move(principal);
      ex->authorization = absl::StrCat("Bearer ", ex->token);
    } else if (ex->web == Web::kLogout && ex->cookie_auth) {
      ex->token.clear();  // an expired access cookie: logout goes through the refresh cookie
    } else {
      return FinishProblem(ex, ProblemFromStatus(principal.status(), ex->request_id));
    }
  }

  // CSRF: whatever the browser sends by itself (cookies) must not be enough to change
  // anything. Origin for every web session route; the double-submit token wherever a cookie
  // authenticates or is spent (refresh, logout).
  const bool needs_csrf_token = (ex->cookie_auth && !IsSafeMethod(req.method)) || ex->web == Web::kRefresh ||
                                ex->web == Web::kLogout;
  if (needs_csrf_token || ex->web != Web::kNone) {
    if (!OriginAllowed(req.Header("origin"), req.Header("host"), parts_.allowed_origins)) {
      return FinishProblem(ex, GatewayProblem(403, "csrf-origin",
                                              "This request must come from the MeltingDoc web client (Origin refused).",
                                              ex->request_id));
    }
    if (needs_csrf_token && !CsrfTokenMatches(FindCookie(cookies, kCsrfCookie), req.Header(kCsrfHeader))) {
      return FinishProblem(ex, GatewayProblem(403, "csrf-token",
                                              "X-CSRF-Token must repeat the __Host-md_csrf cookie.",
                                              ex->request_id));
    }
  }

  if (parts_.revocation == nullptr || !ex->principal.has_value()) {
    return RateLimitThenForward(std::move(ex), route, std::move(bindings));
  }
  parts_.revocation->Check(*ex->principal, ex->token,
                           [this, ex, route, bindings = std::move(bindings)](SessionState state) mutable {
                             switch (state) {
                               case SessionState::kLive:
                                 return RateLimitThenForward(std::move(ex), route, std::move(bindings));
                               case SessionState::kRevoked:
                                 return FinishProblem(
                                     ex, GatewayProblem(401, "session-revoked",
                                                        "This session has ended (signed out). Sign in again.",
                                                        ex->request_id));
                               case SessionState::kUnknown:
                                 break;
                             }
                             // Fail closed: without an answer a revoked session could read.
                             HttpResponse r;
                             r.status = 503;
                             r.body = ProblemJson(GatewayProblem(
                                 503, "session-check-unavailable",
                                 "Your session cannot be checked for a moment. Try again shortly.", ex->request_id));
                             r.SetHeader("Content-Type", "application/problem+json");
                             r.SetHeader("Cache-Control", "no-store");
                             r.SetHeader("Retry-After", "5");
                             Finish(ex, std::move(r));
                           });
}

void Gateway::RateLimitThenForward(std::shared_ptr<Exchange> ex, const Route* route, PathTemplate::Bindings bindings) {
  if (parts_.rate_limiter == nullptr) return Forward(std::move(ex), route, std::move(bindings));
  const RateClass rate_class = ClassifyMethod(route->method->name(), parts_.strict_methods);
  const std::string account = ex->principal.has_value() ? ex->principal->account_id : "";
  parts_.rate_limiter->Check(
      rate_class, ex->client_ip, account,
      [this, ex, route, bindings = std::move(bindings), rate_class](RateDecision d) mutable {
        switch (d.outcome) {
          case RateDecision::Outcome::kAllow:
            break;
          case RateDecision::Outcome::kDeny: {
            const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d.retry_after, absl::Seconds(1))));
            HttpResponse r;
            r.status = 429;
            r.body = ProblemJson(GatewayProblem(
                429, "rate-limited", absl::StrCat("Too many requests. Try again in ", seconds, " s."), ex->request_id));
            r.SetHeader("Content-Type", "application/problem+json");
            r.SetHeader("Cache-Control", "no-store");
            r.SetHeader("Retry-After", absl::StrCat(seconds));
            return Finish(ex, std::move(r));
          }
          case RateDecision::Outcome::kUnavailable:
            // Strict routes: only when the rate limiter's executor is full (they fall back to
            // the gateway's own counters while Redis is down); default routes: while Redis
            // cannot take their counts. Fail closed where unthrottled guessing is the risk;
            // open for everything else.
            if (rate_class == RateClass::kStrict) {
              HttpResponse r;
              r.status = 503;
              r.body = ProblemJson(GatewayProblem(503, "rate-limit-unavailable",
                                                  "This action is unavailable for a moment. Try again shortly.",
                                                  ex->request_id));
              r.SetHeader("Content-Type", "application/problem+json");
              r.SetHeader("Cache-Control", "no-store");
              r.SetHeader("Retry-After", "5");
              return Finish(ex, std::move(r));
            }
            break;
        }
        Forward(std::move(ex), route, std::move(bindings));
      });
}

void Gateway::Forward(std::shared_ptr<Exchange> ex, const Route* route_ptr, PathTemplate::Bindings bindings) {
  const Route& route = *route_ptr;
  const HttpRequest& req = ex->request;
  if (ex->web == Web::kLogout && ex->authorization.empty()) return WebLogoutViaRefresh(std::move(ex));
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->input_type());
  const google::protobuf::Message* response_prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->output_type());
  if (prototype == nullptr || response_prototype == nullptr) {
    return FinishProblem(ex, ProblemFromStatus(absl::InternalError("no message type"), ex->request_id));
  }
  ex->rpc_request.reset(prototype->New());
  ex->rpc_response.reset(response_prototype->New());
  if (absl::Status s = BuildRequest(route, bindings, req.query, req.body, ex->rpc_request.get()); !s.ok()) {
    return FinishProblem(ex, ProblemFromStatus(s, ex->request_id));
  }
  if (ex->web == Web::kRefresh) {
    // The browser's refresh token is the cookie, never the body.
    auto* refresh = dynamic_cast<identity::v1::RefreshRequest*>(ex->rpc_request.get());
    auto cookie = FindCookie(HeaderValues(req, "cookie"), kRefreshCookie);
    if (refresh == nullptr || !cookie.has_value() || cookie->empty()) {
      return FinishProblem(ex, GatewayProblem(401, "no-session", "No session cookie: sign in.", ex->request_id));
    }
    refresh->set_refresh_token(*cookie);
  }

  ex->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  if (!ex->authorization.empty()) ex->context.AddMetadata("authorization", ex->authorization);
  ex->context.AddMetadata("x-request-id", ex->request_id);
  ex->context.AddMetadata("traceparent", ex->traceparent);
  // The client as this gateway established it (never the client's own X-Forwarded-For):
  // identity throttles logins per client IP and records it on sessions.
  ex->context.AddMetadata("x-forwarded-for", ex->client_ip);
  // identity shows it in ListSessions ("Firefox on a laptop") so the user can recognize and
  // revoke a session. Not as `user-agent`: gRPC replaces that with its own.
  if (auto ua = req.Header("user-agent"); ua.has_value() && ua->size() <= 512 && text::IsValidUtf8(*ua)) {
    ex->context.AddMetadata("x-client-user-agent", std::string(*ua));
  }
  if (auto ts = req.Header("tracestate"); ts.has_value() && ts->size() <= 512) {
    ex->context.AddMetadata("tracestate", std::string(*ts));
  }
  parts_.backends->Call(route.service, route.grpc_path, &ex->context, ex->rpc_request.get(),
                        ex->rpc_response.get(), [this, ex, route_ptr](grpc::Status status) {
                          if (!status.ok()) {
                            return FinishProblem(ex, ProblemFromStatus(server::FromGrpcStatus(status),
                                                                       ex->request_id));
                          }
                          FinishOk(ex, route_ptr);
                        });
}

void Gateway::FinishOk(const std::shared_ptr<Exchange>& ex, const Route* route) {
  HttpResponse r;
  std::string claims;
  const std::string& method = route->method->full_name();
  // Sessions this gateway saw end are refused here at once, whatever Redis says.
  if (parts_.revocation != nullptr && ex->principal.has_value()) {
    if (method == kLogoutMethod || method == kDeleteAccountMethod) {
      parts_.revocation->MarkRevoked(ex->principal->session_id);
    } else if (method == kRevokeSessionMethod) {
      const auto* revoke = dynamic_cast<const identity::v1::RevokeSessionRequest*>(ex->rpc_request.get());
      if (revoke != nullptr) parts_.revocation->MarkRevoked(absl::AsciiStrToLower(revoke->session_id()));
    }
  }
  if (ex->web == Web::kLogin || ex->web == Web::kVerify || ex->web == Web::kRefresh) {
    if (identity::v1::SessionTokens* tokens = MutableTokens(ex->rpc_response.get())) {
      const absl::Time now = absl::Now();
      const absl::Duration access_left =
          absl::Seconds(tokens->access_token_expire_time().seconds()) - (now - absl::UnixEpoch());
      const absl::Duration refresh_left =
          absl::Seconds(tokens->refresh_token_expire_time().seconds()) - (now - absl::UnixEpoch());
      // A new sign-in gets a new CSRF token; a refresh keeps the page's one.
      std::optional<std::string> csrf;
      if (ex->web != Web::kLogin) csrf = FindCookie(HeaderValues(ex->request, "cookie"), kCsrfCookie);
      if (!csrf.has_value() || csrf->size() != 43) csrf = NewCsrfToken();
      r.AddHeader("Set-Cookie", SetCookie(kAccessCookie, tokens->access_token(), access_left, true));
      r.AddHeader("Set-Cookie", SetCookie(kRefreshCookie, tokens->refresh_token(), refresh_left, true));
      r.AddHeader("Set-Cookie", SetCookie(kCsrfCookie, *csrf, refresh_left, false));
      // The page cannot read the access token, so it gets the claims it shows (who, which
      // session, role, verification status, expiry) as `claims`, the token's own spelling.
      if (auto p = parts_.auth->Verify(tokens->access_token()); p.ok()) {
        claims = absl::StrCat("{\"sub\":\"", p->account_id, "\",\"sid\":\"", p->session_id, "\",\"role\":\"",
                              auth::RoleName(p->role), "\",\"verification\":\"", auth::VerificationStatusName(p->status),
                              "\",\"exp\":", absl::ToUnixSeconds(p->expires), "}");
      }
      // The page must never hold the tokens: they live in HttpOnly cookies only.
      tokens->clear_access_token();
      tokens->clear_refresh_token();
    }
  } else if (method == kLogoutMethod && (ex->web == Web::kLogout || ex->cookie_auth)) {
    ClearSessionCookies(&r);
  }
  auto json = ResponseToJson(*route, *ex->rpc_response);
  if (!json.ok()) return FinishProblem(ex, ProblemFromStatus(json.status(), ex->request_id));
  if (!claims.empty() && json->size() >= 2 && json->back() == '}') {
    json->pop_back();
    absl::StrAppend(&*json, json->size() > 1 ? "," : "", "\"claims\":", claims, "}");
  }
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("Cache-Control", "no-store");
  r.body = *std::move(json);
  Finish(ex, std::move(r));
}

void Gateway::WebLogoutViaRefresh(std::shared_ptr<Exchange> ex) {
  auto cookie = FindCookie(HeaderValues(ex->request, "cookie"), kRefreshCookie);
  if (!cookie.has_value() || cookie->empty()) {
    // Nothing left to revoke: the browser only has to forget what it holds.
    HttpResponse r;
    ClearSessionCookies(&r);
    r.SetHeader("Content-Type", "application/json");
    r.SetHeader("Cache-Control", "no-store");
    r.body = "{}";
    return Finish(ex, std::move(r));
  }
  struct Call {
    grpc::ClientContext context;
    identity::v1::RefreshRequest request;
    identity::v1::RefreshResponse response;
  };
  auto call = std::make_shared<Call>();
  call->request.set_refresh_token(*cookie);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  call->context.AddMetadata("x-request-id", ex->request_id);
  call->context.AddMetadata("traceparent", ex->traceparent);
  call->context.AddMetadata("x-forwarded-for", ex->client_ip);
  parts_.backends->Call(
      kIdentityService, refresh_route_->grpc_path, &call->context, &call->request, &call->response,
      [this, ex, call](grpc::Status status) mutable {
        if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
          HttpResponse r;  // the session already ended
          ClearSessionCookies(&r);
          r.SetHeader("Content-Type", "application/json");
          r.SetHeader("Cache-Control", "no-store");
          r.body = "{}";
          return Finish(ex, std::move(r));
        }
        if (!status.ok()) {
          return FinishProblem(ex, ProblemFromStatus(server::FromGrpcStatus(status), ex->request_id));
        }
        ex->token = call->response.tokens().access_token();
        ex->authorization = absl::StrCat("Bearer ", ex->token);
        auto principal = parts_.auth->Verify(ex->token);
        if (principal.ok()) ex->principal = *std::move(principal);
        Forward(std::move(ex), logout_route_, {});
      });
}

}  // namespace meltingdoc::gateway
