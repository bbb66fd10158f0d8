// Internals of the patient-data guard (phi_guard.h): UTF-8 helpers, the tokenizer and the
// lexicon flags that the per-category detectors (phi_*.cc) work on. Byte offsets everywhere;
// phi_guard.cc converts to code points once at the end.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "services/discussions/phi_guard.h"

namespace meltingdoc::discussions::phi {

enum class TokenKind : uint8_t { kWord, kNumber, kPunct };

// Lexicon flags of a word (phi_lexicon.cc), looked up once per word on its folded form.
enum LexFlag : uint32_t {
  kCivilityMale = 1u << 0,     // M (with a dot), Mr, Monsieur
  kCivilityFemale = 1u << 1,   // Mme, Mlle, Madame, Mademoiselle
  kRoleMale = 1u << 2,         // patient, père, fils, mari ...
  kRoleFemale = 1u << 3,       // patiente, mère, fille, épouse ...
  kNameIntro = 1u << 4,        // nommé, prénommé, appelé, dénommé
  kDoctorTitle = 1u << 5,      // Dr, Docteur, Pr, Professeur, confrère
  kBirthCue = 1u << 6,         // né, née, DDN, naissance
  kEventCue = 1u << 7,         // décédé, admis, hospitalisé, entrée, sortie ...
  kMonth = 1u << 8,            // janvier ... décembre and abbreviations; month in MonthOf()
  kStreetType = 1u << 9,       // rue, avenue, bd ...
  kAddressCue = 1u << 10,      // habite, domicilié, demeurant, adresse
  kRecordCue = 1u << 11,       // IPP, NIP, NDA (upper case only, see IsRecordCue)
  kRoomCue = 1u << 12,         // chambre, ch, lit, box
  kParticle = 1u << 13,        // de, du, des, la, le, l, d, van, von ... inside names/streets
  kInitialContext = 1u << 14,  // chez, avec, pour, et ... may precede "J. Martin"
  kNotAName = 1u << 15,        // eponyms, acronyms, capitalized common words
  kFunctionWord = 1u << 16,    // Le, La, Puis, Il ... (capitalized at sentence start)
  kDossier = 1u << 17,         // dossier, séjour, hospitalisation (after "n°")
  kNumberWord = 1u << 18,      // numéro, num, no, n (with °)
  kSkipAfterCue = 1u << 19,    // le, en, du, au, à, : between a cue and its value
  kNameLabel = 1u << 20,       // nom, prénom, "nom de naissance" (label then ':')
};

struct Token {
  uint32_t begin;  // bytes
  uint32_t end;
  TokenKind kind;
  bool capitalized = false;  // first letter upper case
  bool all_caps = false;     // every letter upper case
  bool space_before = false;
  bool newline_before = false;
  uint32_t lex = 0;  // LexFlag bits (words only)
  uint8_t month = 0;  // 1..12 when lex has kMonth
};

// A raw finding in bytes, before merging and conversion.
struct RawFinding {
  PhiCategory category;
  uint32_t begin;
  uint32_t end;
  // For names: 0 unknown, 1 after a masculine cue (M., le patient), 2 after a feminine one.
  uint8_t gender = 0;
};

struct Analysis {
  std::string_view text;
  std::vector<Token> tokens;
  std::vector<RawFinding> findings;
  // Room or bed numbers, reported only next to a patient name (phi_records.cc).
  std::vector<RawFinding> room_candidates;

  std::string_view TokenText(const Token& t) const { return text.substr(t.begin, t.end - t.begin); }
  std::string_view TokenText(size_t i) const { return TokenText(tokens[i]); }
  // False past the last token, like the predicates below: detectors look ahead freely.
  bool Adjacent(size_t i, size_t j) const {
    return i < tokens.size() && j < tokens.size() && tokens[i].end == tokens[j].begin;
  }
  bool IsPunct(size_t i, char c) const {
    return i < tokens.size() && tokens[i].kind == TokenKind::kPunct && tokens[i].end == tokens[i].begin + 1 &&
           text[tokens[i].begin] == c;
  }
  bool IsWord(size_t i) const { return i < tokens.size() && tokens[i].kind == TokenKind::kWord; }
  bool IsNumber(size_t i) const { return i < tokens.size() && tokens[i].kind == TokenKind::kNumber; }
  bool Has(size_t i, uint32_t flag) const { return i < tokens.size() && (tokens[i].lex & flag) != 0; }
};

// --- UTF-8 and character classes (bytes). ---
inline bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAsciiAlnum(unsigned char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }

// Length of a separator allowed between digit groups at `i` (space, no-break spaces, dot,
// dash), or 0.
size_t DigitGroupSeparator(std::string_view text, size_t i);
// True when the byte before `i` is part of a word or number (a letter, a digit, or a
// multi-byte letter), i.e. `i` is not at a word start.
bool ContinuesWord(std::string_view text, size_t i);

// Fills a.tokens from a.text, with lexicon flags.
void Tokenize(Analysis& a);
// The folded (lower-case, accents kept) form of a word into `out` (at most `cap` bytes);
// returns its length, or 0 when the word is longer than `cap`.
size_t FoldWord(std::string_view word, char* out, size_t cap);
// Lexicon lookup of a folded word: LexFlag bits, and the month number for months.
uint32_t LookupLexicon(std::string_view folded, uint8_t* month);

// --- Detectors: each appends to a.findings (or a.room_candidates). ---
void FindNirs(Analysis& a);
void FindPhones(Analysis& a);
void FindIbans(Analysis& a);
void FindEmails(Analysis& a);
void FindNames(Analysis& a);
void FindDates(Analysis& a);
void FindAddresses(Analysis& a);
void FindRecordNumbers(Analysis& a);

}  // namespace meltingdoc::discussions::phi
