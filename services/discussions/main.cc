// The discussions service: confidential case discussions with a patient-data guard (schema discussions).
#include <unistd.h>

#include "absl/flags/flag.h"
#include "libs/outbox/consumer.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/discussions/discussions_service.h"
#include "services/discussions/pg_discussions_store.h"

ABSL_FLAG(std::string, identity_stream, "meltingdoc.identity",
          "Redis stream of identity's events (AccountDeleted), consumed with group 'discussions'.");
ABSL_FLAG(std::string, consumer_name, "",
          "Name of this instance in the consumer group; stable across restarts. Empty: the host name.");

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& DiscussionsMigrations();

namespace {

using meltingdoc::runtime::ServiceRuntime;

std::string ConsumerName() {
  std::string name = absl::GetFlag(FLAGS_consumer_name);
  if (!name.empty()) return name;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "discussions";
  return host;
}

// The store is a base constructed before the handlers (base-from-member), so it outlives them;
// the handlers also get the runtime's Redis client (unread counts). The identity consumer has
// its own Redis client (its XREADGROUP blocks) and stops with this object, before the pool.
class DiscussionsServer : private meltingdoc::runtime::StoreHolder<meltingdoc::discussions::PgDiscussionsStore>,
                          public meltingdoc::discussions::DiscussionsServiceImpl {
 public:
  explicit DiscussionsServer(ServiceRuntime& rt)
      : StoreHolder(&rt.pool()),
        DiscussionsServiceImpl(&this->store, &rt.verifier(), &rt.server().executor(), &rt.redis()),
        consumer_redis_(rt.redis().options()),
        consumer_(&rt.pool(), &consumer_redis_,
                  meltingdoc::outbox::ConsumerOptions{.stream = absl::GetFlag(FLAGS_identity_stream),
                                                      .group = "discussions",
                                                      .consumer_name = ConsumerName()},
                  &meltingdoc::discussions::ApplyIdentityEvent) {
    consumer_.Start();
  }

  absl::Status SyncSpecialtySpaces() { return this->store.SyncSpecialtySpaces(); }

 private:
  meltingdoc::redis::RedisClient consumer_redis_;
  meltingdoc::outbox::StreamConsumer consumer_;
};

}  // namespace

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "discussions",
      .health_name = meltingdoc::discussions::v1::DiscussionsService::service_full_name(),
      .default_grpc_port = 50053,
      .default_metrics_port = 9103,
      .migrations = {{"service", &DiscussionsMigrations()},
                     {"outbox", &OutboxMigrations()},
                     {"inbox", &InboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunService(
      spec, argc, argv,
      [](ServiceRuntime& rt) -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        auto server = std::make_unique<DiscussionsServer>(rt);
        // Spaces follow the suite's list of specialties (libs/taxonomy) before any call.
        if (absl::Status s = server->SyncSpecialtySpaces(); !s.ok()) return s;
        services.push_back(std::move(server));
        return services;
      });
}
