#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::testing {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

static int EnvPort(const char* name) {
  int port = 0;
  return absl::SimpleAtoi(EnvOr(name, "0"), &port) ? port : 0;
}

int SharedPostgresPort() { return EnvPort("MELTINGDOC_TEST_PG_PORT"); }
int SharedRedisPort() { return EnvPort("MELTINGDOC_TEST_REDIS_PORT"); }
std::string PostgresBinDir() { return EnvOr("MELTINGDOC_TEST_PG_BINDIR", "/usr/lib/postgresql/15/bin"); }
std::string BinaryDir() { return EnvOr("MELTINGDOC_BINARY_DIR", "."); }
std::string SourceDir() { return EnvOr("MELTINGDOC_SOURCE_DIR", ".."); }

namespace {

// Whether 127.0.0.1:`port` can be bound now (0: any free port); the port bound, or 0.
int TryBind(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof(addr);
  int bound = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    bound = ntohs(addr.sin_port);
  }
  ::close(fd);
  return bound;
}

// Claims `port` for this process among the test processes of this machine: an exclusive
// flock on a file named after it, held until the process exits (the kernel drops it then,
// even after a crash). Two ctest processes (ctest -j2) picked ports independently, checked
// free by bind, and one of them sometimes handed out a port the other had handed out but
// whose service had not bound it yet ("metrics port ...: Address already in use").
bool ClaimAcrossProcesses(int port) {
  const std::string dir = absl::StrCat(EnvOr("TMPDIR", "/tmp"), "/meltingdoc-test-ports");
  ::mkdir(dir.c_str(), 0777);  // may exist; 0777 so that another user's tests can share it
  const std::string path = absl::StrCat(dir, "/", port);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return true;  // cannot coordinate (read-only /tmp): the bind check alone
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // fd deliberately kept open: the claim lasts as long as this process
}

// The first port of the kernel's ephemeral range (32768 unless configured otherwise).
int EphemeralRangeStart() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  return (in >> low) && low > 0 ? low : 32768;
}

}  // namespace

// A port below the kernel's ephemeral range, checked free by bind. Not one bind(0) hands out:
// those come from the ephemeral range, from which every outgoing connection (to PostgreSQL,
// Redis, a service) also takes its local port. And never the same port twice in a process:
// a port is handed out some time before its process binds it (a service binds after its
// migrations), so a check alone let two of a suite's processes get one port ("metrics port
// ...: Address already in use"). Ports go up from a random start per process, so two test
// processes running side by side walk apart, and each port handed out is claimed by a lock
// file, so that another test process never hands it out while this one lives.
int FreeTcpPort() {
  static absl::Mutex mu(absl::kConstInit);
  static int next = 0;
  const int high = std::min(EphemeralRangeStart(), 65536);
  const int low = std::max(1024, high - 12000);
  if (high - low < 100) return TryBind(0);
  absl::MutexLock lock(&mu);
  if (next == 0) next = low + static_cast<int>(std::random_device{}() % static_cast<unsigned>(high - low));
  for (int attempt = 0; attempt < high - low; ++attempt) {
    const int port = next;
    next = next + 1 < high ? next + 1 : low;
    if (TryBind(port) == port && ClaimAcrossProcesses(port)) return port;
  }
  return TryBind(0);
}

std::string PgUrl(int port, const std::string& user, const std::string& db) {
  return absl::StrCat("postgresql://", user, "@127.0.0.1:", port, "/", db,
                      "?connect_timeout=2");
}

}  // namespace meltingdoc::testing
