// Dates of birth (after né(e), DDN, date de naissance) and full dates after an event cue
// (décédé, admis, hospitalisé ... le 12/03/2024). A year alone is never reported.
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

enum class DateKind { kNone, kFull, kDayMonth, kMonthYear };

struct DateSpan {
  DateKind kind = DateKind::kNone;
  size_t end = 0;    // token index after the date
  size_t start = 0;  // token index of its first token (set by DateAfter)
};

int NumberValue(const Analysis& a, size_t i, size_t max_digits) {
  if (!a.IsNumber(i)) return -1;
  const std::string_view s = a.TokenText(i);
  if (s.size() > max_digits) return -1;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool IsYear(const Analysis& a, size_t i, bool allow_two_digits) {
  if (!a.IsNumber(i)) return false;
  const std::string_view s = a.TokenText(i);
  if (s.size() == 2) return allow_two_digits;
  if (s.size() != 4) return false;
  const int v = NumberValue(a, i, 4);
  return v >= 1880 && v <= 2100;
}

bool IsDateSep(const Analysis& a, size_t i) { return a.IsPunct(i, '/') || a.IsPunct(i, '-') || a.IsPunct(i, '.'); }

DateSpan ParseDate(const Analysis& a, size_t i) {
  const size_t n = a.tokens.size();
  if (i >= n) return {};
  // 12/03/1957, 12-03-57, 12.03.1957, 12/03 ; 03/1957 ; 1957-03-12
  if (a.IsNumber(i)) {
    const std::string_view s = a.TokenText(i);
    if (s.size() == 4 && a.IsPunct(i + 1, '-') && a.Adjacent(i, i + 1) && NumberValue(a, i + 2, 2) >= 1 &&
        a.Adjacent(i + 1, i + 2) && a.IsPunct(i + 3, '-') && a.Adjacent(i + 2, i + 3) &&
        NumberValue(a, i + 4, 2) >= 1 && a.Adjacent(i + 3, i + 4) && IsYear(a, i, false)) {
      return {DateKind::kFull, i + 5};
    }
    const int first = NumberValue(a, i, 2);
    if (first >= 1 && first <= 31 && IsDateSep(a, i + 1) && a.Adjacent(i, i + 1) && a.Adjacent(i + 1, i + 2)) {
      const std::string_view sep = a.TokenText(i + 1);
      if (first <= 12 && IsYear(a, i + 2, false) && a.IsPunct(i + 1, '/')) {
        // 03/1957, unless it is the middle of a full date
        return {DateKind::kMonthYear, i + 3};
      }
      const int month = NumberValue(a, i + 2, 2);
      if (month >= 1 && month <= 12) {
        if (a.IsPunct(i + 3, sep[0]) && a.Adjacent(i + 2, i + 3) && a.Adjacent(i + 3, i + 4) &&
            IsYear(a, i + 4, true)) {
          return {DateKind::kFull, i + 5};
        }
        // 12/03 alone is a date only right after "le" (Apgar 10/10 is not)
        if (sep == "/" && i > 0 && a.IsWord(i - 1) && (a.TokenText(i - 1) == "le" || a.TokenText(i - 1) == "Le")) {
          return {DateKind::kDayMonth, i + 3};
        }
      }
    }
    // 12 mars 1957, 12 mars, 1er mars 1957
    size_t month_at = i + 1;
    if (first == 1 && a.IsWord(month_at) && a.Adjacent(i, month_at) &&
        (a.TokenText(month_at) == "er" || a.TokenText(month_at) == "ER")) {
      ++month_at;
    }
    if (first >= 1 && first <= 31 && a.Has(month_at, kMonth)) {
      size_t k = month_at + 1;
      if (a.IsPunct(k, '.') && a.Adjacent(k - 1, k)) ++k;  // janv.
      if (IsYear(a, k, false)) return {DateKind::kFull, k + 1};
      return {DateKind::kDayMonth, k};
    }
    return {};
  }
  if (a.IsWord(i)) {
    // mars 1957
    if (a.Has(i, kMonth)) {
      size_t k = i + 1;
      if (a.IsPunct(k, '.') && a.Adjacent(k - 1, k)) ++k;
      if (IsYear(a, k, false)) return {DateKind::kMonthYear, k + 1};
    }
  }
  return {};
}

bool EndsWindow(const Analysis& a, size_t i) {
  if (a.tokens[i].newline_before) return true;
  return a.IsPunct(i, '.') || a.IsPunct(i, ';') || a.IsPunct(i, '!') || a.IsPunct(i, '?');
}

// The first date within `window` tokens after token `cue`, or kNone.
DateSpan DateAfter(const Analysis& a, size_t cue, int window) {
  const size_t n = a.tokens.size();
  for (size_t k = cue + 1; k < n && k <= cue + static_cast<size_t>(window); ++k) {
    if (EndsWindow(a, k)) {
      // "né(e)." is not an end; a dot right after an abbreviation like "janv." is inside ParseDate.
      if (!(a.IsPunct(k, '.') && k == cue + 1)) break;
    }
    const DateSpan d = ParseDate(a, k);
    if (d.kind != DateKind::kNone) return DateSpan{d.kind, d.end, k};
  }
  return {};
}

size_t StartOf(const DateSpan& d) { return d.start; }
size_t EndOf(const DateSpan& d) { return d.end; }

}  // namespace

void FindDates(Analysis& a) {
  const size_t n = a.tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const Token& t = a.tokens[i];
    if (t.kind != TokenKind::kWord || !(t.lex & (kBirthCue | kEventCue))) continue;
    const bool birth = (t.lex & kBirthCue) != 0;
    DateSpan d = DateAfter(a, i, birth ? 7 : 6);
    if (d.kind == DateKind::kNone) continue;
    if (birth) {
      a.findings.push_back({PhiCategory::kBirthDate, a.tokens[StartOf(d)].begin, a.tokens[EndOf(d) - 1].end});
      i = EndOf(d) - 1;
      continue;
    }
    // Event dates: only full dates; "du 12/03/2024 au 15/03/2024" reports both.
    while (d.kind != DateKind::kNone) {
      if (d.kind == DateKind::kFull) {
        a.findings.push_back(
            {PhiCategory::kIdentifyingDate, a.tokens[StartOf(d)].begin, a.tokens[EndOf(d) - 1].end});
      }
      i = EndOf(d) - 1;
      d = DateAfter(a, i, 3);
    }
  }
}

}  // namespace meltingdoc::discussions::phi
