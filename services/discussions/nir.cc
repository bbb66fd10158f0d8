#include "services/discussions/nir.h"

#include <cstdint>

namespace meltingdoc::discussions {

namespace {
bool Digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<int> NirKey(std::string_view s) {
  if (s.size() != 13) return std::nullopt;
  uint64_t n = 0;
  for (size_t i = 0; i < 13; ++i) {
    char c = s[i];
    if (i == 6 && s[5] == '2' && (c == 'A' || c == 'a' || c == 'B' || c == 'b')) {
      // 2A -> 19, 2B -> 18: replace the two characters "2X" by the number.
      n = n / 10 * 100 + ((c == 'A' || c == 'a') ? 19 : 18);
      continue;
    }
    if (!Digit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return static_cast<int>(97 - n % 97);
}

bool IsPlausibleNirBody(std::string_view s) {
  if (s.size() != 13) return false;
  const char sex = s[0];
  if (sex != '1' && sex != '2' && sex != '3' && sex != '4' && sex != '7' && sex != '8') return false;
  if (!Digit(s[3]) || !Digit(s[4])) return false;
  const int month = (s[3] - '0') * 10 + (s[4] - '0');
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  return NirKey(s).has_value();
}

bool IsValidNir(std::string_view s) {
  if (s.size() != 15 || !Digit(s[13]) || !Digit(s[14])) return false;
  if (!IsPlausibleNirBody(s.substr(0, 13))) return false;
  const int key = (s[13] - '0') * 10 + (s[14] - '0');
  return *NirKey(s.substr(0, 13)) == key;
}

}  // namespace meltingdoc::discussions
