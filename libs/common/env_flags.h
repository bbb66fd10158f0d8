// Every absl flag can be set by an environment variable MELTINGDOC_<SERVICE>_<FLAG>
// (upper case), so that containers and the local stack configure services without long
// command lines. A flag given on the command line wins over the environment.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meltingdoc {

// The environment variable that sets `flag_name` for `service`, e.g.
// ("identity", "grpc_port") -> "MELTINGDOC_IDENTITY_GRPC_PORT".
std::string EnvVarForFlag(absl::string_view service, absl::string_view flag_name);

// Sets every registered flag whose environment variable is present. Returns
// INVALID_ARGUMENT naming the variable when a value does not parse.
absl::Status ApplyFlagEnvironment(absl::string_view service);

// ApplyFlagEnvironment, then absl::ParseCommandLine; exits with a message on a bad value.
std::vector<char*> ParseFlagsWithEnvironment(absl::string_view service, int argc, char** argv);

}  // namespace meltingdoc
