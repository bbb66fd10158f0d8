// The profiles service: the detailed medical profile and the professional network (schema profiles).
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/profiles/profiles_service.h"
#include "services/profiles/pg_profiles_store.h"

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& ProfilesMigrations();

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "profiles",
      .health_name = meltingdoc::profiles::v1::ProfilesService::service_full_name(),
      .default_grpc_port = 50052,
      .default_metrics_port = 9102,
      .migrations = {{"service", &ProfilesMigrations()}, {"outbox", &OutboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunStoreBackedService<meltingdoc::profiles::ProfilesServiceImpl,
                                                    meltingdoc::profiles::PgProfilesStore>(spec, argc, argv);
}
