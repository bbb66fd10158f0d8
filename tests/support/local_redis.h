// A private redis-server for tests that stop and restart Redis (own port, no persistence).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

class LocalRedis {
 public:
  static absl::StatusOr<std::unique_ptr<LocalRedis>> Create();
  int port() const { return port_; }
  absl::Status Start();  // waits until it answers PING
  void Kill();           // SIGKILL, like a crash

 private:
  explicit LocalRedis(int port) : port_(port) {}
  int port_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace meltingdoc::testing
