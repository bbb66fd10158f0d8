#include "libs/common/json_log.h"

#include <unistd.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/text/utf8.h"

namespace meltingdoc {

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
      ++i;
    } else {
      const size_t len = text::SequenceLength(text, i);
      if (len == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(text.data() + i, len);
        i += len;
      }
    }
  }
  out.push_back('"');
  return out;
}

std::string FormatJsonLine(std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(
      "{\"ts\":", JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())));
  for (const auto& [key, field_value] : fields) {
    const auto& value = field_value.value();
    absl::StrAppend(&line, ",", JsonQuote(key), ":");
    if (const auto* s = std::get_if<absl::string_view>(&value)) {
      line += JsonQuote(*s);
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      absl::StrAppend(&line, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      // JSON has no NaN or infinity: write null rather than an unparseable line.
      if (std::isfinite(*d)) {
        absl::StrAppendFormat(&line, "%.3f", *d);
      } else {
        line += "null";
      }
    } else {
      line += std::get<bool>(value) ? "true" : "false";
    }
  }
  line.push_back('}');
  return line;
}

void LogJson(std::initializer_list<LogField> fields) {
  std::string line = FormatJsonLine(fields);
  line.push_back('\n');
  // One write(2) per line, so lines from concurrent threads never interleave.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace meltingdoc
