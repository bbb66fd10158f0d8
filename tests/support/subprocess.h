// A child process for tests: start with extra environment, signal, wait with a timeout.
// The destructor kills (SIGKILL) and reaps a child that is still running.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace meltingdoc::testing {

class Subprocess {
 public:
  // argv[0] is the program path. `env` is added to (and overrides) this process's environment.
  // stdout/stderr go to `log_path` when given (appended), else are inherited.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
      const std::string& log_path = "");
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool Signal(int signo);
  // The exit code, or 128+signal when killed by a signal; DEADLINE_EXCEEDED when still running.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  bool Running();

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// Runs a command to completion; returns its exit code and captured stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& shell_command);

}  // namespace meltingdoc::testing
