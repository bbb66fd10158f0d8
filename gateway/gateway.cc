#include "gateway/gateway.h"

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
#include "gateway/transcoder.h"

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

// A new trace: random trace and parent ids (from a UUID's random bits), not sampled.
std::string NewTraceparent() {
  std::string hex;
  for (int i = 0; i < 2; ++i) {
    for (char c : NewUuid()) {
      if (c != '-') hex.push_back(c);
    }
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

}  // namespace

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

struct Gateway::Exchange {
  HttpRequest request;
  Respond respond;
  absl::Time start;
  std::string request_id;
  std::string traceparent;
  std::string route_label = "unmatched";
  bool quiet = false;  // health probes are counted, not logged
  // Backend call state, alive until the call completes.
  grpc::ClientContext context;
  std::unique_ptr<google::protobuf::Message> rpc_request;
  std::unique_ptr<google::protobuf::Message> rpc_response;
};

Gateway::Gateway(GatewayOptions options, Parts parts) : options_(options), parts_(std::move(parts)) {}

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
  parts_.metrics->Finished(ex->route_label, response.status, latency);
  if (!ex->quiet) {
    // Never the query string (search terms), a header value or a body.
    LogJson({{"msg", "http"},
             {"method", absl::string_view(ex->request.method)},
             {"path", absl::string_view(ex->request.path).substr(0, 200)},
             {"route", absl::string_view(ex->route_label)},
             {"status", response.status},
             {"latency_ms", absl::ToDoubleMilliseconds(latency)},
             {"bytes", static_cast<long>(response.body.size())},
             {"request_id", absl::string_view(ex->request_id)}});
  }
  ex->respond(std::move(response));
}

void Gateway::FinishProblem(const std::shared_ptr<Exchange>& ex, const Problem& problem) {
  HttpResponse r;
  r.status = problem.status;
  r.body = ProblemJson(problem);
  r.SetHeader("Content-Type", "application/problem+json");
  r.SetHeader("Cache-Control", "no-store");
  if (problem.status == 401) r.SetHeader("WWW-Authenticate", "Bearer realm=\"meltingdoc\"");
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

  RouteTable::Lookup lookup = parts_.routes->Find(method, path);
  switch (lookup.outcome) {
    case RouteTable::Outcome::kMatched:
      ex->route_label = lookup.route->label;
      return HandleApi(ex, lookup);
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

void Gateway::HandleApi(std::shared_ptr<Exchange> ex, const RouteTable::Lookup& lookup) {
  const Route& route = *lookup.route;
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

  std::string authorization;
  std::string account;
  if (auto header = req.Header("authorization"); header.has_value()) {
    auto token = BearerAuth::TokenFromHeader(*header);
    if (!token.ok()) return FinishProblem(ex, ProblemFromStatus(token.status(), ex->request_id));
    auto principal = parts_.auth->Verify(*token);
    if (!principal.ok()) return FinishProblem(ex, ProblemFromStatus(principal.status(), ex->request_id));
    authorization = std::string(*header);
    account = principal->account_id;
  }

  if (parts_.rate_limiter == nullptr) {
    return Forward(std::move(ex), lookup.route, lookup.bindings, std::move(authorization));
  }
  const RateClass rate_class = ClassifyMethod(route.method->name(), parts_.strict_methods);
  const Route* route_ptr = lookup.route;
  parts_.rate_limiter->Check(
      rate_class, req.remote_address, account,
      [this, ex, route_ptr, bindings = lookup.bindings, authorization, rate_class](RateDecision d) mutable {
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
            // Fail closed where unthrottled guessing is the risk; open for everything else.
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
        Forward(std::move(ex), route_ptr, std::move(bindings), std::move(authorization));
      });
}

void Gateway::Forward(std::shared_ptr<Exchange> ex, const Route* route_ptr, PathTemplate::Bindings bindings,
                      std::string authorization) {
  const Route& route = *route_ptr;
  const HttpRequest& req = ex->request;
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

  ex->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  if (!authorization.empty()) ex->context.AddMetadata("authorization", authorization);
  ex->context.AddMetadata("x-request-id", ex->request_id);
  ex->context.AddMetadata("traceparent", ex->traceparent);
  if (auto ts = req.Header("tracestate"); ts.has_value() && ts->size() <= 512) {
    ex->context.AddMetadata("tracestate", std::string(*ts));
  }
  parts_.backends->Call(route.service, route.grpc_path, &ex->context, ex->rpc_request.get(),
                        ex->rpc_response.get(), [this, ex, route_ptr](grpc::Status status) {
                          if (!status.ok()) {
                            return FinishProblem(ex, ProblemFromStatus(server::FromGrpcStatus(status),
                                                                       ex->request_id));
                          }
                          auto json = ResponseToJson(*route_ptr, *ex->rpc_response);
                          if (!json.ok()) return FinishProblem(ex, ProblemFromStatus(json.status(), ex->request_id));
                          HttpResponse r;
                          r.SetHeader("Content-Type", "application/json");
                          r.SetHeader("Cache-Control", "no-store");
                          r.body = *std::move(json);
                          Finish(ex, std::move(r));
                        });
}

}  // namespace meltingdoc::gateway
