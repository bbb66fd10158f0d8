// The discussions service: confidential case discussions with a patient-data guard (schema discussions).
#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "libs/common/clock.h"
#include "libs/common/status_macros.h"
#include "libs/outbox/consumer.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "libs/tls/tls_credentials.h"
#include "services/discussions/discussions_service.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/profiles_names.h"

ABSL_FLAG(std::string, identity_stream, "meltingdoc.identity",
          "Redis stream of identity's events (AccountDeleted), consumed with group 'discussions'.");
ABSL_FLAG(std::string, profiles_addr, "127.0.0.1:50052",
          "The profiles service (authors' names, BatchGetProfiles); empty: serve no names.");
ABSL_FLAG(absl::Duration, profiles_timeout, absl::Milliseconds(300),
          "Deadline of a BatchGetProfiles; past it the page is served without names.");
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

// Authors' names from profiles (one BatchGetProfiles per page, cached), over mutual TLS when
// the service has --tls_*; a base of DiscussionsServer so that it is built before the handlers.
struct AuthorNamesHolder {
  explicit AuthorNamesHolder(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    const std::string addr = absl::GetFlag(FLAGS_profiles_addr);
    if (addr.empty() || credentials == nullptr) return;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    args.SetLoadBalancingPolicyName("round_robin");
    source = std::make_unique<meltingdoc::discussions::ProfilesNameSource>(
        grpc::CreateCustomChannel(addr, credentials, args), absl::GetFlag(FLAGS_profiles_timeout));
    names = std::make_unique<meltingdoc::discussions::AuthorNames>(source.get(), &meltingdoc::Clock::Real());
  }
  std::unique_ptr<meltingdoc::discussions::ProfilesNameSource> source;
  std::unique_ptr<meltingdoc::discussions::AuthorNames> names;
};

// The store is a base constructed before the handlers (base-from-member), so it outlives them;
// the handlers also get the runtime's Redis client (unread counts). The identity consumer has
// its own Redis client (its XREADGROUP blocks) and stops with this object, before the pool.
class DiscussionsServer : private meltingdoc::runtime::StoreHolder<meltingdoc::discussions::PgDiscussionsStore>,
                          private AuthorNamesHolder,
                          public meltingdoc::discussions::DiscussionsServiceImpl {
 public:
  DiscussionsServer(ServiceRuntime& rt, std::shared_ptr<grpc::ChannelCredentials> profiles_credentials)
      : StoreHolder(&rt.pool()),
        AuthorNamesHolder(std::move(profiles_credentials)),
        DiscussionsServiceImpl(&this->store, &rt.verifier(), &rt.server().executor(), &rt.redis(),
                               AuthorNamesHolder::names.get()),
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
        ASSIGN_OR_RETURN(auto credentials, meltingdoc::tls::ChannelCredentials(meltingdoc::tls::TlsFilesFromFlags()));
        auto server = std::make_unique<DiscussionsServer>(rt, std::move(credentials));
        // Spaces follow the suite's list of specialties (libs/taxonomy) before any call.
        if (absl::Status s = server->SyncSpecialtySpaces(); !s.ok()) return s;
        services.push_back(std::move(server));
        return services;
      });
}
