// Professional identifiers of the national register (Annuaire Santé): the RPPS number and
// the older ADELI number. Pure functions, no I/O.
#pragma once

#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

// Length of an RPPS number: 11 digits, the last one a Luhn check digit.
inline constexpr size_t kRppsLength = 11;
// Length of an ADELI number: 9 characters (digits; the department may be 2A/2B).
inline constexpr size_t kAdeliLength = 9;

// "Type d'identifiant PP" in the register.
inline constexpr absl::string_view kIdentifierTypeRpps = "8";
inline constexpr absl::string_view kIdentifierTypeAdeli = "0";

// True when `digits` is non-empty, all ASCII digits, and passes the Luhn check (the last
// digit is the check digit).
bool LuhnValid(absl::string_view digits);

// True when `s` is 11 ASCII digits passing the Luhn check.
bool IsValidRpps(absl::string_view s);

// True when `s` is 9 characters: digits, except that the two department characters may be
// "2A" or "2B" (Corsica). ADELI numbers carry no check digit we can verify.
bool IsValidAdeli(absl::string_view s);

}  // namespace meltingdoc::identity
