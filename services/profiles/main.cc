// The profiles service: the detailed medical profile and the professional network (schema
// profiles). Publishes ProfileChanged/ProfileDeleted (outbox → meltingdoc.profiles) and
// consumes identity's stream (meltingdoc.identity) for AccountVerified and AccountDeleted.
#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "libs/outbox/consumer.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "libs/server/server_flags.h"
#include "services/profiles/pg_communes_store.h"
#include "services/profiles/pg_profiles_store.h"
#include "services/profiles/profile_cache.h"
#include "services/profiles/profiles_service.h"

ABSL_FLAG(absl::Duration, profile_cache_ttl, absl::Minutes(30),
          "How long Redis keeps a cached profile (a cached copy is used only while its version is "
          "current, so this bounds memory, not staleness); 0 disables the cache.");
ABSL_FLAG(std::string, identity_consumer_group, "profiles",
          "Consumer group on identity's stream: every profiles instance of one deployment shares it "
          "(each event is applied once); a test stack on a shared Redis takes one of its own.");
ABSL_FLAG(std::string, identity_consumer_name, "",
          "This instance's name in the consumer group of identity's stream; stable across restarts "
          "(default: the host name).");

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& ProfilesMigrations();

namespace meltingdoc::profiles {
namespace {

std::string ConsumerName() {
  std::string name = absl::GetFlag(FLAGS_identity_consumer_name);
  if (!name.empty()) return name;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') return host;
  return "profiles";
}

// What the handlers use, built before them (base-from-member) so it outlives them.
struct ProfilesParts {
  ProfilesParts(runtime::ServiceRuntime& rt, const redis::RedisOptions& redis_options)
      : store(&rt.pool()),
        communes(&rt.pool()),
        cached(&store, &store, &rt.redis(), absl::GetFlag(FLAGS_profile_cache_ttl)),
        consumer_redis(redis_options),
        consumer(&rt.pool(), &consumer_redis,
                 outbox::ConsumerOptions{.stream = "meltingdoc.identity",
                                         .group = absl::GetFlag(FLAGS_identity_consumer_group),
                                         .consumer_name = ConsumerName()},
                 [this](pqxx::transaction_base& txn, const events::v1::Event& event) {
                   return store.ApplyIdentityEvent(txn, event);
                 }) {}
  PgProfilesStore store;
  PgCommunesStore communes;
  CachedProfilesStore cached;  // GetProfile/BatchGetProfiles through Redis; the rest to `store`
  redis::RedisClient consumer_redis;  // XREADGROUP BLOCK holds it: not shared
  outbox::StreamConsumer consumer;
};

class ProfilesServer : private ProfilesParts, public ProfilesServiceImpl {
 public:
  ProfilesServer(runtime::ServiceRuntime& rt, const redis::RedisOptions& redis_options)
      : ProfilesParts(rt, redis_options),
        ProfilesServiceImpl(absl::GetFlag(FLAGS_profile_cache_ttl) > absl::ZeroDuration()
                                ? static_cast<ProfilesStore*>(&cached)
                                : static_cast<ProfilesStore*>(&store),
                            &rt.verifier(), &rt.server().executor(), &communes) {
    consumer.Start();
  }
  ~ProfilesServer() override { consumer.Stop(); }
  absl::Status SyncSpecialties() { return store.SyncSpecialties(); }
};

}  // namespace
}  // namespace meltingdoc::profiles

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "profiles",
      .health_name = meltingdoc::profiles::v1::ProfilesService::service_full_name(),
      .default_grpc_port = 50052,
      .default_metrics_port = 9102,
      .migrations = {{"service", &ProfilesMigrations()},
                     {"outbox", &OutboxMigrations()},
                     {"inbox", &InboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunService(
      spec, argc, argv,
      [](meltingdoc::runtime::ServiceRuntime& rt)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        absl::StatusOr<meltingdoc::redis::RedisOptions> redis_options =
            meltingdoc::redis::ParseRedisAddress(absl::GetFlag(FLAGS_redis));
        if (!redis_options.ok()) return redis_options.status();
        std::vector<std::unique_ptr<grpc::Service>> services;
        auto server = std::make_unique<meltingdoc::profiles::ProfilesServer>(rt, *redis_options);
        // The specialties table follows the suite's one list (libs/taxonomy) before any call.
        if (absl::Status s = server->SyncSpecialties(); !s.ok()) return s;
        services.push_back(std::move(server));
        return services;
      });
}
