// The gateway as an HTTP client sees it, in front of the real services: JSON in and out,
// Bearer tokens, problem+json errors with `errors`, 404/405/413/415, 503 and 504 from dead or
// frozen backends, readiness, security headers, static files, OpenAPI, logs and metrics.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "tests/e2e/gateway/gateway_fixture.h"
#include "tests/support/local_redis.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class GatewayE2eTest : public GatewayStack {
 protected:
  static std::string InsertAccount(const std::string& status) {
    const std::string id = NewUuid();
    auto r = db_->SuperuserSql(absl::StrCat(
        "INSERT INTO identity.accounts (account_id, email, civility, given_name, family_name, status) VALUES ('",
        id, "', 'dr.", id.substr(0, 8), "@chu-lyon.fr', 'Dr', 'Claire', 'Martin', '", status, "')"));
    EXPECT_TRUE(r.ok()) << r.status();
    return id;
  }
  static std::string InsertProfile() {
    const std::string id = NewUuid();
    static int rpps = 10000000;
    auto r = db_->SuperuserSql(absl::StrCat(
        "INSERT INTO profiles.profiles (profile_id, rpps, civility, given_name, family_name, specialty_code, "
        "specialty_label, bio) VALUES ('", id, "', '100", ++rpps, "', 'Dr', 'Claire', 'Martin', 'SM20', "
        "'Gynécologie-obstétrique', 'Fertilité, obstétrique')"));
    EXPECT_TRUE(r.ok()) << r.status();
    return id;
  }
  static void ExpectProblem(const HttpResult& r, int status, const std::string& code_or_slug) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
    google::protobuf::Struct p = Json(r.body);
    EXPECT_EQ(p.fields().at("status").number_value(), status);
    EXPECT_THAT(p.fields().at("type").string_value(), HasSubstr(code_or_slug));
    EXPECT_FALSE(p.fields().at("title").string_value().empty());
    EXPECT_EQ(p.fields().at("instance").string_value(), r.Header("x-request-id"));
    EXPECT_TRUE(p.fields().count("errors")) << r.body;
  }
};

TEST_F(GatewayE2eTest, GetAccountAsJsonWithBearerToken) {
  const std::string me = InsertAccount("pending_verification");
  HttpCall call;
  call.target = "/v1/accounts/" + me;
  call.headers = {{"Authorization", "Bearer " + tokens_->Pending(me)}, {"X-Request-Id", "e2e-account-1"}};
  auto r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->Header("cache-control"), "no-store");
  EXPECT_EQ(r->Header("x-request-id"), "e2e-account-1");
  google::protobuf::Struct body = Json(r->body);
  const auto& account = body.fields().at("account").struct_value().fields();
  EXPECT_EQ(account.at("accountId").string_value(), me);  // lowerCamelCase
  EXPECT_EQ(account.at("givenName").string_value(), "Claire");
  EXPECT_EQ(account.at("status").string_value(), "ACCOUNT_STATUS_PENDING_VERIFICATION");  // enum names
  EXPECT_THAT(account.at("createTime").string_value(), ::testing::MatchesRegex("20[0-9-]+T[0-9:.]+Z"));  // RFC 3339
  // The request id reached the service (its call log line carries it).
  EXPECT_THAT(Service("identity").ReadLog(), HasSubstr("\"request_id\":\"e2e-account-1\""));
}

TEST_F(GatewayE2eTest, GetProfileAndListSpaces) {
  const std::string doctor = NewUuid();
  const std::string profile = InsertProfile();
  auto r = HttpGetAs(port(), "/v1/profiles/" + profile, tokens_->VerifiedDoctor(doctor));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  const google::protobuf::Struct body = Json(r->body);
  ASSERT_TRUE(body.fields().count("profile")) << r->body;
  const auto& p = body.fields().at("profile").struct_value().fields();
  ASSERT_TRUE(p.count("profileId")) << r->body;
  EXPECT_EQ(p.at("profileId").string_value(), profile);
  EXPECT_EQ(p.at("specialtyLabel").string_value(), "Gynécologie-obstétrique");
  EXPECT_EQ(p.at("version").string_value(), "1");  // int64 as a string

  r = HttpGetAs(port(), "/v1/spaces?page_size=2", tokens_->VerifiedDoctor(doctor));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  google::protobuf::Struct spaces = Json(r->body);
  EXPECT_LE(spaces.fields().at("spaces").list_value().values_size(), 2);
  EXPECT_TRUE(spaces.fields().count("nextPageToken"));
}

TEST_F(GatewayE2eTest, AuthenticationErrorsAre401Problems) {
  const std::string me = InsertAccount("verified");
  // Anonymous: forwarded without a token, the service refuses.
  auto r = HttpGetAs(port(), "/v1/accounts/" + me);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 401, "unauthenticated");
  EXPECT_THAT(r->Header("www-authenticate"), StartsWith("Bearer"));
  // A token signed by an unknown key, a malformed token, another scheme: refused at the edge.
  TestTokens stranger;
  for (const std::string& header : {"Bearer " + stranger.VerifiedDoctor(me), std::string("Bearer abc.def.ghi"),
                                    std::string("Basic dXNlcjpwYXNz"), std::string("Bearer ")}) {
    HttpCall call;
    call.target = "/v1/accounts/" + me;
    call.headers = {{"Authorization", header}};
    r = HttpRequest(port(), call);
    ASSERT_TRUE(r.ok());
    ExpectProblem(*r, 401, "unauthenticated");
  }
  // An expired token.
  auth::Principal p;
  p.account_id = me;
  p.session_id = NewUuid();
  p.status = auth::VerificationStatus::kVerified;
  r = HttpGetAs(port(), "/v1/accounts/" + me, tokens_->Token(p, absl::Minutes(-5)));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 401, "unauthenticated");
  // No token ever reaches the gateway's log.
  EXPECT_THAT(gateway_->ReadLog(), Not(HasSubstr(stranger.VerifiedDoctor(me).substr(0, 40))));
  EXPECT_THAT(gateway_->ReadLog(), Not(HasSubstr("dXNlcjpwYXNz")));
}

TEST_F(GatewayE2eTest, ServiceErrorsBecomeProblemsWithErrors) {
  const std::string me = InsertAccount("verified");
  const std::string other = InsertAccount("verified");
  auto r = HttpGetAs(port(), "/v1/accounts/" + other, tokens_->VerifiedDoctor(me));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 403, "permission-denied");

  r = HttpGetAs(port(), "/v1/accounts/" + NewUuid(), tokens_->WithRole(me, auth::Role::kModerator));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 404, "not-found");

  r = HttpGetAs(port(), "/v1/accounts/not-a-uuid", tokens_->VerifiedDoctor(me));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "account_id");

  r = HttpGetAs(port(), "/v1/spaces?page_size=101", tokens_->VerifiedDoctor(me));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "page_size");
  EXPECT_THAT(Json(r->body).fields().at("detail").string_value(), HasSubstr("100"));
}

TEST_F(GatewayE2eTest, BadRequestsAre400NamingTheField) {
  const std::string me = NewUuid();
  const std::string token = tokens_->VerifiedDoctor(me);
  auto r = HttpGetAs(port(), "/v1/spaces?colour=red", token);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "colour");

  r = HttpGetAs(port(), "/v1/spaces?page_size=many", token);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "page_size");

  r = HttpGetAs(port(), "/v1/spaces?page_token=%FF", token);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "page_token");

  // A JSON body where the route takes none.
  HttpCall call;
  call.target = "/v1/spaces";
  call.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  call.body = "{\"pageSize\":1}";
  r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 400, "invalid-argument");
  EXPECT_EQ(ProblemFields(r->body), "body");
}

TEST_F(GatewayE2eTest, UnknownPathIs404AndWrongMethodIs405) {
  auto r = HttpGetAs(port(), "/v1/nothing/here");
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 404, "not-found");

  HttpCall call;
  call.method = "DELETE";
  call.target = "/v1/spaces";
  r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 405, "method-not-allowed");
  EXPECT_EQ(r->Header("allow"), "GET");
}

TEST_F(GatewayE2eTest, OversizedBodyIs413AndNonJsonIs415) {
  HttpCall call;
  call.method = "POST";
  call.target = "/v1/spaces";
  call.headers = {{"Content-Type", "application/json"}};
  call.body = std::string((1 << 20) + 1, ' ');
  auto r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok()) << r.status();
  ExpectProblem(*r, 413, "body-too-large");

  call.method = "GET";
  call.body = "page_size=1";
  call.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 415, "unsupported-media-type");
  call.headers = {{"Content-Type", "application/json; charset=latin1"}};
  r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 415, "unsupported-media-type");
}

TEST_F(GatewayE2eTest, FrozenBackendIs504AndNotReadyUntilItThaws) {
  ServiceProcess& profiles = Service("profiles");
  const std::string token = tokens_->VerifiedDoctor(NewUuid());
  ASSERT_TRUE(profiles.process().Signal(SIGSTOP));
  const absl::Time start = absl::Now();
  auto r = HttpGetAs(port(), "/v1/profiles/" + NewUuid(), token);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 504, "deadline-exceeded");
  EXPECT_LT(took, absl::Seconds(6));  // the fixture's 3 s deadline, not a hang
  EXPECT_THAT(r->body, Not(HasSubstr("127.0.0.1")));
  absl::Status s = gateway_->WaitForReady(false, absl::Seconds(10));
  EXPECT_TRUE(s.ok()) << s;
  auto readyz = HttpGetAs(port(), "/readyz");
  EXPECT_THAT(readyz->body, HasSubstr("profiles"));
  // Other backends still answer meanwhile.
  auto spaces = HttpGetAs(port(), "/v1/spaces", token);
  EXPECT_EQ(spaces->status, 200);
  ASSERT_TRUE(profiles.process().Signal(SIGCONT));
  s = gateway_->WaitForReady(true, absl::Seconds(10));
  EXPECT_TRUE(s.ok()) << s;
  r = HttpGetAs(port(), "/v1/profiles/" + NewUuid(), token);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404) << r->body;
}

TEST_F(GatewayE2eTest, DeadBackendIs503AndNotReady) {
  // A second gateway whose search backend does not exist.
  auto backends = BackendAddresses();
  backends.erase("search");
  auto gw = GatewayProcess::Start({.backends = backends,
                                   .public_keys_file = tokens_->public_keys_file(),
                                   .redis_port = SharedRedisPort(),
                                   .web_root = "",
                                   .extra_env = {}});
  ASSERT_TRUE(gw.ok()) << gw.status();
  absl::Status s = (*gw)->WaitForReady(false);
  ASSERT_TRUE(s.ok()) << s;
  auto readyz = HttpGetAs((*gw)->port(), "/readyz");
  ExpectProblem(*readyz, 503, "not-ready");
  EXPECT_THAT(readyz->body, HasSubstr("search"));
  auto r = HttpGetAs((*gw)->port(), "/v1/search/stats", tokens_->WithRole(NewUuid(), auth::Role::kAdmin));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 503, "unavailable");
  EXPECT_THAT(r->body, Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(r->body, Not(HasSubstr("connect")));
  // The live backends are unaffected.
  r = HttpGetAs((*gw)->port(), "/v1/spaces", tokens_->VerifiedDoctor(NewUuid()));
  EXPECT_EQ(r->status, 200);
  // The gateway drains and exits 0 on SIGTERM.
  ASSERT_TRUE((*gw)->process().Signal(SIGTERM));
  auto code = (*gw)->process().Wait(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

// HttpHandler's contract: a request's longest wait (checks, then the backend call; or the web
// logout's two calls) stays within half the HTTP idle timeout (60 s). 20 s alone would, but
// two of them (40 s) do not: refused at start-up, naming the flag and the limit.
TEST_F(GatewayE2eTest, ADeadlineNotWellBelowTheIdleTimeoutIsRefusedAtStartUp) {
  auto gw = GatewayProcess::Start({.backends = BackendAddresses(),
                                   .public_keys_file = tokens_->public_keys_file(),
                                   .redis_port = SharedRedisPort(),
                                   .web_root = "",
                                   .extra_env = {{"MELTINGDOC_GATEWAY_DEADLINE", "20s"}}});
  ASSERT_FALSE(gw.ok()) << "a 20 s backend deadline was accepted";
  EXPECT_THAT(gw.status().message(), HasSubstr("gateway exited"));
  EXPECT_THAT(gw.status().message(), HasSubstr("--deadline=20s"));
  EXPECT_THAT(gw.status().message(), HasSubstr("idle timeout (1m)"));
}

TEST_F(GatewayE2eTest, SecurityHeadersOnEveryKindOfAnswer) {
  std::vector<std::string> targets = {"/v1/spaces", "/v1/nothing", "/", "/app-4f3a9c2b.js", "/healthz"};
  for (const std::string& target : targets) {
    auto r = HttpGetAs(port(), target, tokens_->VerifiedDoctor(NewUuid()));
    ASSERT_TRUE(r.ok()) << target;
    const std::string csp = r->Header("content-security-policy");
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << target;
    EXPECT_THAT(csp, HasSubstr("script-src 'self'")) << target;
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline"))) << target;
    EXPECT_EQ(r->Header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(r->Header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(r->Header("x-frame-options"), "DENY") << target;
    EXPECT_FALSE(r->Header("x-request-id").empty()) << target;
  }
}

TEST_F(GatewayE2eTest, StaticFilesWithCacheHeaders) {
  auto index = HttpGetAs(port(), "/");
  ASSERT_TRUE(index.ok());
  ASSERT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("<title>MeltingDoc</title>"));
  EXPECT_EQ(index->Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->Header("cache-control"), "no-cache");
  const std::string etag = index->Header("etag");
  ASSERT_FALSE(etag.empty());
  HttpCall again;
  again.target = "/index.html";
  again.headers = {{"If-None-Match", etag}};
  auto not_modified = HttpRequest(port(), again);
  EXPECT_EQ(not_modified->status, 304);

  auto asset = HttpGetAs(port(), "/app-4f3a9c2b.js");
  ASSERT_EQ(asset->status, 200);
  EXPECT_EQ(asset->Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset->Header("cache-control"), "public, max-age=31536000, immutable");

  // Client-side routes get the app; API paths and escapes do not.
  HttpCall route;
  route.target = "/doctors/123";
  route.headers = {{"Accept", "text/html,application/xhtml+xml"}};
  auto app = HttpRequest(port(), route);
  EXPECT_EQ(app->status, 200);
  EXPECT_THAT(app->body, HasSubstr("<title>MeltingDoc</title>"));
  route.target = "/v1/doctors";
  EXPECT_EQ(HttpRequest(port(), route)->status, 404);
  for (const char* escape : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/.hidden"}) {
    auto r = HttpGetAs(port(), escape);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404) << escape;
    EXPECT_THAT(r->body, Not(HasSubstr("root:"))) << escape;
  }
}

TEST_F(GatewayE2eTest, OpenApiListsEveryRouteWithProtoComments) {
  auto r = HttpGetAs(port(), "/openapi.json");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200);
  google::protobuf::Struct doc = Json(r->body);
  EXPECT_EQ(doc.fields().at("openapi").string_value(), "3.1.0");
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  ASSERT_TRUE(paths.count("/v1/accounts/{account_id}"));
  const auto& get = paths.at("/v1/accounts/{account_id}").struct_value().fields().at("get").struct_value().fields();
  EXPECT_EQ(get.at("operationId").string_value(), "IdentityService_GetAccount");
  EXPECT_THAT(get.at("description").string_value(), HasSubstr("Returns one account"));
  EXPECT_TRUE(paths.count("/v1/spaces"));
  EXPECT_TRUE(paths.count("/v1/profiles/{profile_id}"));
  EXPECT_TRUE(paths.count("/v1/search/stats"));
  const auto& schemas = doc.fields().at("components").struct_value().fields().at("schemas").struct_value().fields();
  ASSERT_TRUE(schemas.count("meltingdoc.profiles.v1.Profile"));
  EXPECT_THAT(r->body, HasSubstr("11-digit RPPS number"));
}

TEST_F(GatewayE2eTest, AccessLogAndMetrics) {
  HttpCall call;
  call.target = "/v1/spaces?page_token=secret-search-words";
  call.headers = {{"X-Request-Id", "e2e-log-1"}, {"Authorization", "Bearer " + tokens_->VerifiedDoctor(NewUuid())}};
  auto r = HttpRequest(port(), call);
  ASSERT_TRUE(r.ok());
  // The log line may be written just after the answer.
  std::string log;
  for (int i = 0; i < 50 && !absl::StrContains(log, "e2e-log-1"); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    log = gateway_->ReadLog();
  }
  EXPECT_THAT(log, HasSubstr("\"route\":\"GET /v1/spaces\""));
  EXPECT_THAT(log, HasSubstr("\"request_id\":\"e2e-log-1\""));
  EXPECT_THAT(log, Not(HasSubstr("secret-search-words")));
  EXPECT_THAT(log, Not(HasSubstr("Bearer")));
  auto metrics = HttpGet(gateway_->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_http_requests_total{route=\"GET /v1/spaces\",status=\""));
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_http_request_duration_seconds_bucket{route=\"GET /v1/spaces\""));
  EXPECT_THAT(*metrics, HasSubstr("meltingdoc_http_in_flight "));
}

TEST_F(GatewayE2eTest, RateLimitsInRedisWithLocalCountersForStrictRoutesWhenRedisIsDown) {
  // A gateway with its own Redis (killed below), ListSpaces declared strict, tiny limits.
  auto redis = LocalRedis::Create();  // started
  ASSERT_TRUE(redis.ok()) << redis.status();
  auto gw = GatewayProcess::Start({.backends = BackendAddresses(),
                                   .public_keys_file = tokens_->public_keys_file(),
                                   .redis_port = (*redis)->port(),
                                   .web_root = "",
                                   .extra_env = {{"MELTINGDOC_GATEWAY_STRICT_METHODS", "ListSpaces,Login"},
                                                 {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "3/1m"},
                                                 {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "100000/1m"},
                                                 {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_ACCOUNT", "4/1m"}}});
  ASSERT_TRUE(gw.ok()) << gw.status();
  const int gport = (*gw)->port();
  const std::string doctor = tokens_->VerifiedDoctor(NewUuid());

  // Strict route, per IP: 3 pass, the 4th is 429 with Retry-After (~20 s for 3/min).
  for (int i = 0; i < 3; ++i) {
    auto r = HttpGetAs(gport, "/v1/spaces", doctor);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << i << ": " << r->body;
  }
  auto r = HttpGetAs(gport, "/v1/spaces", tokens_->VerifiedDoctor(NewUuid()));  // another account, same IP
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 429, "rate-limited");
  int retry_after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(r->Header("retry-after"), &retry_after)) << r->Header("retry-after");
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 21);

  // Default route, per account: 4 pass for one doctor, the 5th is 429; another doctor passes.
  const std::string busy = tokens_->VerifiedDoctor(NewUuid());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(HttpGetAs(gport, "/v1/profiles/" + NewUuid(), busy)->status, 404) << i;
  }
  ExpectProblem(*HttpGetAs(gport, "/v1/profiles/" + NewUuid(), busy), 429, "rate-limited");
  EXPECT_EQ(HttpGetAs(gport, "/v1/profiles/" + NewUuid(), tokens_->VerifiedDoctor(NewUuid()))->status, 404);

  // Redis down: the strict route is limited by the gateway's own counters (3 pass, the 4th
  // is 429; not a 503 — logins must keep working while Redis restarts), reads stay open.
  (*redis)->Kill();
  for (int i = 0; i < 3; ++i) {
    r = HttpGetAs(gport, "/v1/spaces", tokens_->VerifiedDoctor(NewUuid()));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << i << ": " << r->body;
  }
  r = HttpGetAs(gport, "/v1/spaces", tokens_->VerifiedDoctor(NewUuid()));
  ASSERT_TRUE(r.ok());
  ExpectProblem(*r, 429, "rate-limited");
  EXPECT_EQ(HttpGetAs(gport, "/v1/profiles/" + NewUuid(), busy)->status, 404);

  // Redis back (empty: no script, no counters): limits work again.
  ASSERT_TRUE((*redis)->Start().ok());
  absl::Time until = absl::Now() + absl::Seconds(10);
  int status = 0;
  while (absl::Now() < until && status != 200) {
    status = HttpGetAs(gport, "/v1/spaces", doctor)->status;
    if (status != 200) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(status, 200);
  // No counter or script problem showed up in the log as a crash or leak of tokens.
  EXPECT_THAT((*gw)->ReadLog(), Not(HasSubstr(doctor.substr(0, 40))));
}

// A raw connection: everything `bytes` says sent at once, then (with `half_close`) the
// sending side shut, then all the gateway sends until it closes or 5 s pass.
std::string RawExchange(int port, const std::string& bytes, bool half_close) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    // Without a half close the gateway keeps the connection: stop once the last answer is in.
    if (!half_close && absl::StrContains(out, "pipe-3") && absl::EndsWith(out, "ok\n")) break;
  }
  ::close(fd);
  return out;
}

// The connection reads the next request while a backend answers the current one (its answer
// is sent from a gRPC thread): pipelined requests are still answered one by one, in order.
TEST_F(GatewayE2eTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string doctor = tokens_->VerifiedDoctor(NewUuid());
  auto get = [&](const std::string& target, const std::string& id) {
    return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ", doctor,
                        "\r\nX-Request-Id: ", id, "\r\n\r\n");
  };
  const std::string out = RawExchange(port(),
                                      absl::StrCat(get("/v1/profiles/" + NewUuid(), "pipe-1"),
                                                   get("/v1/profiles/" + NewUuid(), "pipe-2"), get("/healthz", "pipe-3")),
                                      /*half_close=*/false);
  const size_t first = out.find("X-Request-Id: pipe-1"), second = out.find("X-Request-Id: pipe-2"),
               third = out.find("X-Request-Id: pipe-3");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  ASSERT_NE(third, std::string::npos) << out;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(out.find("HTTP/1.1 404"), 0u) << out;  // no such profile
  EXPECT_NE(out.find("HTTP/1.1 404", first), std::string::npos);
  EXPECT_THAT(out, HasSubstr("HTTP/1.1 200 OK"));
}

// A client that sends its request and shuts its sending side (end of stream reaches the
// gateway while the backend still works) still gets the whole answer.
TEST_F(GatewayE2eTest, AnswerArrivesAfterTheClientHalfCloses) {
  const std::string doctor = tokens_->VerifiedDoctor(NewUuid());
  const std::string out = RawExchange(
      port(),
      absl::StrCat("GET /v1/profiles/", NewUuid(), " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ", doctor,
                   "\r\nX-Request-Id: half-1\r\n\r\n"),
      /*half_close=*/true);
  EXPECT_EQ(out.find("HTTP/1.1 404"), 0u) << out;
  EXPECT_THAT(out, HasSubstr("X-Request-Id: half-1"));
  EXPECT_THAT(out, HasSubstr("\"status\":404"));
}

TEST_F(GatewayE2eTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto conn = HttpConnection::Open(port());
  ASSERT_TRUE(conn.ok());
  for (int i = 0; i < 5; ++i) {
    HttpCall call;
    call.target = "/healthz";
    auto r = (*conn)->Send(call);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok\n");
  }
}

}  // namespace
}  // namespace meltingdoc::testing
