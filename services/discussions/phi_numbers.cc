// Number-shaped identifiers found on the raw bytes: NIR, French phone numbers, IBAN.
#include <cstring>
#include <string>

#include "services/discussions/iban.h"
#include "services/discussions/nir.h"
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

// True when a digit group sequence would continue at `i` (a digit, or a separator then a
// digit), i.e. the number does not end at `i`.
bool DigitsContinue(std::string_view t, size_t i) {
  if (i >= t.size()) return false;
  const unsigned char c = static_cast<unsigned char>(t[i]);
  if (IsAsciiAlnum(c)) return true;
  const size_t sep = DigitGroupSeparator(t, i);
  return sep > 0 && i + sep < t.size() && IsAsciiDigit(static_cast<unsigned char>(t[i + sep]));
}

// The start of a number that is not the middle of a longer digit sequence ("12 1 57 ...").
bool StartsNumber(std::string_view t, size_t i) {
  if (ContinuesWord(t, i)) return false;
  if (i == 0) return true;
  const unsigned char p = static_cast<unsigned char>(t[i - 1]);
  if (p == ',' || p == '+' || p == '/') return false;  // decimals, fractions, "+33" handled apart
  // A separator preceded by a digit: we are inside a grouped number.
  for (size_t back = 1; back <= 3 && back <= i; ++back) {
    if (DigitGroupSeparator(t, i - back) == back) {
      return !(i - back > 0 && IsAsciiDigit(static_cast<unsigned char>(t[i - back - 1])));
    }
  }
  return true;
}

// Case-insensitive search of a cue in the bytes just before `i` (the NIR without key).
bool NirCueBefore(std::string_view t, size_t i) {
  const size_t from = i > 48 ? i - 48 : 0;
  std::string window(t.substr(from, i - from));
  for (char& c : window) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  for (const char* cue : {"nir", "sécu", "secu", "sécurité sociale", "securite sociale", "ss :", "n° ss",
                          "insee", "immatriculation", "ins :", "ins "}) {
    if (window.find(cue) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void FindNirs(Analysis& a) {
  const std::string_view t = a.text;
  const size_t n = t.size();
  char compact[16];
  for (size_t i = 0; i < n; ++i) {
    const char c0 = t[i];
    if (c0 != '1' && c0 != '2' && c0 != '3' && c0 != '4' && c0 != '7' && c0 != '8') continue;
    if (!StartsNumber(t, i)) continue;
    size_t count = 0, j = i, last_end = i;
    while (j < n && count < 15) {
      const char c = t[j];
      const bool corsica = count == 6 && compact[5] == '2' && (c == 'A' || c == 'B' || c == 'a' || c == 'b');
      if (IsAsciiDigit(static_cast<unsigned char>(c)) || corsica) {
        compact[count++] = c;
        ++j;
        last_end = j;
        continue;
      }
      const size_t sep = DigitGroupSeparator(t, j);
      if (sep == 0 || j + sep >= n) break;
      const char next = t[j + sep];
      const bool next_ok = IsAsciiDigit(static_cast<unsigned char>(next)) ||
                           (count == 6 && compact[5] == '2' && (next == 'A' || next == 'B'));
      if (!next_ok) break;
      j += sep;
    }
    if (count == 15 && !DigitsContinue(t, last_end) && IsValidNir(std::string_view(compact, 15))) {
      a.findings.push_back({PhiCategory::kNir, static_cast<uint32_t>(i), static_cast<uint32_t>(last_end)});
      i = last_end;
    } else if (count == 13 && !DigitsContinue(t, last_end) && IsPlausibleNirBody(std::string_view(compact, 13)) &&
               NirCueBefore(t, i)) {
      a.findings.push_back({PhiCategory::kNir, static_cast<uint32_t>(i), static_cast<uint32_t>(last_end)});
      i = last_end;
    } else if (count >= 13) {
      i = last_end;  // one long number: do not restart inside it
    }
  }
}

namespace {

// Reads `want` digits from `j` as groups separated by single separators; returns the end or
// 0. Every group but the first has at least two digits, so that lists of small numbers
// ("0 5 10 15 20 25") are not taken for a phone number.
size_t ReadDigitGroups(std::string_view t, size_t j, int want) {
  const size_t n = t.size();
  int count = 0, groups = 0, group_len = 0;
  size_t end = 0;
  while (j < n) {
    if (IsAsciiDigit(static_cast<unsigned char>(t[j]))) {
      ++count;
      ++group_len;
      ++j;
      end = j;
      if (count == want) break;
      continue;
    }
    const size_t sep = DigitGroupSeparator(t, j);
    if (sep == 0 || j + sep >= n || !IsAsciiDigit(static_cast<unsigned char>(t[j + sep]))) return 0;
    if (groups > 0 && group_len < 2) return 0;
    ++groups;
    group_len = 0;
    j += sep;
  }
  if (count != want || (groups > 0 && group_len < 2) || groups > 5) return 0;
  if (DigitsContinue(t, end)) return 0;
  return end;
}

// After "+33" or "0033": optional separator, optional "(0)", then 9 digits starting 1-9.
size_t ReadInternationalRest(std::string_view t, size_t j) {
  const size_t n = t.size();
  if (j < n) j += DigitGroupSeparator(t, j);
  if (j + 2 < n && t[j] == '(' && t[j + 1] == '0' && t[j + 2] == ')') {
    j += 3;
    if (j < n) j += DigitGroupSeparator(t, j);
  }
  if (j >= n || t[j] < '1' || t[j] > '9') return 0;
  return ReadDigitGroups(t, j, 9);
}

}  // namespace

void FindPhones(Analysis& a) {
  const std::string_view t = a.text;
  const size_t n = t.size();
  for (size_t i = 0; i + 9 < n; ++i) {
    const char c = t[i];
    size_t end = 0;
    if (c == '+') {
      if (t[i + 1] == '3' && t[i + 2] == '3' && !ContinuesWord(t, i)) end = ReadInternationalRest(t, i + 3);
    } else if (c == '0' && StartsNumber(t, i)) {
      if (t[i + 1] == '0' && t[i + 2] == '3' && t[i + 3] == '3') {
        end = ReadInternationalRest(t, i + 4);
      } else {
        size_t k = i + 1;
        k += DigitGroupSeparator(t, k);
        if (k < n && t[k] >= '1' && t[k] <= '9') end = ReadDigitGroups(t, i, 10);
      }
    }
    if (end != 0) {
      a.findings.push_back({PhiCategory::kPhone, static_cast<uint32_t>(i), static_cast<uint32_t>(end)});
      i = end - 1;
    }
  }
}

void FindIbans(Analysis& a) {
  const std::string_view t = a.text;
  const size_t n = t.size();
  char compact[35];
  for (size_t i = 0; i + 15 <= n; ++i) {
    if (!IsAsciiAlpha(static_cast<unsigned char>(t[i])) || !IsAsciiAlpha(static_cast<unsigned char>(t[i + 1])) ||
        !IsAsciiDigit(static_cast<unsigned char>(t[i + 2])) || !IsAsciiDigit(static_cast<unsigned char>(t[i + 3])) ||
        ContinuesWord(t, i)) {
      continue;
    }
    const int known = IbanLengthOf(t.substr(i, 2));
    size_t count = 0, j = i;
    size_t best_end = 0;
    while (j < n && count < 34) {
      if (IsAsciiAlnum(static_cast<unsigned char>(t[j]))) {
        compact[count++] = t[j++];
        const bool boundary = j >= n || !IsAsciiAlnum(static_cast<unsigned char>(t[j]));
        if (boundary && count >= 15 && (known == 0 || static_cast<int>(count) == known) &&
            IsValidIban(std::string_view(compact, count))) {
          best_end = j;
          if (known != 0) break;
        }
        if (known != 0 && static_cast<int>(count) >= known) break;
        continue;
      }
      const size_t sep = t[j] == ' ' ? 1 : (DigitGroupSeparator(t, j) == 2 ? 2 : 0);  // space or nbsp
      if (sep == 0 || j + sep >= n || !IsAsciiAlnum(static_cast<unsigned char>(t[j + sep]))) break;
      j += sep;
    }
    if (best_end != 0) {
      a.findings.push_back({PhiCategory::kIban, static_cast<uint32_t>(i), static_cast<uint32_t>(best_end)});
      i = best_end - 1;
    }
  }
}

}  // namespace meltingdoc::discussions::phi
