// FreeTcpPort (tests/support/test_env.h): a port handed out to one test process is never
// handed out to another while the first lives — ctest runs test processes side by side.
#include <sys/file.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

TEST(FreeTcpPortTest, NeverTheSamePortTwiceInAProcess) {
  std::set<int> seen;
  for (int i = 0; i < 50; ++i) {
    const int port = FreeTcpPort();
    ASSERT_GT(port, 0);
    EXPECT_TRUE(seen.insert(port).second) << "port " << port << " handed out twice";
  }
}

TEST(FreeTcpPortTest, APortHandedOutIsClaimedAgainstOtherProcesses) {
  const int port = FreeTcpPort();
  ASSERT_GT(port, 0);
  const std::string path = absl::StrCat(EnvOr("TMPDIR", "/tmp"), "/meltingdoc-test-ports/", port);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Another process: its own open file description, so the parent's flock applies to it.
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) ::_exit(2);
    ::_exit(::flock(fd, LOCK_EX | LOCK_NB) != 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "another process could claim port " << port
                                    << " (exit 1) or found no claim file (exit 2)";
}

}  // namespace
}  // namespace meltingdoc::testing
