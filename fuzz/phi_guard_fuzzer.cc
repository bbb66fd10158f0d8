// libFuzzer target: arbitrary bytes through the patient-data guard (FindPatientData), the
// code every case and reply passes before it is stored. Beyond the sanitizers it checks what
// the API promises about findings: ordered, non-empty, non-overlapping (merged into the
// outermost), inside the text (offsets in code points, never more than the byte count), with a
// known category and a suggestion; and the same text always gives the same findings.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "services/discussions/phi_guard.h"

namespace {

using meltingdoc::discussions::FindPatientData;
using meltingdoc::discussions::kPhiCategoryCount;
using meltingdoc::discussions::PhiCategoryName;
using meltingdoc::discussions::PhiFinding;

[[noreturn]] void Fail(const char* what, const PhiFinding& f) {
  std::fprintf(stderr, "invariant broken: %s (category %d, [%d, %d))\n", what,
               static_cast<int>(f.category), f.start, f.end);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<PhiFinding> findings = FindPatientData(text);
  int32_t previous_end = 0;
  for (const PhiFinding& f : findings) {
    if (static_cast<int>(f.category) < 0 || static_cast<int>(f.category) >= kPhiCategoryCount) {
      Fail("unknown category", f);
    }
    if (PhiCategoryName(f.category).empty()) Fail("category without a name", f);
    if (f.start < 0 || f.start >= f.end) Fail("empty or reversed span", f);
    if (static_cast<size_t>(f.end) > size) Fail("span past the end of the text", f);
    if (f.start < previous_end) Fail("findings overlap or are out of order", f);
    if (f.suggestion.empty()) Fail("finding without a suggestion", f);
    previous_end = f.end;
  }
  const std::vector<PhiFinding> again = FindPatientData(text);
  if (again.size() != findings.size()) {
    std::fprintf(stderr, "invariant broken: %zu findings, then %zu\n", findings.size(), again.size());
    std::abort();
  }
  for (size_t i = 0; i < again.size(); ++i) {
    if (!(again[i] == findings[i])) Fail("second call differs", again[i]);
  }
  return 0;
}
