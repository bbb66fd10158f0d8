// The Ed25519 public keys that may sign access tokens, by key id ("kid" in the token header).
// Several keys coexist during a rotation: identity signs with the new key while tokens signed
// by the old one are still valid.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::auth {

// Key ids: 1-64 characters from [A-Za-z0-9._-], so they are safe in files, headers and logs.
bool IsValidKeyId(absl::string_view kid);

class KeySet {
 public:
  KeySet() = default;

  // Reads a key file: one key per line, "<kid> <base64url public key>"; blank lines and lines
  // starting with '#' are ignored. A malformed line, a duplicate kid or a file with no key is
  // INVALID_ARGUMENT naming the file and line; a missing file is NOT_FOUND.
  static absl::StatusOr<KeySet> LoadFromFile(const std::string& path);
  // Same format from memory (e.g. keys fetched from identity); `source` names it in errors.
  static absl::StatusOr<KeySet> Parse(absl::string_view text, absl::string_view source);

  // INVALID_ARGUMENT for a bad kid or a key that is not 32 bytes; ALREADY_EXISTS for a kid
  // that is already present.
  absl::Status AddKey(absl::string_view kid, absl::string_view public_key);

  // The 32-byte public key for `kid`, or nullptr.
  const std::string* Find(absl::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  absl::flat_hash_map<std::string, std::string> keys_;
};

}  // namespace meltingdoc::auth
