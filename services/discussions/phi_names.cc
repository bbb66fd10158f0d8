// Patient names: after a civility (Mme Durand, M. Jean Martin), after a role (le patient
// Dupont, sa fille Julie), after "nommé(e)" / "Nom :", a maiden name (née Durand), and
// initials with a surname (chez J. Martin). Doctors (Dr, Pr, Docteur...) and eponyms pass.
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

// kLoose after a civility (anything capitalized is a name), kStrict after a role or alone
// (eponyms, acronyms and common capitalized words are not names).
enum class Mode { kLoose, kStrict };

bool IsApostrophe(const Analysis& a, size_t i) {
  if (i >= a.tokens.size() || a.tokens[i].kind != TokenKind::kPunct) return false;
  const std::string_view s = a.TokenText(i);
  return s == "'" || s == "\xE2\x80\x99";
}

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

// A single upper-case letter followed at once by a dot: "J." (and "J.-P.").
size_t InitialEnd(const Analysis& a, size_t i) {
  if (!a.IsWord(i) || !a.tokens[i].capitalized) return 0;
  const std::string_view s = a.TokenText(i);
  if (!(s.size() == 1 || (s.size() == 2 && static_cast<unsigned char>(s[0]) >= 0xC0))) return 0;
  if (!a.IsPunct(i + 1, '.') || !a.Adjacent(i, i + 1)) return 0;
  size_t end = i + 2;
  // J.-P.
  if (a.IsPunct(end, '-') && a.Adjacent(end - 1, end) && InitialEnd(a, end + 1) != 0 && a.Adjacent(end, end + 1)) {
    end = InitialEnd(a, end + 1);
  }
  return end;
}

bool IsNameWord(const Analysis& a, size_t i, Mode mode) {
  if (!a.IsWord(i)) return false;
  const Token& t = a.tokens[i];
  if (!t.capitalized || t.end - t.begin < 2) return false;
  const std::string_view s = a.TokenText(t);
  if (HasDigit(s)) return false;
  if (t.lex & kDoctorTitle) return false;
  if (mode == Mode::kStrict) {
    if (t.lex & (kNotAName | kFunctionWord | kMonth | kStreetType | kRecordCue)) return false;
    if (t.all_caps && t.end - t.begin < 4) return false;  // acronyms: VIH, HTA, BPCO is listed
    // An initial without its dot is an anonymized name ("Mme D"); a single capital plus
    // lower case is a word.
  } else {
    if (t.lex & kMonth) return false;
  }
  return true;
}

struct NameSpan {
  size_t end = 0;  // token index after the name; 0 when there is no name
};

// Reads a name from token i: initials, name words, particles between them. A name needs at
// least one name word (initials alone, "Mme D.", are the usual anonymization and pass).
NameSpan ParseName(const Analysis& a, size_t i, Mode mode) {
  size_t k = i, last = 0;
  bool has_word = false;
  for (int parts = 0; parts < 6 && k < a.tokens.size(); ++parts) {
    if (a.tokens[k].newline_before && k != i) break;
    if (const size_t ie = InitialEnd(a, k); ie != 0) {
      k = ie;
      continue;
    }
    if (IsNameWord(a, k, mode)) {
      // In loose mode a capitalized function word (Le Goff, La Fontaine) is a name only
      // when another name word follows.
      if ((a.tokens[k].lex & kFunctionWord) && !IsNameWord(a, k + 1, Mode::kStrict)) break;
      has_word = true;
      last = ++k;
      continue;
    }
    // Particles inside a name: de Villiers, d'Estaing, van Gogh, Le Goff handled above.
    if (a.IsWord(k) && !a.tokens[k].capitalized && (a.tokens[k].lex & kParticle)) {
      size_t next = k + 1;
      if (IsApostrophe(a, next)) ++next;
      if (IsNameWord(a, next, Mode::kLoose) && !(a.tokens[next].lex & kFunctionWord)) {
        k = next;
        continue;
      }
    }
    break;
  }
  return has_word ? NameSpan{last} : NameSpan{};
}

bool IsEtAl(const Analysis& a, size_t i) {
  if (!a.IsWord(i) || !a.IsWord(i + 1)) return false;
  return a.TokenText(i) == "et" && a.TokenText(i + 1) == "al";
}

void Report(Analysis& a, size_t first, size_t end, uint8_t gender) {
  a.findings.push_back({PhiCategory::kPatientName, a.tokens[first].begin, a.tokens[end - 1].end, gender});
}

// Token index after an optional "(e)" / "(s)" at i.
size_t SkipGenderMark(const Analysis& a, size_t i) {
  if (a.IsPunct(i, '(') && a.IsWord(i + 1) && a.TokenText(i + 1).size() <= 2 && a.IsPunct(i + 2, ')') &&
      a.Adjacent(i, i + 1)) {
    return i + 3;
  }
  return i;
}

}  // namespace

void FindNames(Analysis& a) {
  const size_t n = a.tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const Token& t = a.tokens[i];
    if (t.kind != TokenKind::kWord) continue;
    const uint32_t lex = t.lex;

    if (lex & (kCivilityMale | kCivilityFemale)) {
      const std::string_view s = a.TokenText(t);
      const bool short_form = s.size() <= 2;  // M, MM, Mr: capital and (for M, MM) a dot
      size_t k = i + 1;
      if (a.IsPunct(k, '.') && a.Adjacent(i, k)) {
        ++k;
      } else if (short_form && (s == "M" || s == "MM")) {
        continue;
      }
      if (short_form && !t.capitalized) continue;
      const NameSpan name = ParseName(a, k, Mode::kLoose);
      if (name.end != 0) {
        Report(a, i, name.end, (lex & kCivilityFemale) ? 2 : 1);
        i = name.end - 1;
      }
      continue;
    }

    if (lex & (kRoleMale | kRoleFemale | kNameIntro)) {
      size_t k = SkipGenderMark(a, i + 1);
      if (a.IsWord(k) && (a.tokens[k].lex & (kCivilityMale | kCivilityFemale))) continue;  // handled there
      if (k < n && a.tokens[k].newline_before) continue;
      const NameSpan name = ParseName(a, k, Mode::kStrict);
      if (name.end != 0 && !IsEtAl(a, name.end)) {
        Report(a, k, name.end, (lex & kRoleFemale) ? 2 : (lex & kRoleMale) ? 1 : 0);
        i = name.end - 1;
        continue;
      }
    }

    if ((lex & kNameLabel) && a.IsPunct(i + 1, ':')) {
      const NameSpan name = ParseName(a, i + 2, Mode::kLoose);
      if (name.end != 0) {
        Report(a, i + 2, name.end, 0);
        i = name.end - 1;
      }
      continue;
    }

    // Maiden name: "née Durand" (a date after "née" is the date detector's).
    if ((lex & kBirthCue) && !t.capitalized) {
      const std::string_view s = a.TokenText(t);
      if (s == "n\xC3\xA9" "e" || s == "n\xC3\xA9") {
        const NameSpan name = ParseName(a, i + 1, Mode::kStrict);
        if (name.end != 0) {
          Report(a, i + 1, name.end, 2);
          i = name.end - 1;
        }
      }
      continue;
    }

    // Initials with a surname, without a cue: "chez J. Martin", "(J.-P. Durand)".
    if (InitialEnd(a, i) != 0) {
      bool context = i == 0 || t.newline_before;
      if (!context) {
        const Token& p = a.tokens[i - 1];
        if (p.kind == TokenKind::kPunct) {
          const std::string_view ps = a.TokenText(p);
          context = ps != "." && ps != "-" && ps != "/";
        } else if (p.kind == TokenKind::kWord) {
          context = (p.lex & kInitialContext) != 0;
        }
      }
      if (!context) continue;
      const NameSpan name = ParseName(a, i, Mode::kStrict);
      if (name.end != 0 && !IsEtAl(a, name.end) && InitialEnd(a, name.end - 1) == 0) {
        Report(a, i, name.end, 0);
        i = name.end - 1;
      }
    }
  }
}

}  // namespace meltingdoc::discussions::phi
