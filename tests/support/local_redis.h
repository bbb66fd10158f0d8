// A private redis-server for tests that stop and restart Redis: own port; no persistence, or
// an append-only file as deployments run it (deploy/local, compose), so that a restart after
// a kill keeps what Redis acknowledged.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

class LocalRedis {
 public:
  enum class Persistence { kNone, kAppendOnly };
  static absl::StatusOr<std::unique_ptr<LocalRedis>> Create(Persistence persistence = Persistence::kNone);
  ~LocalRedis();
  int port() const { return port_; }
  absl::Status Start();  // waits until it answers PING
  void Kill();           // SIGKILL, like a crash

 private:
  LocalRedis(int port, std::string dir) : port_(port), dir_(std::move(dir)) {}
  int port_;
  std::string dir_;  // the append-only file's directory; empty without persistence
  std::unique_ptr<Subprocess> process_;
};

}  // namespace meltingdoc::testing
