#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
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

int FreeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string PgUrl(int port, const std::string& user, const std::string& db) {
  return absl::StrCat("postgresql://", user, "@127.0.0.1:", port, "/", db,
                      "?connect_timeout=2");
}

}  // namespace meltingdoc::testing
