#include "libs/common/json_log.h"

#include <unistd.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meltingdoc {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid. Valid means well-formed
// per RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF (strict JSON
// readers reject those).
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char second_min = 0x80, second_max = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) second_min = 0xa0;  // overlong
    if (c == 0xed) second_max = 0x9f;  // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) second_min = 0x90;  // overlong
    if (c == 0xf4) second_max = 0x8f;  // above U+10FFFF
  }
  if (len == 0 || i + len > s.size()) return 0;
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < second_min || second > second_max) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return len;
}

}  // namespace

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
      size_t len = Utf8SequenceLength(text, i);
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
