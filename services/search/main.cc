// The search service: finding colleagues and past cases, indexed from events (schema search).
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "grpcpp/create_channel.h"
#include "libs/common/clock.h"
#include "libs/common/status_macros.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "libs/tls/tls_credentials.h"
#include "services/search/indexer.h"
#include "services/search/memory_search_store.h"
#include "services/search/pg_reindex_store.h"
#include "services/search/pg_search_store.h"
#include "services/search/search_service.h"

ABSL_FLAG(std::vector<std::string>, event_streams,
          std::vector<std::string>({"meltingdoc.profiles", "meltingdoc.discussions"}),
          "Redis Streams the index is built from (comma-separated).");
ABSL_FLAG(std::string, consumer_group, "search", "Consumer group of the index on every stream.");
ABSL_FLAG(std::string, profiles_addr, "127.0.0.1:50052",
          "The profiles service, source of Reindex (ExportProfiles); empty: no Reindex.");
ABSL_FLAG(std::string, discussions_addr, "127.0.0.1:50053",
          "The discussions service, source of Reindex (ExportCases); empty: no Reindex.");
ABSL_FLAG(std::string, consumer_name, "",
          "This instance's name in the consumer group; stable across restarts so that a "
          "restarted instance finds its own pending events. Default: the host name.");

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

namespace meltingdoc::search {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "search";
  return name;
}

// The store outlives the handlers (constructed first, destroyed last); the indexer runs
// until the server has drained.
struct SearchParts {
  SearchParts(runtime::ServiceRuntime& rt, IndexerOptions options)
      : store(&rt.pool()),
        memory(std::make_shared<MemorySearchStore>(&rt.pool(), &store)),
        reindex_store(&rt.pool()),
        indexer(std::make_shared<Indexer>(&rt.pool(), std::move(options), &Clock::Real())) {}
  PgSearchStore store;
  // SearchDoctors and Suggest from memory, following search.doctors; the rest from `store`.
  // Held by the gauges too; its thread stops with the server (it reads `store`'s pool only).
  std::shared_ptr<MemorySearchStore> memory;
  PgReindexStore reindex_store;
  std::shared_ptr<Indexer> indexer;
};

class SearchServer : private SearchParts, public SearchServiceImpl {
 public:
  SearchServer(runtime::ServiceRuntime& rt, IndexerOptions options,
               std::shared_ptr<grpc::ChannelCredentials> credentials)
      : SearchParts(rt, std::move(options)),
        SearchServiceImpl(memory.get(), &rt.verifier(), &rt.server().executor()) {
    // Reindex's sources, over mutual TLS when the service has --tls_*.
    const std::string profiles_addr = absl::GetFlag(FLAGS_profiles_addr);
    const std::string discussions_addr = absl::GetFlag(FLAGS_discussions_addr);
    if (!profiles_addr.empty() && !discussions_addr.empty() && credentials != nullptr) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
      ReindexOptions ro;
      ro.profiles = grpc::CreateCustomChannel(profiles_addr, credentials, args);
      ro.discussions = grpc::CreateCustomChannel(discussions_addr, credentials, args);
      EnableReindex(&reindex_store, std::move(ro));
    }
    // Gauges hold the indexer: a scrape may come after this object is gone.
    std::shared_ptr<Indexer> idx = indexer;
    server::MetricsRegistry& m = rt.server().metrics();
    m.AddGauge("meltingdoc_search_index_lag_seconds",
               "How far behind the events the index is: 0 when no event waits, else the age of "
               "the last applied event; -1 when unknown (Redis unreachable).",
               [idx] { return idx->LagSeconds(); });
    m.AddGauge("meltingdoc_search_events_waiting",
               "Stream entries not yet applied to the index (undelivered + unacknowledged); -1 "
               "when unknown.",
               [idx] {
                 absl::StatusOr<int64_t> n = idx->Backlog();
                 return n.ok() ? static_cast<double>(*n) : -1.0;
               });
    m.AddGauge("meltingdoc_search_last_apply_delay_seconds",
               "Between the last applied event's occurrence and its application.",
               [idx] { return idx->LastApplyDelaySeconds(); });
    m.AddGauge("meltingdoc_search_events_applied",
               "Events applied since start (including stale ones, ignored by version).",
               [idx] { return static_cast<double>(idx->applied_count()); });
    std::shared_ptr<MemorySearchStore> mem = memory;
    m.AddGauge("meltingdoc_search_memory_doctors",
               "Doctors in the in-memory index (0 until its first load).",
               [mem] { return static_cast<double>(mem->doctor_count()); });
    m.AddGauge("meltingdoc_search_memory_load_seconds",
               "How long the last full load of the in-memory index took.",
               [mem] { return mem->last_load_seconds(); });
    memory->Start();
    indexer->Start();
  }
  ~SearchServer() override {
    indexer->Stop();
    memory->Stop();
  }
};

}  // namespace
}  // namespace meltingdoc::search

int main(int argc, char** argv) {
  using namespace meltingdoc;
  const runtime::ServiceSpec spec{
      .name = "search",
      .health_name = search::v1::SearchService::service_full_name(),
      .default_grpc_port = 50054,
      .default_metrics_port = 9104,
      .migrations = {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}},
      .publishes_events = false,
  };
  return runtime::RunService(
      spec, argc, argv,
      [](runtime::ServiceRuntime& rt)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        search::IndexerOptions options;
        options.streams = absl::GetFlag(FLAGS_event_streams);
        options.group = absl::GetFlag(FLAGS_consumer_group);
        options.consumer_name = absl::GetFlag(FLAGS_consumer_name);
        if (options.consumer_name.empty()) options.consumer_name = search::HostName();
        options.redis = rt.redis().options();
        ASSIGN_OR_RETURN(auto credentials, tls::ChannelCredentials(tls::TlsFilesFromFlags()));
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(
            std::make_unique<search::SearchServer>(rt, std::move(options), std::move(credentials)));
        return services;
      });
}
