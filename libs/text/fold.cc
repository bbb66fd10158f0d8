#include "libs/text/fold.h"

#include "absl/strings/str_join.h"
#include "libs/text/utf8.h"

namespace meltingdoc::text {
namespace {

// Lower-case unaccent forms of U+00C0..U+017F ("" = not a letter: × ÷). Generated from
// PostgreSQL 15's unaccent.rules, except U+0149 ŉ (unaccent: "'n"), folded as the letter n.
const char* const kLatinFold[192] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // 00C0
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",  // 00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // 00E0
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",  // 00F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 0100
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 0110
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "q", "l", "l", "l", "l", "l", "l", "l",  // 0130
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // 0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 0150
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 0160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // 0170
};

bool IsAsciiWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Non-ASCII code points that separate words in WordChars::kAnyScript.
bool IsNonAsciiSeparator(uint32_t cp) {
  return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F);
}

}  // namespace

void AppendFolded(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
  } else if (cp >= 0xC0 && cp <= 0x17F && *kLatinFold[cp - 0xC0] != '\0') {
    out += kLatinFold[cp - 0xC0];
  } else if (cp >= 0x300 && cp <= 0x36F) {
    // combining mark: dropped like a precomposed accent
  } else if (cp == 0x2018 || cp == 0x2019) {
    out.push_back('\'');
  } else {
    AppendUtf8(out, cp);
  }
}

std::string FoldText(absl::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  uint32_t cp = 0;
  for (size_t i = 0; i < utf8.size();) {
    if (DecodeUtf8(utf8, i, cp)) AppendFolded(out, cp);
  }
  return out;
}

std::vector<std::string> FoldedWords(absl::string_view utf8, WordChars chars) {
  const std::string folded = FoldText(utf8);
  std::vector<std::string> words;
  std::string current;
  for (size_t i = 0; i < folded.size();) {
    const size_t start = i;
    bool word_char;
    if (IsAsciiWordChar(folded[i])) {
      word_char = true;
      ++i;
    } else if (static_cast<unsigned char>(folded[i]) < 0x80 || chars == WordChars::kAsciiAlnum) {
      word_char = false;
      ++i;
      while (i < folded.size() && !StartsCodePoint(folded[i])) ++i;  // the rest of a sequence
    } else {
      uint32_t cp = 0;
      DecodeUtf8(folded, i, cp);  // FoldText's output is well-formed
      word_char = !IsNonAsciiSeparator(cp);
    }
    if (word_char) {
      current.append(folded, start, i - start);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::string FoldedKey(absl::string_view utf8, WordChars chars) {
  return absl::StrJoin(FoldedWords(utf8, chars), " ");
}

void ExpandSaintAbbreviations(std::vector<std::string>& folded_words) {
  for (std::string& w : folded_words) {
    if (w == "st") w = "saint";
    if (w == "ste") w = "sainte";
  }
}

std::string FoldForMatch(absl::string_view utf8) {
  std::vector<std::string> words = FoldedWords(utf8, WordChars::kAnyScript);
  ExpandSaintAbbreviations(words);
  return absl::StrJoin(words, " ");
}

}  // namespace meltingdoc::text
