// Writes files in exactly the format of the national register extract
// PS_LibreAcces_Personne_activite_<timestamp>.txt (Annuaire Santé): `|`-separated, one
// header line, a trailing `|` on every line, UTF-8, one row per professional per practice
// site and per savoir-faire, all the columns of the real file (56 in the current variant).
// Names are realistic French names (accents, particles, compound first names), specialties
// are the real SM codes of the Ordre des médecins, places real postcodes with their INSEE
// commune codes. Used by the identity tests and by bench/register_import.sh.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace meltingdoc::testing {

enum class RegisterVariant {
  kCurrent,  // the current header (56 columns, with Code rôle / Code genre activité)
  k2019,     // an older header: fewer columns, civility columns in another order
};

// The header line (with its trailing '|', without line break).
std::string RegisterHeader(RegisterVariant variant);

// The 11-digit RPPS number whose first 10 digits are `base` (1000000000..9999999999) and
// whose last digit is the Luhn check digit.
std::string RppsFromBase(uint64_t base);

// One row, described by the columns the import reads; every other column gets a plausible
// value.
struct RegisterRecord {
  std::string identifier_type = "8";  // 8 RPPS, 0 ADELI
  std::string identifier;             // RPPS (11 digits) or ADELI (9)
  std::string civility = "Docteur";   // Libellé civilité d'exercice
  std::string family_name;
  std::string given_name;
  std::string profession_code = "10";
  std::string profession_label = "Médecin";
  std::string savoir_faire_type = "S";
  std::string savoir_faire_code = "SM54";
  std::string savoir_faire_label = "Médecine générale";
  std::string postcode = "69003";
  std::string city = "Lyon";
};

// The line for `record` (trailing '|', no line break).
std::string RegisterLine(RegisterVariant variant, const RegisterRecord& record);

struct RegisterGenOptions {
  int64_t rows = 1000;
  uint64_t seed = 1;
  RegisterVariant variant = RegisterVariant::kCurrent;
  // Malformed rows mixed in (short line, bad check digit, no trailing '|'), for reports.
  int64_t bad_rows = 0;
};

struct RegisterGenStats {
  int64_t rows = 0;
  int64_t physician_rows = 0;
  int64_t persons = 0;
  int64_t physicians = 0;
  int64_t bad_rows = 0;
};

// Writes the header and `options.rows` data rows to `out`.
RegisterGenStats WriteRegister(std::FILE* out, const RegisterGenOptions& options);

}  // namespace meltingdoc::testing
