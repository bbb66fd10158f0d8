#include "services/search/text_fold.h"

#include <cstdint>

#include "absl/strings/str_join.h"

namespace meltingdoc::search {
namespace {

// Decodes one code point at `i`; returns false (and advances by one byte) on invalid UTF-8.
bool DecodeUtf8(absl::string_view s, size_t& i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  size_t len = 0;
  if (b0 < 0x80) {
    cp = b0;
    len = 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    cp = b0 & 0x1F;
    len = 2;
  } else if ((b0 & 0xF0) == 0xE0) {
    cp = b0 & 0x0F;
    len = 3;
  } else if ((b0 & 0xF8) == 0xF0) {
    cp = b0 & 0x07;
    len = 4;
  } else {
    ++i;
    return false;
  }
  if (i + len > s.size()) {
    ++i;
    return false;
  }
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return false;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms and surrogates are invalid.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++i;
    return false;
  }
  i += len;
  return true;
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

// Folded ASCII for Latin-1 Supplement letters U+00C0..U+00FF ("" = keep as is).
const char* const kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF

// Latin Extended-A U+0100..U+017F: base letter of each (pairs of upper/lower case).
const char kLatinExtA[] =
    "aaaaaaccccccccdddd"  // 0100-0111
    "eeeeeeeeee"          // 0112-011B
    "gggggggghhhh"        // 011C-0127
    "iiiiiiiiii"          // 0128-0131
    "jjjjkkk"             // 0132-0138 (IJ ij as j j; approximate)
    "llllllllll"          // 0139-0142
    "nnnnnnnnn"           // 0143-014B
    "oooooo"              // 014C-0151
    "**"                  // 0152-0153 OE oe (handled separately)
    "rrrrrr"              // 0154-0159
    "ssssssss"            // 015A-0161
    "tttttt"              // 0162-0167
    "uuuuuuuuuuuu"        // 0168-0173
    "wwyyyzzzzzzs";       // 0174-017F

void AppendFolded(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    const char* f = kLatin1[cp - 0xC0];
    if (*f != '\0') {
      out += f;
    } else {
      AppendUtf8(out, cp);  // × and ÷
    }
  } else if (cp == 0x152 || cp == 0x153) {
    out += "oe";
  } else if (cp >= 0x100 && cp <= 0x17F) {
    out.push_back(kLatinExtA[cp - 0x100]);
  } else if (cp == 0x2019 || cp == 0x2018) {
    out.push_back('\'');  // typographic apostrophes
  } else {
    AppendUtf8(out, cp);
  }
}

bool IsWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string FoldText(absl::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = 0;
    if (DecodeUtf8(utf8, i, cp)) AppendFolded(out, cp);
  }
  return out;
}

std::vector<std::string> FoldedWords(absl::string_view utf8) {
  const std::string folded = FoldText(utf8);
  std::vector<std::string> words;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !IsWordChar(folded[i])) ++i;
    size_t j = i;
    while (j < folded.size() && IsWordChar(folded[j])) ++j;
    if (j > i) words.emplace_back(folded.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string FoldedKey(absl::string_view utf8) { return absl::StrJoin(FoldedWords(utf8), " "); }

std::string StripControlCharacters(absl::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t') continue;
    if (u == 0x7F) continue;
    out.push_back(c);
  }
  return out;
}

size_t CodePointCount(absl::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace meltingdoc::search
