// The patient-data guard: finds identifying patient data in French clinical text before it
// is stored. Pure domain code: no I/O, no logging, no allocation beyond the result and a
// token buffer; safe to call from any thread.
//
// Offsets are in Unicode code points of the UTF-8 input (what the API calls "characters"),
// half-open [start, end). Invalid UTF-8 bytes each count as one code point (the API never
// passes invalid UTF-8: protobuf refuses it when parsing a `string` field).
//
// What is reported (category: rule), see docs/architecture.md for the full list:
//   NIR            15-character French social security number whose key checks
//                  (97 - first 13 digits mod 97; Corsica 2A -> 19, 2B -> 18), single spaces,
//                  dots or dashes allowed between characters; 13 characters after a NIR cue.
//   PHONE          French numbers: 0X + 8 digits, +33 / 0033 (optionally "(0)"), separators.
//   EMAIL          local@domain.tld.
//   IBAN           country code + check digits + BBAN, mod-97 checksum, groups of 4 allowed.
//   BIRTH_DATE     a date (day+month, month+year or a full date) after "né(e)", "DDN",
//                  "date de naissance"...; a year alone is not reported.
//   IDENTIFYING_DATE  a full date after an event cue (décédé, admis, hospitalisé le ...).
//   PATIENT_NAME   a name after a civility (Mme, M., Madame...), after a role (le patient,
//                  la mère...) or "nommé(e)", initials with a surname ("chez J. Martin");
//                  not after Dr / Pr / Docteur / Professeur, not eponyms.
//   ADDRESS        number + street type + name (+ postal code and city); a street after
//                  "habite", "domicilié"...
//   RECORD_NUMBER  identifiers after IPP, NIP, NDA, "dossier n°"...; a room or bed number
//                  only when a patient name is reported in the same sentence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meltingdoc::discussions {

enum class PhiCategory : uint8_t {
  kNir,
  kPhone,
  kEmail,
  kIban,
  kBirthDate,
  kIdentifyingDate,
  kPatientName,
  kAddress,
  kRecordNumber,
};
inline constexpr int kPhiCategoryCount = 9;

struct PhiFinding {
  PhiCategory category;
  // Code points, half-open.
  int32_t start = 0;
  int32_t end = 0;
  // What the writer should do instead, in French.
  std::string suggestion;

  bool operator==(const PhiFinding& o) const {
    return category == o.category && start == o.start && end == o.end;
  }
};

// Every finding in `text`, ordered by start. Overlapping findings are merged into the
// outermost one, so one piece of text is reported once.
std::vector<PhiFinding> FindPatientData(std::string_view text);

// "NIR", "PHONE", ... (the names of the API enum without its prefix).
std::string_view PhiCategoryName(PhiCategory category);
// A short French label for messages, e.g. "numéro de sécurité sociale".
std::string_view PhiCategoryLabel(PhiCategory category);

}  // namespace meltingdoc::discussions
