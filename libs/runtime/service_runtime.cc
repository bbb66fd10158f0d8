#include "libs/runtime/service_runtime.h"

#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/clock.h"
#include "libs/common/env_flags.h"
#include "libs/common/json_log.h"
#include "libs/server/server_flags.h"
#include "libs/tls/tls_credentials.h"
#include "grpcpp/create_channel.h"

ABSL_FLAG(absl::Duration, startup_timeout, absl::Seconds(60),
          "How long to wait for PostgreSQL at start-up before giving up.");
ABSL_FLAG(bool, migrate_only, false,
          "Apply pending migrations and exit 0 (a deploy step, such as a Kubernetes Job), "
          "without opening any port, connecting to Redis or reading keys.");

ABSL_FLAG(bool, session_check, true,
          "Refuse access tokens whose session has ended (logout, revocation, suspension): identity's "
          "Redis mirror, then identity at --identity_addr; fail closed (UNAVAILABLE) when neither answers. "
          "identity always checks its own sessions.");
ABSL_FLAG(absl::Duration, session_cache, absl::Seconds(1),
          "How long a session found live is trusted without asking Redis again (the longest a "
          "revocation elsewhere can go unnoticed by this process).");
ABSL_FLAG(std::string, identity_addr, "127.0.0.1:50051",
          "identity's gRPC address, asked about a session when the Redis mirror cannot answer "
          "(over mutual TLS with --tls_*).");

namespace meltingdoc::runtime {

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(const ServiceSpec& spec,
                                                                      int argc, char** argv) {
  server::BlockTerminationSignals();
  absl::SetFlag(&FLAGS_grpc_port, spec.default_grpc_port);
  absl::SetFlag(&FLAGS_metrics_port, spec.default_metrics_port);
  ParseFlagsWithEnvironment(spec.name, argc, argv);
  auto runtime = std::unique_ptr<ServiceRuntime>(new ServiceRuntime(spec));
  if (absl::Status s = runtime->Init(); !s.ok()) return s;
  return runtime;
}

ServiceRuntime::~ServiceRuntime() = default;

absl::Status ServiceRuntime::Init() {
  pg::PoolOptions pool_options;
  pool_options.url = absl::GetFlag(FLAGS_pg_url);
  pool_options.schema = spec_.name;
  pool_options.size = std::max(1, absl::GetFlag(FLAGS_pg_pool_size));
  pool_ = pg::Pool::Create(std::move(pool_options));

  // Containers start in any order: wait for the database rather than crash-loop.
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_startup_timeout);
  while (true) {
    absl::StatusOr<int> applied = pg::ApplyMigrations(*pool_, spec_.name, spec_.migrations);
    if (applied.ok()) {
      LogJson({{"msg", absl::string_view("migrations applied")},
               {"service", absl::string_view(spec_.name)},
               {"count", static_cast<int64_t>(*applied)}});
      break;
    }
    if (applied.status().code() != absl::StatusCode::kUnavailable || absl::Now() >= give_up) {
      return applied.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (absl::GetFlag(FLAGS_migrate_only)) {
    migrate_only_ = true;
    return absl::OkStatus();
  }

  absl::StatusOr<redis::RedisOptions> redis_options = redis::ParseRedisAddress(absl::GetFlag(FLAGS_redis));
  if (!redis_options.ok()) return redis_options.status();
  redis_ = std::make_unique<redis::RedisClient>(*redis_options);

  const std::string keys_file = absl::GetFlag(FLAGS_public_keys_file);
  if (keys_file.empty()) {
    // Deny by default: with no keys every authenticated call is UNAUTHENTICATED.
    LogJson({{"msg", absl::string_view("no --public_keys_file: every authenticated call will be refused")}});
  } else {
    absl::StatusOr<auth::KeySet> keys = auth::KeySet::LoadFromFile(keys_file);
    if (!keys.ok()) return keys.status();
    keys_ = *std::move(keys);
  }
  verifier_ = std::make_unique<auth::TokenVerifier>(&keys_, &Clock::Real());
  if (spec_.checks_sessions && absl::GetFlag(FLAGS_session_check)) {
    if (absl::Status s = InitSessionCheck(*redis_options); !s.ok()) return s;
  }

  server_ = std::make_unique<server::ServiceServer>(
      server::ServerConfigFromFlags(spec_.name, spec_.health_name));
  server_->AddReadinessProbe("postgresql", [this] { return pool_->Ping(); });

  if (spec_.publishes_events) {
    outbox::RelayOptions relay_options;
    relay_options.stream = absl::StrCat("meltingdoc.", spec_.name);
    relay_ = std::make_unique<outbox::OutboxRelay>(pool_.get(), redis_.get(), relay_options);
    server_->metrics().AddGauge("meltingdoc_outbox_unsent", "Events not yet published to Redis.", [this] {
      absl::StatusOr<int64_t> n = relay_->UnsentCount();
      return n.ok() ? static_cast<double>(*n) : -1.0;
    });
  }
  return absl::OkStatus();
}

absl::Status ServiceRuntime::InitSessionCheck(const redis::RedisOptions& redis) {
  // A check on every call must be fast or not happen: short Redis timeouts, then identity.
  redis::RedisOptions fast = redis;
  fast.connect_timeout = absl::Milliseconds(100);
  fast.command_timeout = absl::Milliseconds(100);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      tls::ChannelCredentials(tls::TlsFilesFromFlags());
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetLoadBalancingPolicyName("round_robin");
  std::shared_ptr<grpc::Channel> identity =
      grpc::CreateCustomChannel(absl::GetFlag(FLAGS_identity_addr), *credentials, args);
  sessions::RevocationChecker::Options options;
  options.live_cache = absl::GetFlag(FLAGS_session_cache);
  revocations_ = std::make_unique<sessions::RevocationChecker>(
      options, fast, sessions::IdentityChannelProbe(std::move(identity), absl::Seconds(1)), &Clock::Real());
  session_guard_ = std::make_unique<sessions::SessionGuard>(revocations_.get());
  verifier_->set_session_check(session_guard_.get());
  return absl::OkStatus();
}

int ServiceRuntime::Run() {
  if (migrate_only_) return 0;
  if (absl::Status s = server_->Start(); !s.ok()) {
    LogJson({{"msg", absl::string_view("cannot start")}, {"error", absl::string_view(s.message())}});
    return 1;
  }
  if (relay_ != nullptr) relay_->Start();
  const int code = server_->WaitForShutdown();
  // The relay stops last: events committed by the drained calls are still published.
  if (relay_ != nullptr) relay_->Stop();
  return code;
}

int RunService(const ServiceSpec& spec, int argc, char** argv, const ServiceFactory& make_services) {
  absl::StatusOr<std::unique_ptr<ServiceRuntime>> runtime = ServiceRuntime::Create(spec, argc, argv);
  if (!runtime.ok()) {
    LogJson({{"msg", absl::string_view("start-up failed")},
             {"service", absl::string_view(spec.name)},
             {"error", absl::string_view(runtime.status().ToString())}});
    return 1;
  }
  if ((*runtime)->migrate_only()) {
    LogJson({{"msg", absl::string_view("migrate only: done")}, {"service", absl::string_view(spec.name)}});
    return 0;
  }
  absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> services = make_services(**runtime);
  if (!services.ok()) {
    LogJson({{"msg", absl::string_view("start-up failed")},
             {"service", absl::string_view(spec.name)},
             {"error", absl::string_view(services.status().ToString())}});
    return 1;
  }
  for (auto& s : *services) (*runtime)->server().RegisterService(s.get());
  return (*runtime)->Run();
}

}  // namespace meltingdoc::runtime
