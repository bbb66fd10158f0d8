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

using LogValue = std::variant<absl::string_view, int64_t, double, bool>;
using LogField = std::pair<absl::string_view, LogValue>;

// Formats the fields as a JSON object (with "ts" first), without the newline.
std::string FormatJsonLine(std::initializer_list<LogField> fields);

// Writes FormatJsonLine(fields) + "\n" to stderr atomically (one write).
void LogJson(std::initializer_list<LogField> fields);

// JSON string escaping (quotes included); invalid UTF-8 bytes become U+FFFD.
std::string JsonQuote(absl::string_view text);

}  // namespace meltingdoc
