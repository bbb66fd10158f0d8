// The discussions service: confidential case discussions with a patient-data guard (schema discussions).
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/discussions/discussions_service.h"
#include "services/discussions/pg_discussions_store.h"

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& DiscussionsMigrations();

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "discussions",
      .health_name = meltingdoc::discussions::v1::DiscussionsService::service_full_name(),
      .default_grpc_port = 50053,
      .default_metrics_port = 9103,
      .migrations = {{"service", &DiscussionsMigrations()}, {"outbox", &OutboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunStoreBackedService<meltingdoc::discussions::DiscussionsServiceImpl,
                                                    meltingdoc::discussions::PgDiscussionsStore>(spec, argc, argv);
}
