#include "tests/e2e/gateway/route_paths.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace meltingdoc::testing {

std::string RoutePath(const gateway::Route& route, const std::function<std::string()>& value) {
  std::string out;
  const auto& segments = route.path.segments();
  for (size_t i = 0; i < segments.size(); ++i) {
    const gateway::PathTemplate::Variable* var = nullptr;
    for (const auto& v : route.path.variables()) {
      if (v.first == i) var = &v;
    }
    if (var != nullptr) {
      absl::StrAppend(&out, "/", value());
      i = var->end - 1;
      continue;
    }
    const auto& s = segments[i];
    absl::StrAppend(&out, "/", s.kind == gateway::PathTemplate::Kind::kLiteral ? s.literal : value());
  }
  if (!route.path.verb().empty()) absl::StrAppend(&out, ":", route.path.verb());
  return out;
}

std::string PercentEncode(const std::string& text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      absl::StrAppend(&encoded, absl::StrFormat("%%%02X", c));
    }
  }
  return encoded;
}

}  // namespace meltingdoc::testing
