#include "tests/support/local_redis.h"

#include <signal.h>
#include <stdlib.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<LocalRedis>> LocalRedis::Create(Persistence persistence) {
  std::string dir;
  if (persistence == Persistence::kAppendOnly) {
    char tmpl[] = "/tmp/meltingdoc-redis-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
    dir = tmpl;
  }
  auto redis = std::unique_ptr<LocalRedis>(new LocalRedis(FreeTcpPort(), dir));
  if (absl::Status s = redis->Start(); !s.ok()) return s;
  return redis;
}

LocalRedis::~LocalRedis() {
  process_.reset();  // SIGKILL
  if (!dir_.empty()) RunCommand("rm -rf " + dir_);
}

absl::Status LocalRedis::Start() {
  std::vector<std::string> argv = {"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                                   "127.0.0.1", "--save", "", "--loglevel", "warning"};
  if (dir_.empty()) {
    argv.insert(argv.end(), {"--appendonly", "no"});
  } else {
    // As deploy/local runs it: every write reaches the file before the reply (a killed
    // process loses nothing it acknowledged; fsync every second covers machine crashes).
    argv.insert(argv.end(), {"--dir", dir_, "--appendonly", "yes", "--appendfsync", "everysec"});
  }
  auto p = Subprocess::Start(argv);
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
