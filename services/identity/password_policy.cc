#include "services/identity/password_policy.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/server/field_errors.h"

namespace meltingdoc::identity {

int CountCodePoints(absl::string_view text) {
  int count = 0;
  size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  while (i < n) {
    const unsigned char c = s[i];
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return -1;
    }
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= n) return -1;
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += extra + 1;
    ++count;
  }
  return count;
}

absl::StatusOr<CommonPasswords> CommonPasswords::LoadFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("common password list ", path,
                                            " not found (Debian package john-data)"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  CommonPasswords list = FromText(buffer.str());
  if (list.size() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("common password list ", path, " is empty"));
  }
  return list;
}

CommonPasswords CommonPasswords::FromText(absl::string_view text) {
  CommonPasswords list;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || absl::StartsWith(line, "#!comment:")) continue;
    list.lowered_.insert(absl::AsciiStrToLower(line));
  }
  return list;
}

bool CommonPasswords::Contains(absl::string_view password) const {
  return lowered_.contains(absl::AsciiStrToLower(password));
}

absl::Status CheckNewPassword(absl::string_view field, absl::string_view password,
                              const CommonPasswords& common) {
  if (password.size() > kMaxPasswordBytes) {
    return server::InvalidField(field, absl::StrCat("at most ", kMaxPasswordCodePoints, " characters"));
  }
  const int n = CountCodePoints(password);
  if (n < 0) return server::InvalidField(field, "must be valid UTF-8 text");
  if (n < kMinPasswordCodePoints) {
    return server::InvalidField(field, absl::StrCat("at least ", kMinPasswordCodePoints, " characters"));
  }
  if (n > kMaxPasswordCodePoints) {
    return server::InvalidField(field, absl::StrCat("at most ", kMaxPasswordCodePoints, " characters"));
  }
  if (common.Contains(password)) {
    return server::InvalidField(field, "this password is too common: choose another one");
  }
  return absl::OkStatus();
}

absl::Status CheckPasswordInput(absl::string_view field, absl::string_view password) {
  if (password.empty()) return server::InvalidField(field, "required");
  if (password.size() > kMaxPasswordBytes || CountCodePoints(password) > kMaxPasswordCodePoints) {
    return server::InvalidField(field, absl::StrCat("at most ", kMaxPasswordCodePoints, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
