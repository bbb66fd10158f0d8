// The national register extract (Annuaire Santé, PS_LibreAcces_Personne_activite_*.txt):
// parsing of its lines and collapsing of its rows into one entry per professional. Pure
// code, no I/O: register_import.cc reads the file and the store loads the result.
//
// The file: `|`-separated, one header line, every line ends with a trailing `|`, UTF-8
// (old extracts are Latin-1: refused with a clear message), one row per professional per
// practice site and per savoir-faire. Columns have moved over the years, so they are found
// by their header name, never by position; extra columns are ignored.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

// The columns the import needs, by header name.
enum RegisterColumn : int {
  kColIdentifierType = 0,    // Type d'identifiant PP: 8 = RPPS, 0 = ADELI
  kColIdentifier,            // Identifiant PP
  kColNationalId,            // Identification nationale PP
  kColCivility,              // Libellé civilité d'exercice
  kColFamilyName,            // Nom d'exercice
  kColGivenName,             // Prénom d'exercice
  kColProfessionCode,        // Code profession: 10 = Médecin
  kColProfessionLabel,       // Libellé profession
  kColSavoirFaireTypeCode,   // Code type savoir-faire: S = spécialité ordinale, ...
  kColSavoirFaireCode,       // Code savoir-faire: SM26, SM20, ...
  kColSavoirFaireLabel,      // Libellé savoir-faire
  kColPostcode,              // Code postal (coord. structure)
  kColCity,                  // Libellé commune (coord. structure)
  kRegisterColumnCount,
};

// Header names of the needed columns, indexed by RegisterColumn.
extern const std::array<absl::string_view, kRegisterColumnCount> kRegisterColumnNames;

// "Code profession" of physicians.
inline constexpr absl::string_view kProfessionPhysician = "10";

// Why a data line was not kept. The import reports a count and sample line numbers per reason.
enum class RejectReason {
  kWrongFieldCount,      // short or long line: not as many fields as the header
  kNoTrailingSeparator,  // the line does not end with `|` (truncated file)
  kUnknownIdentifierType,
  kInvalidRpps,          // type 8 but not 11 digits with a valid Luhn check digit
  kInvalidAdeli,         // type 0 but not 9 characters
  kMissingName,          // empty Nom d'exercice or Prénom d'exercice
  kMissingProfession,    // empty Code profession
};
inline constexpr int kRejectReasonCount = 7;
// Stable snake_case names, used in reports and logs: "wrong_field_count", ...
absl::string_view RejectReasonName(RejectReason reason);

// One data line, as views into that line (valid while the line is).
struct RegisterRow {
  std::array<absl::string_view, kRegisterColumnCount> fields;
  absl::string_view operator[](RegisterColumn c) const { return fields[c]; }
};

class RegisterLineParser {
 public:
  // From the header line (without its line break; a UTF-8 byte-order mark and a trailing
  // '\r' are tolerated). INVALID_ARGUMENT naming every missing column, or a header that is
  // not UTF-8.
  static absl::StatusOr<RegisterLineParser> FromHeader(absl::string_view header);

  // Parses one data line (without its line break; a trailing '\r' is dropped). Returns true
  // and fills `row`, or false and sets `reason`. The caller checks UTF-8 first.
  bool Parse(absl::string_view line, RegisterRow& row, RejectReason& reason) const;

  int header_field_count() const { return field_count_; }

 private:
  RegisterLineParser() = default;
  int field_count_ = 0;             // fields in the header, without the trailing empty one
  bool trailing_separator_ = true;  // the header ends with '|', so must every line
  std::vector<int> slot_of_field_;  // header position -> RegisterColumn, or -1
};

// --- Collapsing rows into one entry per professional. ---

struct RegisterPerson {
  std::string identifier;       // RPPS (11 digits) or ADELI (9 characters)
  char identifier_type = '8';   // '8' RPPS, '0' ADELI
  std::string civility;
  std::string family_name;
  std::string given_name;
  std::string profession_code;
  std::string profession_label;
};

struct RegisterSavoirFaire {
  uint32_t person = 0;  // index into RegisterSnapshot::persons
  std::string type_code;
  std::string code;
  std::string label;
};

struct RegisterPlace {
  uint32_t person = 0;
  std::string postcode;
  std::string city;
};

// What the import loads: every professional once (physicians and others, so that a
// non-physician's number can be told apart from an unknown one), and for physicians their
// distinct savoir-faire and practice places.
struct RegisterSnapshot {
  std::vector<RegisterPerson> persons;
  std::vector<RegisterSavoirFaire> savoir_faire;
  std::vector<RegisterPlace> places;
};

struct RejectTally {
  int64_t count = 0;
  std::vector<int64_t> sample_lines;  // the first few line numbers (1 = header)
};

struct RegisterCounts {
  int64_t rows_read = 0;               // data lines, header excluded
  int64_t rows_kept_physician = 0;     // profession 10
  int64_t rows_kept_other = 0;         // other professions: identity only
  int64_t rows_rejected = 0;
  std::map<RejectReason, RejectTally> rejected;
  int64_t persons = 0;
  int64_t physicians = 0;
  int64_t savoir_faire = 0;
  int64_t places = 0;
};

inline constexpr size_t kRejectSampleLines = 5;

class RegisterBuilder {
 public:
  // Counts a data line that was read (call once per line, before Add/Reject).
  void CountRead() { ++counts_.rows_read; }
  void Add(const RegisterRow& row);
  void Reject(RejectReason reason, int64_t line_number);

  // Sorts and deduplicates savoir-faire and places; returns the snapshot (counts filled).
  RegisterSnapshot Finish();
  const RegisterCounts& counts() const { return counts_; }

 private:
  RegisterSnapshot snapshot_;
  absl::flat_hash_map<std::string, uint32_t> person_index_;
  RegisterCounts counts_;
};

}  // namespace meltingdoc::identity
