// The ordinal specialties of French doctors: the ANS nomenclature TRE_R38
// SpecialiteOrdinale (codes SM01..SM95, the codes of the RPPS register), with its labels as
// published (the "(SM)" suffix dropped). The one list of the suite: discussions keeps one space
// per specialty from it, and every service that names a specialty takes it from here rather
// than from a copy. A code added to the nomenclature is added here.
//
// Three register codes mean general practice (SM26 qualifié, SM53 spécialiste, SM54); the
// network shows them as one specialty, SM54: their canonical code.
#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace meltingdoc::taxonomy {

struct OrdinalSpecialty {
  absl::string_view code;            // "SM20"
  absl::string_view label;           // "Gynécologie-obstétrique"
  absl::string_view canonical_code;  // itself, or SM54 for SM26 and SM53
};

// Every code of TRE_R38, in code order.
absl::Span<const OrdinalSpecialty> OrdinalSpecialties();

// nullptr for a code that is not in TRE_R38.
const OrdinalSpecialty* FindOrdinalSpecialty(absl::string_view code);

}  // namespace meltingdoc::taxonomy
