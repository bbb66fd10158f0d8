// The search service: finding colleagues and past cases, indexed from events (schema search).
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "services/search/search_service.h"
#include "services/search/pg_search_store.h"

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "search",
      .health_name = meltingdoc::search::v1::SearchService::service_full_name(),
      .default_grpc_port = 50054,
      .default_metrics_port = 9104,
      .migrations = {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}},
      .publishes_events = false,
  };
  return meltingdoc::runtime::RunStoreBackedService<meltingdoc::search::SearchServiceImpl,
                                                    meltingdoc::search::PgSearchStore>(spec, argc, argv);
}
