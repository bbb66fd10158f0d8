#include "libs/outbox/json_log.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meltingdoc::outbox {
namespace {

void AppendQuoted(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void LogJson(absl::string_view component, absl::string_view message,
             const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string line = "{\"time\":";
  AppendQuoted(line, absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone()));
  line += ",\"component\":";
  AppendQuoted(line, component);
  line += ",\"msg\":";
  AppendQuoted(line, message);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendQuoted(line, key);
    line.push_back(':');
    AppendQuoted(line, value);
  }
  line += "}\n";
  // One fwrite per line so that lines from concurrent threads do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace meltingdoc::outbox
