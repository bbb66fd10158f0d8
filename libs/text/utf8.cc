#include "libs/text/utf8.h"

#include <cstring>

namespace meltingdoc::text {

size_t SequenceLength(absl::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) second_min = 0xA0;  // overlong
    if (c == 0xED) second_max = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) second_min = 0x90;  // overlong
    if (c == 0xF4) second_max = 0x8F;  // above U+10FFFF
  }
  // C0, C1 (overlong two-byte leads), F5..FF and continuation bytes stay len 0.
  if (len == 0 || i + len > s.size()) return 0;
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < second_min || second > second_max) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool DecodeUtf8(absl::string_view s, size_t& i, uint32_t& cp) {
  const size_t len = SequenceLength(s, i);
  const auto b0 = static_cast<unsigned char>(s[i]);
  switch (len) {
    case 1:
      cp = b0;
      break;
    case 2:
      cp = (b0 & 0x1Fu) << 6 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      break;
    case 3:
      cp = (b0 & 0x0Fu) << 12 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6 |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      break;
    case 4:
      cp = (b0 & 0x07u) << 18 | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12 |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6 | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      break;
    default:
      cp = b0;
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

bool IsValidUtf8(absl::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {  // fast path: eight ASCII bytes at a time
      uint64_t chunk;
      std::memcpy(&chunk, s.data() + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t len = SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t CodePointCount(absl::string_view s) {
  size_t n = 0;
  for (char c : s) n += StartsCodePoint(c) ? 1 : 0;
  return n;
}

std::optional<size_t> ValidCodePointCount(absl::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    const size_t len = SequenceLength(s, i);
    if (len == 0) return std::nullopt;
    i += len;
  }
  return n;
}

bool IsCleanText(absl::string_view s, bool allow_newlines) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = SequenceLength(s, i);
    if (len == 0) return false;
    if (len == 1) {
      const char c = s[i];
      if ((static_cast<unsigned char>(c) < 0x20 || c == 0x7F) && c != '\t' &&
          !(allow_newlines && (c == '\n' || c == '\r'))) {
        return false;
      }
    }
    i += len;
  }
  return true;
}

std::string StripControlCharacters(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) continue;
    out.push_back(c);
  }
  return out;
}

std::string CleanLabel(absl::string_view s, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = SequenceLength(s, i);
    if (n == 0) {
      ++i;
      continue;
    }
    const auto lead = static_cast<unsigned char>(s[i]);
    if (n == 1 && (lead < 0x20 || lead == 0x7F)) {
      ++i;
      continue;
    }
    if (out.size() + n > max_bytes) break;
    out.append(s.data() + i, n);
    i += n;
  }
  return out;
}

}  // namespace meltingdoc::text
