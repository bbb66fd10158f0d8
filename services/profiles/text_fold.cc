#include "services/profiles/text_fold.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace meltingdoc::profiles {
namespace {

// Decodes one UTF-8 sequence at text[*i]; returns the code point (or the byte for invalid
// input) and advances *i.
uint32_t NextCodePoint(absl::string_view text, size_t* i, bool* valid) {
  const auto b0 = static_cast<unsigned char>(text[*i]);
  *valid = true;
  int extra = 0;
  uint32_t cp = 0;
  if (b0 < 0x80) {
    ++*i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    *valid = false;
    ++*i;
    return b0;
  }
  if (*i + extra >= text.size()) {
    *valid = false;
    ++*i;
    return b0;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(text[*i + k]);
    if ((b & 0xC0) != 0x80) {
      *valid = false;
      ++*i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong = (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *valid = false;
    ++*i;
    return b0;
  }
  *i += extra + 1;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The ASCII folding of Latin-1 Supplement and Latin Extended-A letters used in French (and
// the neighbouring languages of doctors' names); nullptr when there is none.
const char* FoldLatin(uint32_t cp) {
  switch (cp) {
    case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4: case 0xC5:
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xE5: return "a";
    case 0xC6: case 0xE6: return "ae";
    case 0xC7: case 0xE7: return "c";
    case 0xC8: case 0xC9: case 0xCA: case 0xCB:
    case 0xE8: case 0xE9: case 0xEA: case 0xEB: return "e";
    case 0xCC: case 0xCD: case 0xCE: case 0xCF:
    case 0xEC: case 0xED: case 0xEE: case 0xEF: return "i";
    case 0xD1: case 0xF1: return "n";
    case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD6: case 0xD8:
    case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6: case 0xF8: return "o";
    case 0xD9: case 0xDA: case 0xDB: case 0xDC:
    case 0xF9: case 0xFA: case 0xFB: case 0xFC: return "u";
    case 0xDD: case 0xFD: case 0xFF: case 0x178: return "y";
    case 0xDF: return "ss";
    case 0x152: case 0x153: return "oe";
    default: return nullptr;
  }
}

}  // namespace

std::string FoldForMatch(absl::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    bool valid = true;
    const uint32_t cp = NextCodePoint(text, &i, &valid);
    std::string piece;
    if (!valid) continue;  // invalid bytes never match anything
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') piece.push_back(static_cast<char>(c - 'A' + 'a'));
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) piece.push_back(c);
    } else if (const char* latin = FoldLatin(cp)) {
      piece = latin;
    } else if (cp >= 0x2000 && cp <= 0x206F) {
      // General punctuation (dashes, quotes): a separator.
    } else if (cp == 0xA0 || (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7) {
      // Latin-1 symbols and no-break space: separators.
    } else {
      AppendUtf8(cp, &piece);
    }
    if (piece.empty()) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded.push_back(' ');
    pending_space = false;
    folded += piece;
  }
  std::vector<std::string> words = absl::StrSplit(folded, ' ', absl::SkipEmpty());
  for (std::string& w : words) {
    if (w == "st") w = "saint";
    if (w == "ste") w = "sainte";
  }
  return absl::StrJoin(words, " ");
}

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    bool valid = true;
    NextCodePoint(text, &i, &valid);
    ++n;
  }
  return n;
}

bool IsCleanText(absl::string_view text, bool allow_newlines) {
  size_t i = 0;
  while (i < text.size()) {
    bool valid = true;
    const uint32_t cp = NextCodePoint(text, &i, &valid);
    if (!valid) return false;
    if (cp < 0x20 || cp == 0x7F) {
      if (cp == '\t') continue;
      if (allow_newlines && (cp == '\n' || cp == '\r')) continue;
      return false;
    }
  }
  return true;
}

}  // namespace meltingdoc::profiles
