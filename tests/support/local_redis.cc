#include "tests/support/local_redis.h"

#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<LocalRedis>> LocalRedis::Create() {
  auto redis = std::unique_ptr<LocalRedis>(new LocalRedis(FreeTcpPort()));
  if (absl::Status s = redis->Start(); !s.ok()) return s;
  return redis;
}

absl::Status LocalRedis::Start() {
  auto p = Subprocess::Start({"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                              "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel",
                              "warning"});
  if (!p.ok()) return p.status();
  process_ = std::move(p).value();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (RunCommand(absl::StrCat("redis-cli -p ", port_, " ping")).output.find("PONG") !=
        std::string::npos) {
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError("redis-server did not answer PING within 10 s");
}

void LocalRedis::Kill() {
  if (process_) {
    process_->Signal(SIGKILL);
    (void)process_->Wait(absl::Seconds(5));
    process_.reset();
  }
}

}  // namespace meltingdoc::testing
