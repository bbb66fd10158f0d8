// What every service binary does around its handlers, once: flags (with environment
// overrides), signal handling, the database pool and migrations, Redis, token verification
// keys, the outbox relay, the gRPC server with health/reflection/metrics, and the drain.
//
//   int main(int argc, char** argv) {
//     auto runtime = ServiceRuntime::Create(kIdentitySpec, argc, argv);   // exits on bad config
//     IdentityService service(...(*runtime)->pool(), (*runtime)->verifier(), ...);
//     (*runtime)->server().RegisterService(&service);
//     return (*runtime)->Run();
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_verifier.h"
#include "libs/outbox/relay.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "libs/server/server.h"
#include "libs/sessions/revocation_check.h"

namespace meltingdoc::runtime {

struct ServiceSpec {
  std::string name;         // "identity": schema, role, env prefix MELTINGDOC_IDENTITY_*
  std::string health_name;  // full gRPC service name
  int default_grpc_port;
  int default_metrics_port;
  std::vector<pg::MigrationComponent> migrations;
  // Runs an outbox relay publishing this service's events to stream "meltingdoc.<name>".
  bool publishes_events = false;
  // Every authenticated call also checks that the token's session has not ended
  // (libs/sessions: identity's Redis mirror, then identity at --identity_addr), unless
  // --session_check=false. identity sets false: it checks its own mirror and PostgreSQL.
  bool checks_sessions = true;
};

class ServiceRuntime {
 public:
  // Parses flags, connects (waiting up to --startup_timeout for PostgreSQL), migrates.
  // With --migrate_only it stops there (see migrate_only()).
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(const ServiceSpec& spec, int argc,
                                                                char** argv);
  ~ServiceRuntime();

  pg::Pool& pool() { return *pool_; }
  redis::RedisClient& redis() { return *redis_; }
  const auth::TokenVerifier& verifier() const { return *verifier_; }
  server::ServiceServer& server() { return *server_; }
  const ServiceSpec& spec() const { return spec_; }
  // --migrate_only: migrations are applied, nothing else was set up; Run() returns 0 at once.
  bool migrate_only() const { return migrate_only_; }

  // Starts serving and the relay; returns the exit code after SIGTERM/SIGINT and the drain.
  int Run();

 private:
  explicit ServiceRuntime(ServiceSpec spec) : spec_(std::move(spec)) {}
  absl::Status Init();
  absl::Status InitSessionCheck(const redis::RedisOptions& redis);

  ServiceSpec spec_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<redis::RedisClient> redis_;
  auth::KeySet keys_;
  std::unique_ptr<sessions::RevocationChecker> revocations_;
  std::unique_ptr<sessions::SessionGuard> session_guard_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<server::ServiceServer> server_;
  std::unique_ptr<outbox::OutboxRelay> relay_;
  bool migrate_only_ = false;
};

// The services a binary serves, built once the runtime is ready; kept alive until the drain ends.
using ServiceFactory =
    std::function<absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(ServiceRuntime&)>;

// The whole main() of a service: Create, build the services, Run. On a start-up failure it
// writes one JSON log line with the reason and returns 1.
int RunService(const ServiceSpec& spec, int argc, char** argv, const ServiceFactory& make_services);

// The common shape of a service: one gRPC service implementation constructed as
// Impl(Store*, const auth::TokenVerifier*, server::BoundedExecutor*) over a Store(pg::Pool*).
// The store is a base constructed before Impl (base-from-member), so it outlives the handlers.
template <typename Store>
struct StoreHolder {
  explicit StoreHolder(pg::Pool* pool) : store(pool) {}
  Store store;
};

template <typename Impl, typename Store>
class StoreBackedService : private StoreHolder<Store>, public Impl {
 public:
  explicit StoreBackedService(ServiceRuntime& rt)
      : StoreHolder<Store>(&rt.pool()), Impl(&this->store, &rt.verifier(), &rt.server().executor()) {}
};

template <typename Impl, typename Store>
int RunStoreBackedService(const ServiceSpec& spec, int argc, char** argv) {
  return RunService(spec, argc, argv,
                    [](ServiceRuntime& rt) -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
                      std::vector<std::unique_ptr<grpc::Service>> services;
                      services.push_back(std::make_unique<StoreBackedService<Impl, Store>>(rt));
                      return services;
                    });
}

}  // namespace meltingdoc::runtime
