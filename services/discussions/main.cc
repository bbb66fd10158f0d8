// The discussions service: confidential case discussions with a patient-data guard (schema discussions).
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/discussions/discussions_service.h"
#include "services/discussions/pg_discussions_store.h"

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& DiscussionsMigrations();

namespace {

// The store is a base constructed before the handlers (base-from-member), so it outlives them;
// the handlers also get the runtime's Redis client for unread counts.
class DiscussionsServer : private meltingdoc::runtime::StoreHolder<meltingdoc::discussions::PgDiscussionsStore>,
                          public meltingdoc::discussions::DiscussionsServiceImpl {
 public:
  explicit DiscussionsServer(meltingdoc::runtime::ServiceRuntime& rt)
      : StoreHolder(&rt.pool()),
        DiscussionsServiceImpl(&this->store, &rt.verifier(), &rt.server().executor(), &rt.redis()) {}
};

}  // namespace

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "discussions",
      .health_name = meltingdoc::discussions::v1::DiscussionsService::service_full_name(),
      .default_grpc_port = 50053,
      .default_metrics_port = 9103,
      .migrations = {{"service", &DiscussionsMigrations()}, {"outbox", &OutboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunService(
      spec, argc, argv,
      [](meltingdoc::runtime::ServiceRuntime& rt)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(std::make_unique<DiscussionsServer>(rt));
        return services;
      });
}
