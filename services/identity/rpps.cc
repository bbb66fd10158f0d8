#include "services/identity/rpps.h"

namespace meltingdoc::identity {

bool LuhnValid(absl::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool double_it = false;  // the rightmost digit is the check digit: not doubled
  for (size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

bool IsValidRpps(absl::string_view s) { return s.size() == kRppsLength && LuhnValid(s); }

bool IsValidAdeli(absl::string_view s) {
  if (s.size() != kAdeliLength) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool corsica = i == 1 && s[0] == '2' && (c == 'A' || c == 'B');
    if ((c < '0' || c > '9') && !corsica) return false;
  }
  return true;
}

}  // namespace meltingdoc::identity
