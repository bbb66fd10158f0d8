#include "gateway/backends.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/blocking_counter.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace meltingdoc::gateway {

using MessageStub = grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message>;


namespace {

// gRPC service config: every method of the backend is sent once more, by gRPC itself and within
// the deadline, when it fails with CANCELLED before any answer; read-only methods also on
// UNAVAILABLE (see BackendConfig for why each is safe).
std::string RetryServiceConfig(const BackendConfig& config) {
  auto policy = [](absl::string_view codes) {
    return absl::StrCat(R"("retryPolicy":{"maxAttempts":2,"initialBackoff":"0.05s","maxBackoff":"0.2s",)",
                        R"("backoffMultiplier":2,"retryableStatusCodes":[)", codes, "]}");
  };
  // The service-wide entry (no method) applies to every method without an entry of its own.
  std::string method_configs = absl::StrCat(R"({"name":[{"service":")", config.service, R"("}],)",
                                            policy(R"("CANCELLED")"), "}");
  if (!config.read_only_methods.empty()) {
    std::vector<std::string> names;
    for (const std::string& method : config.read_only_methods) {
      names.push_back(absl::StrCat(R"({"service":")", config.service, R"(","method":")", method, R"("})"));
    }
    absl::StrAppend(&method_configs, R"(,{"name":[)", absl::StrJoin(names, ","), "],",
                    policy(R"("UNAVAILABLE","CANCELLED")"), "}");
  }
  return absl::StrCat(R"({"methodConfig":[)", method_configs, "]}");
}

}  // namespace

struct Backends::Backend {
  BackendConfig config;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<MessageStub> stub;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  std::atomic<bool> serving{false};
  // When a probe last found it SERVING (absl::ToUnixNanos; 0: never).
  std::atomic<int64_t> last_serving_ns{0};
};

// How long after its last SERVING probe a backend is still presumed to be coming back: a
// draining process answers NOT_SERVING while its replacement starts (a rolling restart), and
// calls in that window should wait for the replacement rather than fail.
constexpr absl::Duration kReplacementGrace = absl::Seconds(10);

Backends::Backends(std::vector<BackendConfig> configs,
                   std::shared_ptr<grpc::ChannelCredentials> credentials) {
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  for (BackendConfig& c : configs) {
    auto b = std::make_unique<Backend>();
    b->config = std::move(c);
    grpc::ChannelArguments args;
    // A restarted backend is found again within a second, not after gRPC's default backoff
    // (up to two minutes).
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // Calls spread over every address the name resolves to: in Kubernetes the services are
    // headless, one address per ready pod (the default, pick_first, would pin one pod).
    args.SetLoadBalancingPolicyName("round_robin");
    args.SetServiceConfigJSON(RetryServiceConfig(b->config));
    b->channel = grpc::CreateCustomChannel(b->config.address, credentials, args);
    b->stub = std::make_unique<MessageStub>(b->channel);
    b->health = grpc::health::v1::Health::NewStub(b->channel);
    backends_.push_back(std::move(b));
  }
}

Backends::~Backends() {
  stop_.Notify();
  if (prober_.joinable()) prober_.join();
}

void Backends::Call(const std::string& service, const std::string& grpc_path,
                    grpc::ClientContext* context, const google::protobuf::Message* request,
                    google::protobuf::Message* response, std::function<void(grpc::Status)> done) {
  for (const auto& b : backends_) {
    if (b->config.service == service) {
      // A backend that answered SERVING recently and cannot be reached now is most likely
      // being replaced (a rolling restart: the old process drains, reports NOT_SERVING and
      // sends GOAWAY; the reconnect can land on its closing listener): wait for the channel to
      // be ready again, within the deadline, instead of failing at once. A backend that has
      // not served for kReplacementGrace (or never) fails fast (503).
      const int64_t last = b->last_serving_ns.load();
      const bool recently_serving =
          b->serving.load() || (last != 0 && absl::Now() - absl::FromUnixNanos(last) < kReplacementGrace);
      context->set_wait_for_ready(recently_serving);
      b->stub->UnaryCall(context, grpc_path, grpc::StubOptions(), request, response, std::move(done));
      return;
    }
  }
  done(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no backend for this route"));
}

void Backends::StartProbing(absl::Duration interval) {
  ProbeOnce(interval);
  prober_ = std::thread([this, interval] {
    while (!stop_.WaitForNotificationWithTimeout(interval)) ProbeOnce(interval);
  });
}

void Backends::ProbeOnce(absl::Duration deadline) {
  struct Probe {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
  };
  std::vector<Probe> probes(backends_.size());
  absl::BlockingCounter pending(static_cast<int>(backends_.size()));
  for (size_t i = 0; i < backends_.size(); ++i) {
    Backend* b = backends_[i].get();
    Probe& p = probes[i];
    p.context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    p.request.set_service(b->config.service);
    b->health->async()->Check(&p.context, &p.request, &p.response, [b, &p, &pending](grpc::Status s) {
      b->serving = s.ok() && p.response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
      if (b->serving) b->last_serving_ns = absl::ToUnixNanos(absl::Now());
      pending.DecrementCount();
    });
  }
  pending.Wait();
}

bool Backends::AllServing() const {
  for (const auto& b : backends_) {
    if (!b->serving) return false;
  }
  return true;
}

std::map<std::string, bool> Backends::ServingByName() const {
  std::map<std::string, bool> out;
  for (const auto& b : backends_) out[b->config.name] = b->serving;
  return out;
}

}  // namespace meltingdoc::gateway
