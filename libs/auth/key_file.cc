#include "libs/auth/key_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"
#include "libs/auth/key_set.h"

namespace meltingdoc::auth {

absl::StatusOr<std::vector<KeyLine>> ParseKeyLines(absl::string_view text,
                                                   absl::string_view source, size_t key_bytes) {
  std::vector<KeyLine> out;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", why));
    };
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2) return bad("expected \"<kid> <base64url key>\"");
    if (!IsValidKeyId(fields[0])) return bad("invalid key id (1-64 of A-Z a-z 0-9 . _ -)");
    KeyLine key;
    key.kid = std::string(fields[0]);
    key.line = line_number;
    if (!Base64UrlDecode(fields[1], &key.key)) return bad("key is not unpadded base64url");
    if (key.key.size() != key_bytes) {
      return bad(absl::StrCat("key must be ", key_bytes, " bytes, got ", key.key.size()));
    }
    for (const KeyLine& earlier : out) {
      if (earlier.kid == key.kid) {
        return bad(absl::StrCat("duplicate key id ", key.kid, " (first on line ", earlier.line,
                                ")"));
      }
    }
    out.push_back(std::move(key));
  }
  return out;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    const std::string message = absl::StrCat("cannot read ", path, ": ", std::strerror(e));
    if (e == ENOENT) return absl::NotFoundError(message);
    return absl::FailedPreconditionError(message);
  }
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxKeyFileBytes) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": larger than ", kMaxKeyFileBytes,
                                                     " bytes, not a key file"));
    }
  }
  if (in.bad()) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  return text;
}

}  // namespace meltingdoc::auth
