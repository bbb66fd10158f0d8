// The password rules of registration and password change (OWASP ASVS V2.1): 12 to 128
// characters counted as Unicode code points, any characters, never truncated, and not one of
// the common passwords of /usr/share/john/password.lst (compared case-insensitively).
// Pure: the list is loaded once at start-up and then only read.
#pragma once

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

inline constexpr int kMinPasswordCodePoints = 12;
inline constexpr int kMaxPasswordCodePoints = 128;
// 128 code points are at most 512 bytes of UTF-8.
inline constexpr size_t kMaxPasswordBytes = 4 * kMaxPasswordCodePoints;

class CommonPasswords {
 public:
  // Reads one password per line; '#!comment:' lines (john's header) and empty lines are
  // skipped. NOT_FOUND when the file is missing: a service must not run without its list.
  static absl::StatusOr<CommonPasswords> LoadFromFile(const std::string& path);
  // From memory, one per line (tests).
  static CommonPasswords FromText(absl::string_view text);

  // Case-insensitive (ASCII letters folded; the list is ASCII).
  bool Contains(absl::string_view password) const;
  size_t size() const { return lowered_.size(); }

 private:
  absl::flat_hash_set<std::string> lowered_;
};

// OK, or INVALID_ARGUMENT with a BadRequest naming `field` and the rule that failed.
absl::Status CheckNewPassword(absl::string_view field, absl::string_view password,
                              const CommonPasswords& common);

// The only check on a password that is being verified (login, re-authentication): a length
// bound so that nobody makes the server hash megabytes. The policy itself is not applied, so
// that a policy change never locks anybody out.
absl::Status CheckPasswordInput(absl::string_view field, absl::string_view password);

}  // namespace meltingdoc::identity
