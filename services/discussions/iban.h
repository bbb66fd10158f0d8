// IBAN checksum (ISO 13616): move the first four characters to the end, letters count as
// 10..35, the number mod 97 must be 1. Country lengths for the countries French doctors
// most often meet.
#pragma once

#include <string_view>

namespace meltingdoc::discussions {

// True for compact upper- or lower-case IBAN text (no spaces) of 15..34 characters whose
// checksum is 1 and whose length matches its country when the country is known.
bool IsValidIban(std::string_view compact);

// The IBAN length of a country (two upper-case letters), or 0 when not in our table.
int IbanLengthOf(std::string_view country);

}  // namespace meltingdoc::discussions
