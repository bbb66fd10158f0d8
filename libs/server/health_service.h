// grpc.health.v1.Health, compiled from grpc-proto's health.proto so that it is visible
// through server reflection (gRPC's built-in health service is not).
//
// Statuses are kept per service name; "" is the whole server. Check answers NOT_FOUND for an
// unknown name, as the protocol asks. Watch streams the current status, then every change,
// until the client leaves or the server drains (Shutdown sends NOT_SERVING and ends streams).
#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace meltingdoc::server {

using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  void SetStatus(const std::string& service, ServingStatus status);
  ServingStatus GetStatus(const std::string& service) const;  // SERVICE_UNKNOWN if absent

  // Every service NOT_SERVING from now on (SetStatus is ignored), and every Watch ends.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class WatchReactor;
  friend class WatchReactor;
  void RemoveWatcher(WatchReactor* watcher);

  mutable absl::Mutex mu_;
  std::map<std::string, ServingStatus> statuses_ ABSL_GUARDED_BY(mu_);
  std::set<WatchReactor*> watchers_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace meltingdoc::server
