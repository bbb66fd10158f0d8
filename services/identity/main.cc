// The identity service: accounts, RPPS verification, sessions (schema identity).
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/identity/identity_service.h"
#include "services/identity/pg_identity_store.h"

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& IdentityMigrations();

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "identity",
      .health_name = meltingdoc::identity::v1::IdentityService::service_full_name(),
      .default_grpc_port = 50051,
      .default_metrics_port = 9101,
      .migrations = {{"service", &IdentityMigrations()}, {"outbox", &OutboxMigrations()}},
      .publishes_events = true,
  };
  return meltingdoc::runtime::RunStoreBackedService<meltingdoc::identity::IdentityServiceImpl,
                                                    meltingdoc::identity::PgIdentityStore>(spec, argc, argv);
}
