#include "libs/auth/key_set.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/key_file.h"

namespace meltingdoc::auth {

bool IsValidKeyId(absl::string_view kid) {
  if (kid.empty() || kid.size() > 64) return false;
  for (char c : kid) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<KeySet> KeySet::Parse(absl::string_view text, absl::string_view source) {
  absl::StatusOr<std::vector<KeyLine>> lines =
      ParseKeyLines(text, source, crypto_sign_PUBLICKEYBYTES);
  if (!lines.ok()) return lines.status();
  // A verifier with no key rejects every request; that is a deployment mistake to report at
  // start-up, not a stream of 401s.
  if (lines->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no public key"));
  }
  KeySet set;
  for (const KeyLine& line : *lines) {
    if (absl::Status s = set.AddKey(line.kid, line.key); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line.line, ": ", s.message()));
    }
  }
  return set;
}

absl::StatusOr<KeySet> KeySet::LoadFromFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadKeyFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

absl::Status KeySet::AddKey(absl::string_view kid, absl::string_view public_key) {
  if (!IsValidKeyId(kid)) return absl::InvalidArgumentError("invalid key id");
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError(absl::StrCat("public key for ", kid, " must be ",
                                                   crypto_sign_PUBLICKEYBYTES, " bytes"));
  }
  if (!keys_.emplace(std::string(kid), std::string(public_key)).second) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate key id ", kid));
  }
  return absl::OkStatus();
}

const std::string* KeySet::Find(absl::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace meltingdoc::auth
