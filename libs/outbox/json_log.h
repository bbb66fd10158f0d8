// One JSON line per notable outbox/consumer happening, on stderr (the project's log format).
// Callers pass identifiers only (stream, entry id, event id, status code): event payloads may
// carry personal data and never reach a log.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::outbox {

void LogJson(absl::string_view component, absl::string_view message,
             const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace meltingdoc::outbox
