#include "services/discussions/iban.h"

#include <cstring>

namespace meltingdoc::discussions {

namespace {

struct CountryLength {
  char code[3];
  int length;
};

// Metropolitan France and overseas territories using FR-like IBANs, and neighbours.
constexpr CountryLength kLengths[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DK", 18}, {"DZ", 26}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27},
    {"GB", 22}, {"GF", 27}, {"GP", 27}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MA", 28}, {"MC", 27},
    {"MQ", 27}, {"MT", 31}, {"NC", 27}, {"NL", 18}, {"NO", 15}, {"PF", 27}, {"PL", 28},
    {"PM", 27}, {"PT", 25}, {"RE", 27}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
    {"SM", 27}, {"TN", 24}, {"WF", 27}, {"YT", 27},
};

int Value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return -1;
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

}  // namespace

int IbanLengthOf(std::string_view country) {
  if (country.size() != 2) return 0;
  const char a = Upper(country[0]), b = Upper(country[1]);
  for (const CountryLength& cl : kLengths) {
    if (cl.code[0] == a && cl.code[1] == b) return cl.length;
  }
  return 0;
}

bool IsValidIban(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return false;
  if (Value(s[0]) < 10 || Value(s[1]) < 10) return false;
  if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9') return false;
  const int known = IbanLengthOf(s.substr(0, 2));
  if (known != 0 && known != static_cast<int>(s.size())) return false;
  int rem = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    const char c = s[(k + 4) % s.size()];
    const int v = Value(c);
    if (v < 0) return false;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem == 1;
}

}  // namespace meltingdoc::discussions
