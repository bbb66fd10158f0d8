// Mutual TLS between the processes of the suite, with the certificates deploy/local/make_certs.sh
// creates: services started with MELTINGDOC_<SVC>_TLS_{CERT,KEY,CA} serve a client holding a
// certificate of the same CA, and refuse a plaintext client, a TLS client without a
// certificate, and a client whose certificate another CA signed. The plaintext health port
// (the kubelet's probe) serves health and nothing else, and renewed files are used without
// a restart. The gateway reaches them with its certificate, and not without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/tls/tls_credentials.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "libs/common/uuid.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A directory of certificates made by the script under test; each call is a new CA.
std::string MakeCerts() {
  char tmpl[] = "/tmp/meltingdoc-certs-XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  EXPECT_NE(dir, nullptr);
  const std::string out = absl::StrCat(dir, "/tls");
  CommandResult r = RunCommand(absl::StrCat(SourceDir(), "/deploy/local/make_certs.sh ", out));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return out;
}

tls::TlsFiles Files(const std::string& dir, const std::string& name) {
  tls::TlsFiles f;
  f.cert = absl::StrCat(dir, "/", name, ".pem");
  f.key = absl::StrCat(dir, "/", name, "-key.pem");
  f.ca = absl::StrCat(dir, "/ca.pem");
  return f;
}

std::map<std::string, std::string> TlsEnv(const std::string& service, const tls::TlsFiles& f,
                                          int health_port) {
  const std::string p = absl::StrCat("MELTINGDOC_", absl::AsciiStrToUpper(service), "_");
  return {{p + "TLS_CERT", f.cert}, {p + "TLS_KEY", f.key}, {p + "TLS_CA", f.ca},
          {p + "TLS_REFRESH", "1s"}, {p + "HEALTH_PORT", std::to_string(health_port)}};
}

// One Check with a fresh channel (no connection reuse between cases).
grpc::Status Check(const std::string& target, std::shared_ptr<grpc::ChannelCredentials> creds,
                   const std::string& service, HealthCheckResponse* resp,
                   grpc::ChannelArguments args = grpc::ChannelArguments()) {
  // A connection of its own: gRPC otherwise shares subchannels between channels with the same
  // credentials, and a connection made before a certificate change would answer for it.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(target, creds, args));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest req;
  req.set_service(service);
  return stub->Check(&ctx, req, resp);
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    ca_ = new std::string(MakeCerts());
    other_ca_ = new std::string(MakeCerts());
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value().release();
    tokens_ = new TestTokens();
    for (const char* name : {"identity", "profiles", "discussions", "search"}) {
      const int health_port = FreeTcpPort();
      // The test client is the gateway: its certificate, the same CA.
      auto creds = tls::ChannelCredentials(Files(*ca_, "gateway"));
      ASSERT_TRUE(creds.ok()) << creds.status();
      auto sp = ServiceProcess::Start({.service = name,
                                       .pg_url = db_->Url(name),
                                       .redis_port = SharedRedisPort(),
                                       .public_keys_file = tokens_->public_keys_file(),
                                       .extra_env = TlsEnv(name, Files(*ca_, name), health_port),
                                       .credentials = *creds});
      ASSERT_TRUE(sp.ok()) << sp.status();
      services_[name] = std::move(sp).value().release();
      health_ports_[name] = health_port;
    }
    for (auto& [name, sp] : services_) {
      absl::Status s = sp->WaitForHealth(true);
      ASSERT_TRUE(s.ok()) << name << ": " << s;
    }
  }
  static void TearDownTestSuite() {
    for (auto& [name, sp] : services_) delete sp;
    services_.clear();
    delete tokens_;
    delete db_;
    for (std::string* dir : {ca_, other_ca_}) {
      // MakeCerts made <tmp>/tls: remove <tmp> (rm refuses a path ending in "..").
      if (dir != nullptr) RunCommand(absl::StrCat("rm -rf ", dir->substr(0, dir->rfind('/'))));
      delete dir;
    }
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  static ServiceProcess& Service(const std::string& name) { return *services_.at(name); }

  static std::string* ca_;
  static std::string* other_ca_;
  static ScratchDatabase* db_;
  static TestTokens* tokens_;
  static std::map<std::string, ServiceProcess*> services_;
  static std::map<std::string, int> health_ports_;
};

std::string* TlsTest::ca_ = nullptr;
std::string* TlsTest::other_ca_ = nullptr;
ScratchDatabase* TlsTest::db_ = nullptr;
TestTokens* TlsTest::tokens_ = nullptr;
std::map<std::string, ServiceProcess*> TlsTest::services_;
std::map<std::string, int> TlsTest::health_ports_;

TEST_F(TlsTest, ServesAClientWithACertificateOfTheSameCa) {
  for (const char* client : {"gateway", "profiles", "operator"}) {
    auto creds = tls::ChannelCredentials(Files(*ca_, client));
    ASSERT_TRUE(creds.ok()) << creds.status();
    HealthCheckResponse resp;
    ServiceProcess& identity = Service("identity");
    grpc::Status s = Check(identity.address(), *creds, identity.HealthName(), &resp);
    ASSERT_TRUE(s.ok()) << client << ": " << s.error_message();
    EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING) << client;
  }
  // The service's own RPCs too, by DNS name as well as by IP: the certificate carries both.
  auto creds = tls::ChannelCredentials(Files(*ca_, "gateway"));
  ASSERT_TRUE(creds.ok());
  auto stub = identity::v1::IdentityService::NewStub(grpc::CreateChannel(
      absl::StrCat("localhost:", Service("identity").grpc_port()), *creds));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  identity::v1::GetAccountRequest req;
  req.set_account_id("00000000-0000-4000-8000-000000000000");
  identity::v1::GetAccountResponse resp;
  // Through TLS to the handler, which then wants a token.
  EXPECT_EQ(stub->GetAccount(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsTest, RefusesAPlaintextClient) {
  for (auto& [name, sp] : services_) {
    HealthCheckResponse resp;
    grpc::Status s = Check(sp->address(), grpc::InsecureChannelCredentials(), sp->HealthName(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << name << ": " << s.error_message();
  }
}

TEST_F(TlsTest, RefusesATlsClientWithoutACertificate) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(*ca_ + "/ca.pem");  // trusts the server, shows nothing
  for (auto& [name, sp] : services_) {
    HealthCheckResponse resp;
    grpc::Status s = Check(sp->address(), grpc::SslCredentials(options), sp->HealthName(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << name << ": " << s.error_message();
  }
}

TEST_F(TlsTest, RefusesAClientWhoseCertificateAnotherCaSigned) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(*ca_ + "/ca.pem");  // the client trusts the server...
  options.pem_cert_chain = ReadFile(*other_ca_ + "/gateway.pem");  // ...which must not trust it
  options.pem_private_key = ReadFile(*other_ca_ + "/gateway-key.pem");
  for (auto& [name, sp] : services_) {
    HealthCheckResponse resp;
    grpc::Status s = Check(sp->address(), grpc::SslCredentials(options), sp->HealthName(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << name << ": " << s.error_message();
  }
}

TEST_F(TlsTest, ClientRefusesAServerOfAnotherCaOrUnderAnotherName) {
  ServiceProcess& identity = Service("identity");
  HealthCheckResponse resp;
  // Our client helper, holding the other CA's files, does not trust identity's certificate.
  auto stranger = tls::ChannelCredentials(Files(*other_ca_, "gateway"));
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(Check(identity.address(), *stranger, identity.HealthName(), &resp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Same CA, but dialled as "profiles": identity's certificate does not name it.
  auto creds = tls::ChannelCredentials(Files(*ca_, "gateway"));
  ASSERT_TRUE(creds.ok());
  grpc::ChannelArguments as_profiles;
  as_profiles.SetSslTargetNameOverride("profiles");
  EXPECT_EQ(Check(identity.address(), *creds, identity.HealthName(), &resp, as_profiles).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  grpc::ChannelArguments as_identity;
  as_identity.SetSslTargetNameOverride("identity.meltingdoc.svc.cluster.local");
  grpc::Status s = Check(identity.address(), *creds, identity.HealthName(), &resp, as_identity);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTest, HealthPortIsPlaintextAndServesOnlyHealth) {
  for (auto& [name, sp] : services_) {
    const std::string target = absl::StrCat("127.0.0.1:", health_ports_.at(name));
    HealthCheckResponse resp;
    grpc::Status s = Check(target, grpc::InsecureChannelCredentials(), sp->HealthName(), &resp);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(resp.status(), HealthCheckResponse::SERVING);
  }
  auto stub = identity::v1::IdentityService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", health_ports_.at("identity")), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  identity::v1::GetAccountRequest req;
  identity::v1::GetAccountResponse resp;
  EXPECT_EQ(stub->GetAccount(&ctx, req, &resp).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

// The runbook's command (docs/operations.md) with the operator certificate.
TEST_F(TlsTest, BufCurlWithTheOperatorCertificate) {
  const std::string buf = SourceDir() + "/tests/node_modules/.bin/buf";
  ServiceProcess& identity = Service("identity");
  const std::string tls_args = absl::StrCat(" --cacert ", *ca_, "/ca.pem --cert ", *ca_,
                                            "/operator.pem --key ", *ca_, "/operator-key.pem ");
  CommandResult r = RunCommand(absl::StrCat(buf, " curl --protocol grpc", tls_args,
                                            "--list-methods https://", identity.address()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(identity.HealthName() + "/GetAccount"));
  r = RunCommand(absl::StrCat(buf, " curl --protocol grpc", tls_args, "--data '{\"service\":\"",
                              identity.HealthName(), "\"}' https://", identity.address(),
                              "/grpc.health.v1.Health/Check"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"SERVING\""));
  // Through a port-forward the address is 127.0.0.1 but the certificate names the Service.
  r = RunCommand(absl::StrCat(buf, " curl --protocol grpc", tls_args, "--servername identity.meltingdoc.svc ",
                              "--list-methods https://", identity.address()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand(absl::StrCat(buf, " curl --protocol grpc", tls_args, "--servername profiles ",
                              "--list-methods https://", identity.address()));
  EXPECT_NE(r.exit_code, 0) << "identity's certificate accepted as profiles: " << r.output;
  // Without the client certificate: refused.
  r = RunCommand(absl::StrCat(buf, " curl --protocol grpc --cacert ", *ca_,
                              "/ca.pem --list-methods https://", identity.address()));
  EXPECT_NE(r.exit_code, 0) << r.output;
}

// cert-manager renews certificates in place: the service must use new files without a restart.
TEST_F(TlsTest, RenewedFilesAreUsedWithoutARestart) {
  char tmpl[] = "/tmp/meltingdoc-renew-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto copy = [&](const std::string& from_dir) {
    CommandResult r = RunCommand(absl::StrCat("cp ", from_dir, "/search.pem ", from_dir, "/search-key.pem ",
                                              from_dir, "/ca.pem ", dir, "/"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  copy(*ca_);
  auto creds_a = tls::ChannelCredentials(Files(*ca_, "gateway"));
  auto creds_b = tls::ChannelCredentials(Files(*other_ca_, "gateway"));
  ASSERT_TRUE(creds_a.ok() && creds_b.ok());
  const int health_port = FreeTcpPort();
  auto sp = ServiceProcess::Start({.service = "search",
                                   .pg_url = db_->Url("search"),
                                   .redis_port = SharedRedisPort(),
                                   .public_keys_file = tokens_->public_keys_file(),
                                   .extra_env = TlsEnv("search", Files(dir, "search"), health_port),
                                   .credentials = *creds_a});
  ASSERT_TRUE(sp.ok()) << sp.status();
  ASSERT_TRUE((*sp)->WaitForHealth(true).ok()) << (*sp)->ReadLog();
  HealthCheckResponse resp;
  EXPECT_TRUE(Check((*sp)->address(), *creds_a, (*sp)->HealthName(), &resp).ok());
  EXPECT_FALSE(Check((*sp)->address(), *creds_b, (*sp)->HealthName(), &resp).ok());

  copy(*other_ca_);  // the new CA and certificate, as a renewal to a new issuer would
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  bool switched = false;
  while (!switched && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    switched = Check((*sp)->address(), *creds_b, (*sp)->HealthName(), &resp).ok();
  }
  EXPECT_TRUE(switched) << "the new certificate was not used within 20 s; log:\n" << (*sp)->ReadLog();
  EXPECT_FALSE(Check((*sp)->address(), *creds_a, (*sp)->HealthName(), &resp).ok());
  EXPECT_TRUE((*sp)->process().Running()) << "the same process, not a restarted one";
  RunCommand("rm -rf " + dir);
}

// The gateway with MELTINGDOC_GATEWAY_TLS_*: ready (every backend SERVING over mutual TLS) and
// answering through them; without its certificate, or with another CA's, never ready.
TEST_F(TlsTest, GatewayReachesTheServicesWithItsCertificateOnly) {
  std::map<std::string, std::string> backends;
  for (auto& [name, sp] : services_) backends[name] = absl::StrCat("localhost:", sp->grpc_port());
  auto gateway_env = [](const std::string& dir) {
    const tls::TlsFiles f = Files(dir, "gateway");
    return std::map<std::string, std::string>{{"MELTINGDOC_GATEWAY_TLS_CERT", f.cert},
                                              {"MELTINGDOC_GATEWAY_TLS_KEY", f.key},
                                              {"MELTINGDOC_GATEWAY_TLS_CA", f.ca},
                                              {"MELTINGDOC_GATEWAY_RATE_LIMIT", "false"}};
  };
  auto gateway = GatewayProcess::Start({.backends = backends,
                                        .public_keys_file = tokens_->public_keys_file(),
                                        .redis_port = SharedRedisPort(),
                                        .web_root = "",
                                        .extra_env = gateway_env(*ca_)});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  absl::Status ready = (*gateway)->WaitForReady(true);
  ASSERT_TRUE(ready.ok()) << ready << "\n" << (*gateway)->ReadLog();
  // NOT_FOUND can only come from identity's handler: the call went through.
  const std::string me = NewUuid();
  auto r = HttpGetAs((*gateway)->port(), "/v1/accounts/" + me, tokens_->Pending(me));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404) << r->body;

  for (const auto& [what, env] :
       std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
           {"plaintext", {{"MELTINGDOC_GATEWAY_RATE_LIMIT", "false"}}},
           {"another CA", gateway_env(*other_ca_)}}) {
    auto refused = GatewayProcess::Start({.backends = backends,
                                          .public_keys_file = tokens_->public_keys_file(),
                                          .redis_port = SharedRedisPort(),
                                          .web_root = "",
                                          .extra_env = env});
    ASSERT_TRUE(refused.ok()) << refused.status();
    // Its prober runs every second: give it several rounds to (wrongly) become ready.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    auto readyz = HttpGetAs((*refused)->port(), "/readyz");
    ASSERT_TRUE(readyz.ok()) << readyz.status();
    EXPECT_EQ(readyz->status, 503) << what;
    auto call = HttpGetAs((*refused)->port(), "/v1/accounts/" + me, tokens_->Pending(me));
    ASSERT_TRUE(call.ok()) << call.status();
    EXPECT_EQ(call->status, 503) << what << ": " << call->body;
  }
}

TEST_F(TlsTest, IncompleteTlsFlagsRefuseToStart) {
  auto sp = ServiceProcess::Start(
      {.service = "discussions",
       .pg_url = db_->Url("discussions"),
       .redis_port = SharedRedisPort(),
       .public_keys_file = tokens_->public_keys_file(),
       .extra_env = {{"MELTINGDOC_DISCUSSIONS_TLS_CERT", *ca_ + "/discussions.pem"}},
       .credentials = nullptr});
  ASSERT_TRUE(sp.ok()) << sp.status();
  absl::StatusOr<int> code = (*sp)->process().Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << "still running with half a TLS configuration";
  EXPECT_EQ(*code, 1);
  EXPECT_THAT((*sp)->ReadLog(), HasSubstr("--tls_key"));
}

}  // namespace
}  // namespace meltingdoc::testing
