// Hospital record numbers: the identifier after IPP, NIP, NDA, "dossier n°", "n° de séjour"...
// (at least 5 digits, so that "IPP 20 mg", the proton-pump inhibitor, passes), and room or
// bed numbers (chambre 12, lit 4), which phi_guard.cc reports only next to a patient name.
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

bool IsNumberSign(const Analysis& a, size_t i) {
  // n°, N°, nº, no, numéro, num, #
  if (a.IsPunct(i, '#')) return true;
  if (!a.IsWord(i) || !(a.tokens[i].lex & kNumberWord)) return false;
  const std::string_view s = a.TokenText(i);
  if (s == "n" || s == "N") {
    return i + 1 < a.tokens.size() && a.Adjacent(i, i + 1) &&
           (a.TokenText(i + 1) == "\xC2\xB0" || a.TokenText(i + 1) == "\xC2\xBA");
  }
  return true;
}

// Token index after a number sign at i ("n°" is two tokens), or i.
size_t SkipNumberSign(const Analysis& a, size_t i) {
  if (!IsNumberSign(a, i)) return i;
  const std::string_view s = a.TokenText(i);
  return (s == "n" || s == "N") ? i + 2 : i + 1;
}

// Token index after an identifier of at least five digits starting at k, or 0.
size_t IdentifierEnd(const Analysis& a, size_t k) {
  const size_t n = a.tokens.size();
  int digits = 0;
  size_t end = 0;
  for (size_t j = k; j < n && j < k + 12; ++j) {
    const Token& t = a.tokens[j];
    if (j > k && t.space_before) {
      // "800 123 456": groups of digits separated by single spaces
      if (!(t.kind == TokenKind::kNumber && a.tokens[j - 1].kind == TokenKind::kNumber)) break;
    }
    if (t.kind == TokenKind::kNumber) {
      digits += static_cast<int>(t.end - t.begin);
      end = j + 1;
    } else if (t.kind == TokenKind::kWord && (t.all_caps || a.IsNumber(j - 1) || a.IsNumber(j + 1))) {
      for (char c : a.TokenText(t)) digits += (c >= '0' && c <= '9') ? 1 : 0;
      end = j + 1;
    } else if (a.IsPunct(j, '-') || a.IsPunct(j, '/') || a.IsPunct(j, '_')) {
      if (!(j + 1 < n && a.Adjacent(j, j + 1))) break;
    } else {
      break;
    }
  }
  return digits >= 5 ? end : 0;
}

// After a cue: optional ':' '=' 'n°' 'numéro' then the value.
size_t ValueStart(const Analysis& a, size_t k) {
  for (int s = 0; s < 3; ++s) {
    if (a.IsPunct(k, ':') || a.IsPunct(k, '=') || a.IsPunct(k, '-')) {
      ++k;
      continue;
    }
    if (a.IsWord(k) && (a.TokenText(k) == "est" || a.TokenText(k) == "du" || a.TokenText(k) == "patient")) {
      ++k;
      continue;
    }
    const size_t after = SkipNumberSign(a, k);
    if (after != k) {
      k = after;
      continue;
    }
    break;
  }
  return k;
}

}  // namespace

void FindRecordNumbers(Analysis& a) {
  const size_t n = a.tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const Token& t = a.tokens[i];
    if (t.kind != TokenKind::kWord) continue;
    size_t value = 0;
    bool found_cue = false;
    if ((t.lex & kRecordCue) && t.all_caps) {
      found_cue = true;
      value = ValueStart(a, i + 1);
    } else if (IsNumberSign(a, i)) {
      // n° de dossier / n° d'hospitalisation / numéro patient
      size_t k = SkipNumberSign(a, i);
      if (a.IsWord(k) && (a.TokenText(k) == "de" || a.TokenText(k) == "d")) ++k;
      if (k < n && a.tokens[k].kind == TokenKind::kPunct && (a.TokenText(k) == "'" || a.TokenText(k) == "\xE2\x80\x99")) ++k;
      if (a.Has(k, kDossier)) {
        found_cue = true;
        value = ValueStart(a, k + 1);
      }
    } else if ((t.lex & kDossier) && a.TokenText(t) != "patient") {
      // dossier n° 123456, dossier : 123456
      const size_t k = ValueStart(a, i + 1);
      if (k != i + 1) {
        found_cue = true;
        value = k;
      }
    } else if (t.lex & kRoomCue) {
      size_t k = i + 1;
      if (a.IsPunct(k, '.') && a.Adjacent(i, k)) ++k;
      k = SkipNumberSign(a, k);
      if (a.IsNumber(k) && a.TokenText(k).size() <= 4) {
        size_t end = k + 1;
        if (a.IsWord(end) && a.Adjacent(k, end) && a.TokenText(end).size() == 1) ++end;  // 12B
        a.room_candidates.push_back({PhiCategory::kRecordNumber, t.begin, a.tokens[end - 1].end});
      }
      continue;
    }
    if (!found_cue) continue;
    const size_t end = IdentifierEnd(a, value);
    if (end == 0) continue;
    a.findings.push_back({PhiCategory::kRecordNumber, a.tokens[value].begin, a.tokens[end - 1].end});
    i = end - 1;
  }
}

}  // namespace meltingdoc::discussions::phi
