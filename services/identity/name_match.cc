#include "services/identity/name_match.h"

#include <cstdint>

#include "absl/strings/str_join.h"

namespace meltingdoc::identity {
namespace {

// Accent-free forms of U+00C0..U+00FF; "" marks a separator (× ÷).
const char* const kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // C0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss", // D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",  // F0
};

// Accent-free forms of U+0100..U+017F (Latin Extended-A), one or two letters each.
const char* const kExtendedAFold[128] = {
    "a",  "a",  "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 100
    "d",  "d",  "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 110
    "g",  "g",  "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 120
    "i",  "i",  "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // 130
    "l",  "l",  "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // 140
    "o",  "o",  "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 150
    "s",  "s",  "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 160
    "u",  "u",  "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // 170
};

bool IsSeparator(uint32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '-': case '\'': case '.': case ',': case '(': case ')': case '/':
    case '`': case '_':
    case 0x00A0:  // no-break space
    case 0x00B4:  // acute accent used as an apostrophe
    case 0x02BC:  // modifier letter apostrophe
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:  // dashes
    case 0x2018: case 0x2019:  // curly apostrophes
    case 0x202F:  // narrow no-break space
    case 0x2212:  // minus sign
      return true;
    default:
      return false;
  }
}

// Decodes one UTF-8 sequence at s[i]; invalid bytes decode as themselves (one byte).
uint32_t DecodeAt(absl::string_view s, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (c < 0x80) { i += 1; return c; }
  if ((c & 0xE0) == 0xC0) {
    const int b1 = cont(1);
    if (b1 >= 0) { i += 2; return ((c & 0x1F) << 6) | b1; }
  } else if ((c & 0xF0) == 0xE0) {
    const int b1 = cont(1), b2 = cont(2);
    if (b1 >= 0 && b2 >= 0) { i += 3; return ((c & 0x0F) << 12) | (b1 << 6) | b2; }
  } else if ((c & 0xF8) == 0xF0) {
    const int b1 = cont(1), b2 = cont(2), b3 = cont(3);
    if (b1 >= 0 && b2 >= 0 && b3 >= 0) {
      i += 4;
      return ((c & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
    }
  }
  i += 1;
  return 0xFFFD;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Joined(const std::vector<std::string>& tokens) { return absl::StrJoin(tokens, ""); }

bool IsParticle(const std::string& t) { return t == "de" || t == "d" || t == "du" || t == "des"; }

std::vector<std::string> WithoutParticles(std::vector<std::string> tokens) {
  while (tokens.size() > 1 && IsParticle(tokens.front())) tokens.erase(tokens.begin());
  while (tokens.size() > 1 && IsParticle(tokens.back())) tokens.pop_back();
  return tokens;
}

}  // namespace

std::vector<std::string> FoldNameTokens(absl::string_view utf8_name) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < utf8_name.size();) {
    const uint32_t cp = DecodeAt(utf8_name, i);
    if (IsSeparator(cp)) {
      flush();
    } else if (cp >= 'A' && cp <= 'Z') {
      current.push_back(static_cast<char>(cp - 'A' + 'a'));
    } else if (cp < 0x80) {
      current.push_back(static_cast<char>(cp));
    } else if (cp >= 0x0300 && cp <= 0x036F) {
      // Combining diacritical mark (decomposed input): dropped like a precomposed accent.
    } else if (cp >= 0x00C0 && cp <= 0x00FF) {
      const char* folded = kLatin1Fold[cp - 0x00C0];
      if (*folded == '\0') {
        flush();
      } else {
        current += folded;
      }
    } else if (cp >= 0x0100 && cp <= 0x017F) {
      current += kExtendedAFold[cp - 0x0100];
    } else {
      AppendUtf8(current, cp);
    }
  }
  flush();
  return tokens;
}

bool FamilyNamesMatch(absl::string_view account_family, absl::string_view register_family) {
  const std::vector<std::string> a = FoldNameTokens(account_family);
  const std::vector<std::string> r = FoldNameTokens(register_family);
  if (a.empty() || r.empty()) return false;
  if (Joined(a) == Joined(r)) return true;
  return Joined(WithoutParticles(a)) == Joined(WithoutParticles(r));
}

bool GivenNamesMatch(absl::string_view account_given, absl::string_view register_given) {
  const std::vector<std::string> a = FoldNameTokens(account_given);
  const std::vector<std::string> r = FoldNameTokens(register_given);
  if (a.empty() || r.empty()) return false;
  if (Joined(a) == Joined(r)) return true;
  if (r.size() > a.size()) return false;
  for (size_t start = 0; start + r.size() <= a.size(); ++start) {
    bool all = true;
    for (size_t k = 0; k < r.size() && all; ++k) all = a[start + k] == r[k];
    if (all) return true;
  }
  return false;
}

NameMatch MatchNames(absl::string_view account_given, absl::string_view account_family,
                     absl::string_view register_given, absl::string_view register_family) {
  const bool family = FamilyNamesMatch(account_family, register_family);
  const bool given = GivenNamesMatch(account_given, register_given);
  if (family && given) return NameMatch::kMatch;
  if (given) return NameMatch::kFamilyNameDiffers;
  if (family) return NameMatch::kGivenNameDiffers;
  return NameMatch::kBothDiffer;
}

}  // namespace meltingdoc::identity
