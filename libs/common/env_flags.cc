#include "libs/common/env_flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc {

std::string EnvVarForFlag(absl::string_view service, absl::string_view flag_name) {
  std::string name = absl::StrCat("MELTINGDOC_", service, "_", flag_name);
  for (char& c : name) {
    c = (c == '-' || c == '.') ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return name;
}

absl::Status ApplyFlagEnvironment(absl::string_view service) {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string var = EnvVarForFlag(service, name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(var, ": ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnvironment(absl::string_view service, int argc, char** argv) {
  if (absl::Status s = ApplyFlagEnvironment(service); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace meltingdoc
