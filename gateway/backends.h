// The gateway's gRPC clients: one reused channel per backend service, unary calls with
// serialized messages through the generic callback API (no I/O thread ever waits on a
// backend), and a health prober that feeds /readyz.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace google::protobuf {
class Message;
}
namespace grpc {
class Channel;
class ChannelCredentials;
class ClientContext;
class Status;
}  // namespace grpc

namespace meltingdoc::gateway {

struct BackendConfig {
  std::string name;     // "identity"
  std::string service;  // "meltingdoc.identity.v1.IdentityService" (also the health name)
  std::string address;  // "127.0.0.1:50051"
  // Methods ("GetCase") that only read, i.e. mapped to GET routes. gRPC itself sends a call once
  // more, within the deadline, when it fails before any answer with:
  // - CANCELLED, any method: a backend that begins shutting down (SIGTERM, a rolling restart)
  //   cancels the calls that reached it but were not yet handed to a handler
  //   (grpc/grpc#41785), and RunUnary skips, with CANCELLED, a call cancelled while queued. No
  //   handler ran, so even a write is safe to send again. A service's drain deadline (10 s)
  //   cancels calls whose handler did run, but only after the gateway's own --deadline (5 s)
  //   has given up on them: keep the gateway's deadline below the services' drain deadline.
  // - UNAVAILABLE, read-only methods only: a write may have committed before its connection
  //   broke.
  std::vector<std::string> read_only_methods;
};

class Backends {
 public:
  // `credentials`: how to reach the backends (libs/tls: mutual TLS from --tls_cert, --tls_key,
  // --tls_ca); null is plaintext.
  explicit Backends(std::vector<BackendConfig> configs,
                    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);
  ~Backends();  // stops the prober

  // Starts a unary call of `grpc_path` on the backend serving `service`. `request`,
  // `response` and `context` must live until `done` runs (on a gRPC thread, exactly once).
  // UNIMPLEMENTED at once (through `done`) when no backend serves `service`.
  void Call(const std::string& service, const std::string& grpc_path, grpc::ClientContext* context,
            const google::protobuf::Message* request, google::protobuf::Message* response,
            std::function<void(grpc::Status)> done);

  // Probes grpc.health.v1.Health/Check of every backend every `interval` (in parallel, each
  // with a deadline of `interval`) on a background thread.
  void StartProbing(absl::Duration interval);
  // True when the last probe found every backend SERVING.
  bool AllServing() const;
  // name -> serving, from the last probe.
  std::map<std::string, bool> ServingByName() const;

 private:
  struct Backend;
  void ProbeOnce(absl::Duration deadline);
  std::vector<std::unique_ptr<Backend>> backends_;
  absl::Notification stop_;
  std::thread prober_;
};

}  // namespace meltingdoc::gateway
