#include "tests/support/suite_stack.h"

#include <signal.h>
#include <stdlib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/uuid.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

const std::vector<std::string>& SuiteStack::ServiceNames() {
  static const auto* names = new std::vector<std::string>{"identity", "profiles", "discussions", "search"};
  return *names;
}

absl::StatusOr<std::unique_ptr<SuiteStack>> SuiteStack::Start(SuiteStackOptions options) {
  auto stack = std::unique_ptr<SuiteStack>(new SuiteStack());
  stack->options_ = std::move(options);
  auto db = ScratchDatabase::Create(stack->options_.pg_port);
  if (!db.ok()) return db.status();
  stack->db_ = std::move(db).value();
  char mail[] = "/tmp/meltingdoc-mail-XXXXXX";
  char reg[] = "/tmp/meltingdoc-register-XXXXXX";
  if (::mkdtemp(mail) == nullptr || ::mkdtemp(reg) == nullptr) return absl::InternalError("mkdtemp failed");
  stack->mail_dir_ = mail;
  stack->register_dir_ = reg;
  stack->search_group_ = "search-" + NewUuid();
  stack->profiles_group_ = "profiles-" + NewUuid();
  // Start all, then wait for all: they migrate their schemas in parallel.
  for (const std::string& name : ServiceNames()) {
    auto sp = ServiceProcess::Start(stack->ServiceOptions(name));
    if (!sp.ok()) return sp.status();
    stack->services_[name] = std::move(sp).value();
  }
  for (auto& [name, sp] : stack->services_) {
    if (absl::Status s = sp->WaitForHealth(true); !s.ok()) return absl::Status(s.code(), absl::StrCat(name, ": ", s.message()));
  }
  if (stack->options_.gateway) {
    if (absl::Status s = stack->StartGateway(0, 0); !s.ok()) return s;
  }
  return stack;
}

SuiteStack::~SuiteStack() {
  gateway_.reset();
  services_.clear();
  db_.reset();
  if (!mail_dir_.empty()) RunCommand("rm -rf " + mail_dir_);
  if (!register_dir_.empty()) RunCommand("rm -rf " + register_dir_);
}

std::map<std::string, std::string> SuiteStack::BackendAddresses() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, sp] : services_) out[name] = sp->address();
  return out;
}

ServiceProcessOptions SuiteStack::ServiceOptions(const std::string& name) const {
  ServiceProcessOptions o;
  o.service = name;
  o.pg_url = db_->Url(name);
  o.redis_port = options_.redis_port;
  o.public_keys_file = tokens_.public_keys_file();
  if (name == "identity") {
    o.extra_env["MELTINGDOC_IDENTITY_SIGNING_KEY_FILE"] = tokens_.signing_key_file();
    o.extra_env["MELTINGDOC_IDENTITY_MAIL_DIR"] = mail_dir_;
    o.extra_env["MELTINGDOC_IDENTITY_REGISTER_DIR"] = register_dir_;
  }
  if (name != "identity") {
    // Sessions the mirror cannot answer for are checked with this stack's identity (started
    // first, ServiceNames()).
    o.extra_env[absl::StrCat("MELTINGDOC_", absl::AsciiStrToUpper(name), "_IDENTITY_ADDR")] =
        services_.at("identity")->address();
  }
  if (name == "search") o.extra_env["MELTINGDOC_SEARCH_CONSUMER_GROUP"] = search_group_;
  if (name == "profiles") o.extra_env["MELTINGDOC_PROFILES_IDENTITY_CONSUMER_GROUP"] = profiles_group_;
  if (auto it = options_.service_env.find(name); it != options_.service_env.end()) {
    for (const auto& [k, v] : it->second) o.extra_env[k] = v;
  }
  return o;
}

absl::Status SuiteStack::StartGateway(int port, int metrics_port) {
  auto gw = GatewayProcess::Start({.backends = BackendAddresses(),
                                   .public_keys_file = tokens_.public_keys_file(),
                                   .redis_port = options_.redis_port,
                                   .web_root = options_.web_root,
                                   .extra_env = options_.gateway_env,
                                   .port = port,
                                   .metrics_port = metrics_port});
  if (!gw.ok()) return gw.status();
  gateway_ = std::move(gw).value();
  if (absl::Status s = gateway_->WaitForReady(true); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "\n", gateway_->ReadLog()));
  }
  return absl::OkStatus();
}

absl::Status SuiteStack::RestartService(const std::string& name, int signo) {
  std::unique_ptr<ServiceProcess>& sp = services_.at(name);
  ServiceProcessOptions o = ServiceOptions(name);
  o.grpc_port = sp->grpc_port();
  o.metrics_port = sp->metrics_port();
  sp->process().Signal(signo);
  if (absl::StatusOr<int> code = sp->process().Wait(absl::Seconds(30)); !code.ok()) return code.status();
  sp.reset();
  auto fresh = ServiceProcess::Start(o);
  if (!fresh.ok()) return fresh.status();
  sp = std::move(fresh).value();
  return sp->WaitForHealth(true);
}

absl::StatusOr<int> SuiteStack::ReplaceService(const std::string& name) {
  std::unique_ptr<ServiceProcess>& old = services_.at(name);
  ServiceProcessOptions o = ServiceOptions(name);
  o.grpc_port = old->grpc_port();
  auto fresh = ServiceProcess::Start(o);
  if (!fresh.ok()) return fresh.status();
  if (absl::Status s = (*fresh)->WaitForHealth(true); !s.ok()) return s;
  old->process().Signal(SIGTERM);
  absl::StatusOr<int> code = old->process().Wait(absl::Seconds(30));
  if (!code.ok()) return code.status();
  old = std::move(fresh).value();
  return code;
}

absl::Status SuiteStack::RestartGateway() {
  const int port = gateway_->port();
  const int metrics_port = gateway_->metrics_port();
  gateway_->process().Signal(SIGKILL);
  if (absl::StatusOr<int> code = gateway_->process().Wait(absl::Seconds(10)); !code.ok()) return code.status();
  gateway_.reset();
  return StartGateway(port, metrics_port);
}

}  // namespace meltingdoc::testing
