// Browser sessions, revoked sessions and client addresses through the real gateway and the
// real identity (its own signing key, mails as .eml files), discussions and Redis; and the
// doctor's journey as far as the services on main go.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "tests/e2e/gateway/gateway_fixture.h"
#include "tests/integration/identity_register/register_fixture.h"
#include "tests/support/mail_dir.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "Correct horse battery 42";
constexpr char kGeneralSpace[] = "00000000-0000-4000-8000-000000000001";

// What a browser keeps: the cookies the gateway set (name -> value; "" once cleared).
struct Browser {
  std::map<std::string, std::string> cookies;
  std::map<std::string, std::string> attributes;  // name -> the whole Set-Cookie value

  void Absorb(const HttpResult& r) {
    for (auto [it, end] = r.headers.equal_range("set-cookie"); it != end; ++it) {
      const std::string& v = it->second;
      const std::string pair = v.substr(0, v.find(';'));
      const size_t eq = pair.find('=');
      const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      attributes[name] = v;
      if (absl::StrContains(v, "Max-Age=0;")) {
        cookies.erase(name);
      } else {
        cookies[name] = value;
      }
    }
  }
  std::string CookieHeader() const {
    std::vector<std::string> parts;
    for (const auto& [k, v] : cookies) parts.push_back(absl::StrCat(k, "=", v));
    return absl::StrJoin(parts, "; ");
  }
  std::string Csrf() const {
    auto it = cookies.find("__Host-md_csrf");
    return it == cookies.end() ? "" : it->second;
  }
};

class SessionsE2eTest : public GatewayStack {
 protected:
  static std::string Origin(int p = 0) { return absl::StrCat("http://127.0.0.1:", p == 0 ? port() : p); }

  static HttpResult Send(const std::string& method, const std::string& target, const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers, int to_port = 0) {
    HttpCall call;
    call.method = method;
    call.target = target;
    call.body = body;
    call.headers = std::move(headers);
    if (!body.empty()) call.headers.emplace_back("Content-Type", "application/json");
    auto r = HttpRequest(to_port == 0 ? port() : to_port, call);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResult{};
  }
  // A browser request: its cookies, its Origin and (for writes) the CSRF header.
  static HttpResult BrowserSend(Browser& b, const std::string& method, const std::string& target,
                                const std::string& body = "", bool with_csrf = true, int to_port = 0) {
    std::vector<std::pair<std::string, std::string>> h = {{"Origin", Origin(to_port)}};
    if (!b.cookies.empty()) h.emplace_back("Cookie", b.CookieHeader());
    if (with_csrf && !b.Csrf().empty()) h.emplace_back("X-CSRF-Token", b.Csrf());
    HttpResult r = Send(method, target, body, h, to_port);
    b.Absorb(r);
    return r;
  }

  static std::string Sql(const std::string& sql) {
    auto r = db_->SuperuserSql(sql);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::string(absl::StripAsciiWhitespace(*r)) : "";
  }
  static std::string NewEmail(const std::string& who) {
    return absl::StrCat(who, ".", NewUuid().substr(0, 8), "@chu-lyon.fr");
  }
  static std::string AccountIdOf(const std::string& email) {
    return Sql(absl::StrCat("SELECT account_id FROM identity.accounts WHERE email = '", email, "'"));
  }
  static std::string LoginJson(const std::string& email) {
    return absl::StrCat(R"({"email":")", email, R"(","password":")", kPassword, R"("})");
  }

  // Register and confirm through the gateway, with the code read from identity's mail; then
  // mark the account verified by SQL (RPPS verification is not on main yet).
  static void RegisterConfirmed(const std::string& email, bool verified = true) {
    HttpResult r = Send("POST", "/v1/accounts:register",
                        absl::StrCat(R"({"email":")", email, R"(","password":")", kPassword,
                                     R"(","civility":"Dr","givenName":"Claire","familyName":"Martin"})"),
                        {});
    ASSERT_EQ(r.status, 200) << r.body;
    absl::StatusOr<std::string> code = ConfirmationCodeIn(identity_mail_dir_, email);
    ASSERT_TRUE(code.ok()) << code.status();
    r = Send("POST", "/v1/accounts:confirmEmail", absl::StrCat(R"({"email":")", email, R"(","code":")", *code, R"("})"),
             {});
    ASSERT_EQ(r.status, 200) << r.body;
    if (verified) Sql(absl::StrCat("UPDATE identity.accounts SET status = 'verified' WHERE email = '", email, "'"));
  }
  // An API client's login: the tokens in the body.
  static std::string BearerLogin(const std::string& email, std::vector<std::pair<std::string, std::string>> headers = {},
                                 int to_port = 0) {
    HttpResult r = Send("POST", "/v1/sessions:login", LoginJson(email), std::move(headers), to_port);
    EXPECT_EQ(r.status, 200) << r.body;
    google::protobuf::Struct b = Json(r.body);
    return b.fields().at("tokens").struct_value().fields().at("accessToken").string_value();
  }
  static std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static std::string ProblemType(const HttpResult& r) {
    return Json(r.body).fields().at("type").string_value();
  }
};

TEST_F(SessionsE2eTest, BrowserLoginSetsHostCookiesAndNeverShowsTheTokens) {
  const std::string email = NewEmail("cookies");
  RegisterConfirmed(email);
  Browser b;
  HttpResult r = BrowserSend(b, "POST", "/v1/web/sessions:login", LoginJson(email));
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* name : {"__Host-md_at", "__Host-md_rt"}) {
    ASSERT_TRUE(b.cookies.count(name)) << name;
    EXPECT_THAT(b.attributes[name], HasSubstr("; Path=/; Secure; HttpOnly; SameSite=Strict"));
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr(b.cookies[name])));  // not in the body
  }
  EXPECT_THAT(b.attributes["__Host-md_csrf"], HasSubstr("; Path=/; Secure; SameSite=Strict"));
  EXPECT_THAT(b.attributes["__Host-md_csrf"], ::testing::Not(HasSubstr("HttpOnly")));  // the page reads it
  EXPECT_EQ(b.Csrf().size(), 43u);
  google::protobuf::Struct body = Json(r.body);
  const auto& tokens = body.fields().at("tokens").struct_value().fields();
  EXPECT_EQ(tokens.at("accessToken").string_value(), "");
  EXPECT_EQ(tokens.at("refreshToken").string_value(), "");
  EXPECT_FALSE(tokens.at("sessionId").string_value().empty());
  // What the page shows comes as `claims` (it cannot read the token).
  const auto& claims = body.fields().at("claims").struct_value().fields();
  EXPECT_EQ(claims.at("sub").string_value(), AccountIdOf(email));
  EXPECT_EQ(claims.at("sid").string_value(), tokens.at("sessionId").string_value());
  EXPECT_EQ(claims.at("verification").string_value(), "verified");
  EXPECT_EQ(claims.at("role").string_value(), "doctor");
  EXPECT_GT(claims.at("exp").number_value(), absl::ToUnixSeconds(absl::Now()));
  // Access cookie lifetime = the access token's (<= 15 min); refresh cookie much longer.
  EXPECT_THAT(b.attributes["__Host-md_at"], ::testing::MatchesRegex(".*Max-Age=([1-8][0-9]{0,2}|900);.*"));

  // The cookie authenticates reads without any header.
  const std::string me = AccountIdOf(email);
  r = BrowserSend(b, "GET", "/v1/accounts/" + me, "", /*with_csrf=*/false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(me));

  // Another site's page cannot sign the browser in (Origin), nor can a request without one.
  Browser other;
  r = Send("POST", "/v1/web/sessions:login", LoginJson(email), {{"Origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("csrf-origin"));
  EXPECT_EQ(r.Header("set-cookie"), "");
  r = Send("POST", "/v1/web/sessions:login", LoginJson(email), {});
  EXPECT_EQ(r.status, 403) << r.body;
  // Wrong password: identity's answer, no cookie.
  r = Send("POST", "/v1/web/sessions:login", absl::StrCat(R"({"email":")", email, R"(","password":"not the password 1"})"),
           {{"Origin", Origin()}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.Header("set-cookie"), "");
  r = Send("GET", "/v1/web/sessions:login", "", {{"Origin", Origin()}});
  EXPECT_EQ(r.status, 405) << r.body;
  EXPECT_EQ(r.Header("allow"), "POST");
}

TEST_F(SessionsE2eTest, CookieWritesNeedOriginAndCsrfToken) {
  const std::string email = NewEmail("csrf");
  RegisterConfirmed(email);
  Browser b;
  ASSERT_EQ(BrowserSend(b, "POST", "/v1/web/sessions:login", LoginJson(email)).status, 200);
  const std::string check = R"({"text":"Patiente de 54 ans, douleur thoracique."})";
  // No X-CSRF-Token: refused before any backend work.
  HttpResult r = BrowserSend(b, "POST", "/v1/patient-data:check", check, /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("csrf-token"));
  // A wrong token.
  r = Send("POST", "/v1/patient-data:check", check,
           {{"Origin", Origin()}, {"Cookie", b.CookieHeader()}, {"X-CSRF-Token", std::string(43, 'A')}});
  EXPECT_EQ(r.status, 403) << r.body;
  // The right token from another origin.
  r = Send("POST", "/v1/patient-data:check", check,
           {{"Origin", "https://evil.example"}, {"Cookie", b.CookieHeader()}, {"X-CSRF-Token", b.Csrf()}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("csrf-origin"));
  // Both: through.
  r = BrowserSend(b, "POST", "/v1/patient-data:check", check);
  EXPECT_EQ(r.status, 200) << r.body;
  // An API client with a Bearer header needs neither (a browser cannot forge that header).
  const std::string token = BearerLogin(email);
  r = Send("POST", "/v1/patient-data:check", check, Bearer(token));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SessionsE2eTest, RefreshRotatesCookiesAndAReplayedRefreshCookieEndsTheSession) {
  const std::string email = NewEmail("refresh");
  RegisterConfirmed(email);
  Browser b;
  ASSERT_EQ(BrowserSend(b, "POST", "/v1/web/sessions:login", LoginJson(email)).status, 200);
  const Browser before = b;
  HttpResult r = BrowserSend(b, "POST", "/v1/web/sessions:refresh", "{}", /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403) << r.body;  // spending the refresh cookie needs the CSRF token too
  r = BrowserSend(b, "POST", "/v1/web/sessions:refresh", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(b.cookies["__Host-md_rt"], before.cookies.at("__Host-md_rt"));
  EXPECT_FALSE(b.cookies["__Host-md_at"].empty());  // (equal to the old one within the same second)
  EXPECT_EQ(b.Csrf(), before.Csrf());  // other tabs keep working
  EXPECT_EQ(Json(r.body).fields().at("tokens").struct_value().fields().at("refreshToken").string_value(), "");
  r = BrowserSend(b, "GET", "/v1/accounts/" + AccountIdOf(email), "", false);
  EXPECT_EQ(r.status, 200) << r.body;

  // The old refresh cookie again (stolen and replayed): identity revokes the session; the
  // gateway tells that browser to forget its cookies.
  Browser thief = before;
  r = BrowserSend(thief, "POST", "/v1/web/sessions:refresh", "{}");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_TRUE(thief.cookies.empty());
  // ...and the legitimate browser's fresh access token is refused too: by the gateway
  // (session-revoked), or, while the gateway still trusts its own "live" answer of less than a
  // second ago, by the service behind it, which checks the session too (libs/sessions).
  const absl::Time until = absl::Now() + absl::Seconds(5);
  do {
    r = BrowserSend(b, "GET", "/v1/spaces", "", false);
    if (r.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (absl::Now() < until);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_THAT(ProblemType(r), ::testing::AnyOf(HasSubstr("session-revoked"), HasSubstr("unauthenticated")));
  EXPECT_THAT(r.body, HasSubstr("session has ended"));
}

TEST_F(SessionsE2eTest, SessionsRevokedElsewhereAreRefusedWithinTheCacheTime) {
  const std::string email = NewEmail("revoked");
  RegisterConfirmed(email);
  const std::string laptop = BearerLogin(email);
  const std::string phone = BearerLogin(email);
  // /v1/spaces is discussions': the service itself does not check revocation, so a 401 there
  // can only be the gateway's.
  ASSERT_EQ(Send("GET", "/v1/spaces", "", Bearer(laptop)).status, 200);
  // The phone changes the password: identity revokes every other session (the laptop's),
  // which this gateway never saw: it learns it from identity's Redis mirror.
  HttpResult r = Send("POST", "/v1/accounts:changePassword",
                      absl::StrCat(R"({"currentPassword":")", kPassword, R"(","newPassword":"Another horse battery 43"})"),
                      Bearer(phone));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"revokedSessions\":1"));
  const absl::Time changed = absl::Now();
  do {
    r = Send("GET", "/v1/spaces", "", Bearer(laptop));
    if (r.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (absl::Now() < changed + absl::Seconds(10));
  ASSERT_EQ(r.status, 401) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("session-revoked"));
  EXPECT_LT(absl::Now() - changed, absl::Seconds(3)) << "--revocation_cache is 1 s";
  EXPECT_EQ(Send("GET", "/v1/spaces", "", Bearer(phone)).status, 200);
}

// Redis unreachable: the gateway asks identity (which falls back to PostgreSQL); identity
// unreachable too: 503, never a revoked session let through.
TEST_F(SessionsE2eTest, WithoutRedisIdentityDecidesAndWithoutBothTheGatewayFailsClosed) {
  const std::string email = NewEmail("noredis");
  RegisterConfirmed(email);
  const std::string live = BearerLogin(email);
  const std::string ended = BearerLogin(email);
  ASSERT_EQ(Send("POST", "/v1/sessions:logout", "{}", Bearer(ended)).status, 200);

  const int dead_redis = FreeTcpPort();
  auto gw = GatewayProcess::Start({.backends = BackendAddresses(),
                                   .public_keys_file = PublicKeysFile(),
                                   .redis_port = dead_redis,
                                   .web_root = "",
                                   .extra_env = {}});
  ASSERT_TRUE(gw.ok()) << gw.status();
  ASSERT_TRUE((*gw)->WaitForReady(true).ok());
  EXPECT_EQ(Send("GET", "/v1/spaces", "", Bearer(live), (*gw)->port()).status, 200);
  HttpResult r = Send("GET", "/v1/spaces", "", Bearer(ended), (*gw)->port());
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("session-revoked"));

  auto backends = BackendAddresses();
  backends.erase("identity");  // a closed port
  auto blind = GatewayProcess::Start({.backends = backends,
                                      .public_keys_file = PublicKeysFile(),
                                      .redis_port = dead_redis,
                                      .web_root = "",
                                      .extra_env = {}});
  ASSERT_TRUE(blind.ok()) << blind.status();
  r = Send("GET", "/v1/spaces", "", Bearer(live), (*blind)->port());
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("session-check-unavailable"));
  EXPECT_EQ(r.Header("retry-after"), "5");
  // Anonymous calls need no session check.
  EXPECT_EQ(Send("GET", "/v1/signingKeys", "", {}, (*gw)->port()).status, 200);
}

// X-Forwarded-For only from a trusted proxy: identity records (and throttles) the address
// the gateway established.
TEST_F(SessionsE2eTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  const std::string email = NewEmail("xff");
  RegisterConfirmed(email);
  auto client_ips = [&](const std::string& token, int to_port) {
    HttpResult r = Send("GET", "/v1/sessions", "", Bearer(token), to_port);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ips;
    const google::protobuf::Struct body = Json(r.body);
    for (const auto& s : body.fields().at("sessions").list_value().values()) {
      ips.push_back(s.struct_value().fields().at("clientIp").string_value());
    }
    return absl::StrJoin(ips, ",");
  };
  // The shared gateway trusts nobody: the client's header is ignored.
  std::string token = BearerLogin(email, {{"X-Forwarded-For", "203.0.113.77"}});
  EXPECT_EQ(client_ips(token, port()), "127.0.0.1");
  ASSERT_EQ(Send("POST", "/v1/sessions:logout", "{}", Bearer(token)).status, 200);

  auto proxied = GatewayProcess::Start({.backends = BackendAddresses(),
                                        .public_keys_file = PublicKeysFile(),
                                        .redis_port = SharedRedisPort(),
                                        .web_root = "",
                                        .extra_env = {{"MELTINGDOC_GATEWAY_TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/8"},
                                                      {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "100000/1m"},
                                                      {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "100000/1m"}}});
  ASSERT_TRUE(proxied.ok()) << proxied.status();
  ASSERT_TRUE((*proxied)->WaitForReady(true).ok());
  // Behind a trusted proxy (127.0.0.1) and one of its internal hops: the client is what the
  // first untrusted hop from the right says; the spoofed leftmost entry is ignored.
  token = BearerLogin(email, {{"X-Forwarded-For", "192.0.2.66, 203.0.113.78, 10.1.2.3"}, {"User-Agent", "Firefox/140.0"}},
                      (*proxied)->port());
  EXPECT_EQ(client_ips(token, (*proxied)->port()), "203.0.113.78");
  // The browser's user agent reached identity too (ListSessions shows it).
  HttpResult sessions = Send("GET", "/v1/sessions", "", Bearer(token), (*proxied)->port());
  EXPECT_THAT(sessions.body, HasSubstr("\"userAgent\":\"Firefox/140.0"));
  EXPECT_THAT((*proxied)->ReadLog(), HasSubstr("\"client_ip\":\"203.0.113.78\""));
}

// The doctor's journey with a plain HTTP client acting as the browser, as far as main goes:
// register → confirm (code from the mail) → (verified) → sign in (cookies) → own account →
// RPPS verification against the imported register → spaces → write a case (CSRF) → read it
// → a colleague replies → notification → accept → sign out → the old cookie is refused.
// → the profile created from the register → search finds the case.
TEST_F(SessionsE2eTest, DoctorsJourneyThroughTheGateway) {
  const std::string email = NewEmail("journey");
  RegisterConfirmed(email, /*verified=*/false);
  const std::string me = AccountIdOf(email);
  Browser b;
  ASSERT_EQ(BrowserSend(b, "POST", "/v1/web/sessions:login", LoginJson(email)).status, 200);
  HttpResult r = BrowserSend(b, "GET", "/v1/accounts/" + me, "", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("ACCOUNT_STATUS_PENDING_VERIFICATION"));
  EXPECT_EQ(BrowserSend(b, "GET", "/v1/spaces", "", false).status, 403);  // not verified yet

  // RPPS verification against the national register (an admin imported today's extract):
  // the names match, so the account is verified at once; the new claims come with the next
  // refresh.
  // A number of its own: this stack's profiles sees every AccountVerified of the shared test
  // stream, other stacks' included, and a number is unique among profiles.
  const std::string rpps = TestRpps(static_cast<int>(std::hash<std::string>()(NewUuid()) % 1000000));
  WriteRegisterFile(register_dir_ + "/PS_LibreAcces_Personne_activite_202611300000.txt",
                    {Person(rpps, "MARTIN", "Claire")});
  r = Send("POST", "/v1/register:import", R"({"path":"PS_LibreAcces_Personne_activite_202611300000.txt"})",
           Bearer(tokens_->WithRole(NewUuid(), auth::Role::kAdmin)));
  ASSERT_EQ(r.status, 200) << r.body;
  r = BrowserSend(b, "POST", "/v1/me/verifications", absl::StrCat(R"({"rpps":")", rpps, R"("})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("VERIFICATION_STATE_VERIFIED"));
  r = BrowserSend(b, "GET", "/v1/me", "", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("ACCOUNT_STATUS_VERIFIED"));
  r = BrowserSend(b, "POST", "/v1/web/sessions:refresh", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r.body).fields().at("claims").struct_value().fields().at("verification").string_value(), "verified");
  // identity's AccountVerified makes profiles create the doctor's profile from the register.
  const absl::Time profiled_by = absl::Now() + absl::Seconds(30);
  do {
    r = BrowserSend(b, "GET", "/v1/profiles:me", "", false);
    if (r.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (absl::Now() < profiled_by);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(rpps));
  r = BrowserSend(b, "GET", "/v1/spaces?pageSize=5", "", false);
  ASSERT_EQ(r.status, 200) << r.body;

  // A word no other test writes, to find this case in an index fed by every test stack.
  std::string marker = "marqueur";
  for (char c : NewUuid().substr(0, 8)) marker.push_back(static_cast<char>('a' + (c % 26)));
  r = BrowserSend(b, "POST", "/v1/cases",
                  absl::StrCat(R"({"spaceId":")", kGeneralSpace, R"(","title":"Douleur thoracique atypique )", marker,
                               R"(","body":{"question":"Quel bilan proposer ?"}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string case_id = Json(r.body).fields().at("case").struct_value().fields().at("caseId").string_value();
  // Search finds it once discussions' event has reached the index.
  const absl::Time indexed_by = absl::Now() + absl::Seconds(30);
  do {
    r = BrowserSend(b, "GET", "/v1/search/cases?query=" + marker, "", false);
    if (r.status == 200 && absl::StrContains(r.body, case_id)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (absl::Now() < indexed_by);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(case_id)) << "the case never reached the search index";
  r = BrowserSend(b, "GET", "/v1/cases/" + case_id, "", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("Douleur thoracique atypique"));

  // A colleague (an API client with a Bearer token) answers; the author sees the reply and a
  // notification, and accepts the answer (a cookie write: CSRF token again).
  const std::string colleague_email = NewEmail("colleague");
  RegisterConfirmed(colleague_email);
  const std::string colleague = BearerLogin(colleague_email);
  r = Send("POST", "/v1/cases/" + case_id + "/replies", R"({"text":"Coroscanner, puis avis cardiologique."})",
           Bearer(colleague));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string reply_id = Json(r.body).fields().at("reply").struct_value().fields().at("replyId").string_value();
  r = BrowserSend(b, "GET", "/v1/notifications:unreadCount", "", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"unread\":\"1\""));  // int64 as a string
  r = BrowserSend(b, "GET", "/v1/cases/" + case_id + "/replies", "", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("Coroscanner"));
  r = BrowserSend(b, "POST", "/v1/replies/" + reply_id + ":accept", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  r = BrowserSend(b, "GET", "/v1/cases/" + case_id, "", false);
  EXPECT_THAT(r.body, HasSubstr("CASE_STATUS_RESOLVED"));

  const Browser signed_in = b;
  r = BrowserSend(b, "POST", "/v1/web/sessions:logout", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(b.cookies.empty());
  // The copied cookies of the ended session: refused at once, on any service.
  Browser copy = signed_in;
  r = BrowserSend(copy, "GET", "/v1/cases/" + case_id, "", false);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_THAT(ProblemType(r), HasSubstr("session-revoked"));
  r = BrowserSend(copy, "POST", "/v1/web/sessions:refresh", "{}");
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(SessionsE2eTest, OpenApiDescribesTheBrowserSessionRoutes) {
  HttpResult r = Send("GET", "/openapi.json", "", {});
  ASSERT_EQ(r.status, 200);
  google::protobuf::Struct doc = Json(r.body);
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  for (const char* verb : {"login", "verifySecondFactor", "refresh", "logout"}) {
    ASSERT_TRUE(paths.count(absl::StrCat("/v1/web/sessions:", verb))) << verb;
  }
  const auto& login = paths.at("/v1/web/sessions:login").struct_value().fields().at("post").struct_value().fields();
  EXPECT_EQ(login.at("operationId").string_value(), "WebSessions_Login");
  EXPECT_THAT(login.at("description").string_value(), HasSubstr("__Host-md_csrf"));
  EXPECT_THAT(r.body, HasSubstr("\"in\":\"cookie\",\"name\":\"__Host-md_at\""));
}

// Signing out with an expired (here: missing) access cookie still ends the session: the
// gateway spends the refresh cookie to get a token for Logout.
TEST_F(SessionsE2eTest, LogoutWithOnlyTheRefreshCookieEndsTheSession) {
  const std::string email = NewEmail("logout");
  RegisterConfirmed(email);
  Browser b;
  ASSERT_EQ(BrowserSend(b, "POST", "/v1/web/sessions:login", LoginJson(email)).status, 200);
  Browser stale = b;
  stale.cookies.erase("__Host-md_at");
  HttpResult r = BrowserSend(stale, "POST", "/v1/web/sessions:logout", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(stale.cookies.empty());
  r = BrowserSend(b, "POST", "/v1/web/sessions:refresh", "{}");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM identity.sessions s JOIN identity.accounts a USING (account_id) "
                             "WHERE a.email = '", email, "' AND s.revoked_at IS NULL")),
            "0");
}

}  // namespace
}  // namespace meltingdoc::testing
