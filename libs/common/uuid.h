// Random (version 4) UUIDs, and validation of UUID text received from clients.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace meltingdoc {

// A new random UUID in canonical lower-case form (libsodium's CSPRNG).
std::string NewUuid();

// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool IsValidUuid(absl::string_view text);

}  // namespace meltingdoc
