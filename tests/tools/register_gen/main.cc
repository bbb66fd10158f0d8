// meltingdoc-register-gen: writes a synthetic national register extract in the exact format
// of PS_LibreAcces_Personne_activite_<timestamp>.txt (see register_generator.h).
//   meltingdoc-register-gen --rows=2200000 --out=/tmp/PS_LibreAcces_Personne_activite_202601010000.txt
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tests/tools/register_gen/register_generator.h"

ABSL_FLAG(int64_t, rows, 1000, "Data rows to write (the header line is extra).");
ABSL_FLAG(uint64_t, seed, 1, "Random seed; the same seed writes the same file.");
ABSL_FLAG(std::string, variant, "current", "Header variant: current (56 columns) or 2019.");
ABSL_FLAG(int64_t, bad_rows, 0, "Malformed rows to mix in (short, bad check digit, no trailing |).");
ABSL_FLAG(std::string, out, "-", "Output file; - for stdout.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  meltingdoc::testing::RegisterGenOptions options;
  options.rows = absl::GetFlag(FLAGS_rows);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.bad_rows = absl::GetFlag(FLAGS_bad_rows);
  const std::string variant = absl::GetFlag(FLAGS_variant);
  if (variant == "current") {
    options.variant = meltingdoc::testing::RegisterVariant::kCurrent;
  } else if (variant == "2019") {
    options.variant = meltingdoc::testing::RegisterVariant::k2019;
  } else {
    std::cerr << "--variant must be current or 2019\n";
    return 2;
  }
  const std::string path = absl::GetFlag(FLAGS_out);
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  const auto stats = meltingdoc::testing::WriteRegister(out, options);
  if (out != stdout && std::fclose(out) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  std::cerr << "rows " << stats.rows << " (physicians' " << stats.physician_rows << "), persons "
            << stats.persons << " (physicians " << stats.physicians << "), malformed " << stats.bad_rows << "\n";
  return 0;
}
