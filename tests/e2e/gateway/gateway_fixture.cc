#include "tests/e2e/gateway/gateway_fixture.h"

#include <stdlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/uuid.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

SuiteStack* GatewayStack::stack_ = nullptr;
ScratchDatabase* GatewayStack::db_ = nullptr;
const TestTokens* GatewayStack::tokens_ = nullptr;
GatewayProcess* GatewayStack::gateway_ = nullptr;
std::string GatewayStack::web_root_;
std::string GatewayStack::identity_mail_dir_;
std::string GatewayStack::register_dir_;

namespace {
void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}
}  // namespace

void GatewayStack::SetUpTestSuite() {
  if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
  char tmpl[] = "/tmp/meltingdoc-web-XXXXXX";
  web_root_ = ::mkdtemp(tmpl);
  WriteFile(web_root_ + "/index.html", "<!doctype html><title>MeltingDoc</title><script src=\"/app-4f3a9c2b.js\"></script>");
  WriteFile(web_root_ + "/app-4f3a9c2b.js", "console.log('meltingdoc');");
  WriteFile(web_root_ + "/robots.txt", "User-agent: *\nDisallow: /\n");
  auto stack = SuiteStack::Start({.pg_port = SharedPostgresPort(),
                                  .redis_port = SharedRedisPort(),
                                  .gateway = true,
                                  .web_root = web_root_,
                                  // Every test gateway on the shared Redis counts 127.0.0.1 in
                                  // one bucket: keep the per-IP limits out of the way of
                                  // parallel suites (RateLimitsInRedis tests limits alone),
                                  // the strict one too (the route matrix alone calls each
                                  // strict route, e.g. the *Verification* ones, 5 times).
                                  // A 3 s deadline: registration hashes with argon2id, which
                                  // took over 1 s when the browser test ran beside this one.
                                  .gateway_env = {{"MELTINGDOC_GATEWAY_DEADLINE", "3s"},
                                                  {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "100000/1m"},
                                                  {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "100000/1m"}},
                                  .service_env = {}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  stack_ = std::move(stack).value().release();
  db_ = &stack_->db();
  tokens_ = &stack_->tokens();
  gateway_ = &stack_->gateway();
  identity_mail_dir_ = stack_->mail_dir();
  register_dir_ = stack_->register_dir();
}

void GatewayStack::TearDownTestSuite() {
  delete stack_;
  stack_ = nullptr;
  db_ = nullptr;
  tokens_ = nullptr;
  gateway_ = nullptr;
  if (!web_root_.empty()) RunCommand("rm -rf " + web_root_);
  identity_mail_dir_.clear();
  register_dir_.clear();
}

void GatewayStack::SetUp() {
  REQUIRE_SHARED_SERVERS();
  ASSERT_NE(gateway_, nullptr) << "the stack did not start";
}

google::protobuf::Struct GatewayStack::Json(const std::string& body) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &s).ok()) << "not JSON: " << body;
  return s;
}

std::string GatewayStack::ProblemFields(const std::string& body) {
  google::protobuf::Struct s = Json(body);
  std::vector<std::string> fields;
  auto it = s.fields().find("errors");
  if (it == s.fields().end()) return "(no errors member)";
  for (const auto& v : it->second.list_value().values()) {
    fields.push_back(v.struct_value().fields().at("field").string_value());
  }
  return absl::StrJoin(fields, ",");
}

}  // namespace meltingdoc::testing
