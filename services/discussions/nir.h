// The key of a French NIR (numéro d'inscription au répertoire, "numéro de sécurité sociale").
// A NIR is 13 characters (sex, year, month, department, commune, order) and a 2-digit key:
// key = 97 - (the 13 characters read as a number mod 97). Corsican departments are written
// 2A and 2B; for the computation 2A counts as 19 and 2B as 18.
#pragma once

#include <optional>
#include <string_view>

namespace meltingdoc::discussions {

// The key of 13 compact characters (digits, with 2A/2B allowed at positions 6-7), or nullopt
// when they are not 13 such characters.
std::optional<int> NirKey(std::string_view first13);

// True for 15 compact characters whose key matches and whose sex digit (1, 2, 3, 4, 7, 8)
// and month (01-12, 20-42, 50-99 for unknown months) are possible.
bool IsValidNir(std::string_view compact15);

// True for 13 compact characters with a possible sex digit, month and department.
bool IsPlausibleNirBody(std::string_view compact13);

}  // namespace meltingdoc::discussions
