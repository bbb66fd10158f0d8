// Shared by the identity register integration tests: small register files with known
// doctors, written in the real extract format by tests/tools/register_gen.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/tools/register_gen/register_generator.h"

namespace meltingdoc::testing {

inline RegisterRecord Person(const std::string& rpps, const std::string& family, const std::string& given,
                             const std::string& profession_code = "10",
                             const std::string& profession_label = "Médecin") {
  RegisterRecord r;
  r.identifier = rpps;
  r.family_name = family;
  r.given_name = given;
  r.profession_code = profession_code;
  r.profession_label = profession_label;
  if (profession_code != "10") {
    r.civility = "";
    r.savoir_faire_type = r.savoir_faire_code = r.savoir_faire_label = "";
  }
  return r;
}

// Writes header + lines of `records` + `filler_rows` generated rows (other numbers) to `path`.
inline void WriteRegisterFile(const std::string& path, const std::vector<RegisterRecord>& records,
                              int64_t filler_rows = 0, RegisterVariant variant = RegisterVariant::kCurrent,
                              uint64_t seed = 7) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (filler_rows > 0) {
    RegisterGenOptions options;
    options.rows = filler_rows;
    options.seed = seed;
    options.variant = variant;
    WriteRegister(out, options);
  } else {
    const std::string header = RegisterHeader(variant) + "\n";
    std::fwrite(header.data(), 1, header.size(), out);
  }
  for (const RegisterRecord& r : records) {
    const std::string line = RegisterLine(variant, r) + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
  }
  std::fclose(out);
}

// Numbers far from the generator's (which start at 1000000000 + seed*10^6).
inline std::string TestRpps(int n) { return RppsFromBase(9000000000ULL + static_cast<uint64_t>(n)); }

}  // namespace meltingdoc::testing
