// The line format shared by the public key file and the signing key file:
// "<kid> <base64url key bytes>", '#' comment lines and blank lines ignored.
// Errors name the source and line, never the key text.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::auth {

struct KeyLine {
  std::string kid;
  std::string key;  // decoded bytes, exactly the expected length
  int line = 0;
};

// Keys files are tiny; anything bigger is a wrong path, not a key file.
inline constexpr size_t kMaxKeyFileBytes = 1 << 20;

absl::StatusOr<std::vector<KeyLine>> ParseKeyLines(absl::string_view text,
                                                   absl::string_view source, size_t key_bytes);

// Reads a whole (small) file. NOT_FOUND when it does not exist.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

}  // namespace meltingdoc::auth
