// One JSON object per line on stderr: the log format of every process.
// Callers pass only metadata (method, code, latency, ids): never message content, tokens or
// passwords — the log must be safe to ship anywhere.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"

namespace meltingdoc {

// A field value: text, integer, floating point or boolean. The constructors are explicit about
// each source type, so that a string literal never silently becomes a bool.
class LogValue {
 public:
  LogValue(const char* text) : value_(absl::string_view(text)) {}
  LogValue(absl::string_view text) : value_(text) {}
  LogValue(const std::string& text) : value_(absl::string_view(text)) {}
  LogValue(int number) : value_(static_cast<int64_t>(number)) {}
  LogValue(long number) : value_(static_cast<int64_t>(number)) {}
  LogValue(long long number) : value_(static_cast<int64_t>(number)) {}
  LogValue(unsigned long number) : value_(static_cast<int64_t>(number)) {}
  LogValue(double number) : value_(number) {}
  LogValue(bool flag) : value_(flag) {}

  const std::variant<absl::string_view, int64_t, double, bool>& value() const { return value_; }

 private:
  std::variant<absl::string_view, int64_t, double, bool> value_;
};
using LogField = std::pair<absl::string_view, LogValue>;

// Formats the fields as a JSON object (with "ts" first), without the newline.
std::string FormatJsonLine(std::initializer_list<LogField> fields);

// Writes FormatJsonLine(fields) + "\n" to stderr atomically (one write).
void LogJson(std::initializer_list<LogField> fields);

// JSON string escaping (quotes included); invalid UTF-8 bytes become U+FFFD.
std::string JsonQuote(absl::string_view text);

}  // namespace meltingdoc
