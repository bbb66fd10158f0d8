#include "services/discussions/phi_text.h"

#include "libs/text/utf8.h"

namespace meltingdoc::discussions::phi {

namespace {

// Classes of the code point starting at byte i.
enum class CharClass : uint8_t { kSpace, kNewline, kDigit, kUpper, kLower, kPunct };

struct CharInfo {
  CharClass cls;
  uint8_t len;
};

CharInfo Classify(std::string_view t, size_t i) {
  const unsigned char c = static_cast<unsigned char>(t[i]);
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') return {CharClass::kLower, 1};
    if (c >= 'A' && c <= 'Z') return {CharClass::kUpper, 1};
    if (c >= '0' && c <= '9') return {CharClass::kDigit, 1};
    if (c == '\n') return {CharClass::kNewline, 1};
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return {CharClass::kSpace, 1};
    return {CharClass::kPunct, 1};
  }
  const size_t n = t.size();
  if (c >= 0xC2 && c <= 0xDF && i + 1 < n) {
    const unsigned char d = static_cast<unsigned char>(t[i + 1]);
    if (c == 0xC2) {
      if (d == 0xA0) return {CharClass::kSpace, 2};      // no-break space
      if (d == 0xB5) return {CharClass::kLower, 2};      // micro sign, as in "µg"
      return {CharClass::kPunct, 2};                     // « » ° § ...
    }
    if (c == 0xC3) {
      if (d == 0x97 || d == 0xB7) return {CharClass::kPunct, 2};  // × ÷
      return {d < 0x9F ? CharClass::kUpper : CharClass::kLower, 2};
    }
    if (c == 0xC4 || c == 0xC5) {
      // Latin Extended-A alternates upper (even) and lower (odd) case for most letters.
      return {(d & 1) == 0 ? CharClass::kUpper : CharClass::kLower, 2};
    }
    return {CharClass::kLower, 2};
  }
  if (c >= 0xE0 && c <= 0xEF && i + 2 < n) {
    if (c == 0xE2 && static_cast<unsigned char>(t[i + 1]) == 0x80) {
      const unsigned char d = static_cast<unsigned char>(t[i + 2]);
      if ((d >= 0x80 && d <= 0x8B) || d == 0xAF) return {CharClass::kSpace, 3};  // thin, narrow nbsp ...
      if (d == 0xA8 || d == 0xA9) return {CharClass::kNewline, 3};
    }
    return {CharClass::kPunct, 3};
  }
  if (c >= 0xF0 && c <= 0xF4 && i + 3 < n) return {CharClass::kPunct, 4};
  return {CharClass::kPunct, 1};  // stray continuation or truncated sequence
}

bool IsLetter(CharClass c) { return c == CharClass::kUpper || c == CharClass::kLower; }

}  // namespace

size_t DigitGroupSeparator(std::string_view t, size_t i) {
  if (i >= t.size()) return 0;
  const unsigned char c = static_cast<unsigned char>(t[i]);
  if (c == ' ' || c == '.' || c == '-') return 1;
  if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80) {
    const unsigned char d = static_cast<unsigned char>(t[i + 2]);
    if (d == 0xAF || d == 0x89 || d == 0x91) return 3;  // narrow nbsp, thin space, hyphen
  }
  return 0;
}

bool ContinuesWord(std::string_view t, size_t i) {
  if (i == 0) return false;
  const unsigned char p = static_cast<unsigned char>(t[i - 1]);
  if (p < 0x80) return IsAsciiAlnum(p);
  // A multi-byte character ends at i-1: find its start (at most 3 bytes back).
  size_t s = i - 1;
  while (s > 0 && !text::StartsCodePoint(t[s]) && i - s < 4) --s;
  return IsLetter(Classify(t, s).cls);
}

size_t FoldWord(std::string_view w, char* out, size_t cap) {
  if (w.size() > cap) return 0;
  for (size_t i = 0; i < w.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c + 32);
    } else if (c == 0xC3 && i + 1 < w.size()) {
      unsigned char d = static_cast<unsigned char>(w[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
      out[i] = static_cast<char>(c);
      out[i + 1] = static_cast<char>(d);
      ++i;
      continue;
    } else if (c == 0xC5 && i + 1 < w.size() && static_cast<unsigned char>(w[i + 1]) == 0x92) {
      out[i] = static_cast<char>(0xC5);  // Œ -> œ
      out[i + 1] = static_cast<char>(0x93);
      ++i;
      continue;
    }
    out[i] = static_cast<char>(c);
  }
  return w.size();
}

void Tokenize(Analysis& a) {
  const std::string_view t = a.text;
  a.tokens.clear();
  a.tokens.reserve(t.size() / 5 + 4);
  bool space_before = true;
  bool newline_before = true;
  size_t i = 0;
  const size_t n = t.size();
  char folded[40];
  while (i < n) {
    const CharInfo ci = Classify(t, i);
    if (ci.cls == CharClass::kSpace || ci.cls == CharClass::kNewline) {
      space_before = true;
      if (ci.cls == CharClass::kNewline) newline_before = true;
      i += ci.len;
      continue;
    }
    Token tok{static_cast<uint32_t>(i), 0, TokenKind::kPunct};
    tok.space_before = space_before;
    tok.newline_before = newline_before;
    space_before = newline_before = false;
    if (ci.cls == CharClass::kDigit) {
      size_t j = i + 1;
      while (j < n && IsAsciiDigit(static_cast<unsigned char>(t[j]))) ++j;
      tok.kind = TokenKind::kNumber;
      tok.end = static_cast<uint32_t>(j);
      i = j;
    } else if (IsLetter(ci.cls)) {
      tok.kind = TokenKind::kWord;
      tok.capitalized = ci.cls == CharClass::kUpper;
      bool all_caps = tok.capitalized;
      size_t j = i + ci.len;
      while (j < n) {
        const CharInfo cj = Classify(t, j);
        if (IsLetter(cj.cls)) {
          if (cj.cls == CharClass::kLower) all_caps = false;
          j += cj.len;
        } else if (cj.cls == CharClass::kDigit) {
          ++j;
        } else if (t[j] == '-' && j + 1 < n && IsLetter(Classify(t, j + 1).cls)) {
          ++j;  // hyphenated words and names: Guillain-Barré, Jean-Pierre
        } else {
          break;
        }
      }
      tok.all_caps = all_caps;
      tok.end = static_cast<uint32_t>(j);
      const size_t len = FoldWord(t.substr(i, j - i), folded, sizeof folded);
      if (len > 0) tok.lex = LookupLexicon(std::string_view(folded, len), &tok.month);
      i = j;
    } else {
      tok.end = static_cast<uint32_t>(i + ci.len);
      i += ci.len;
    }
    a.tokens.push_back(tok);
  }
}

}  // namespace meltingdoc::discussions::phi
