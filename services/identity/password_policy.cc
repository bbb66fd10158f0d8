#include "services/identity/password_policy.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/server/field_errors.h"
#include "libs/text/utf8.h"

namespace meltingdoc::identity {

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
  const std::optional<size_t> count = text::ValidCodePointCount(password);
  if (!count.has_value()) return server::InvalidField(field, "must be valid UTF-8 text");
  const size_t n = *count;
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
  if (password.size() > kMaxPasswordBytes ||
      text::ValidCodePointCount(password).value_or(0) > kMaxPasswordCodePoints) {
    return server::InvalidField(field, absl::StrCat("at most ", kMaxPasswordCodePoints, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
