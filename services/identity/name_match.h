// Does the name on an account match the name in the national register? Pure code, no I/O.
//
// Names are compared after folding: case, accents (é = e, œ = oe, ß = ss), and separators
// (spaces, hyphens, apostrophes of every kind, dots) do not matter, so "Le Goff", "LE-GOFF"
// and "LEGOFF" are the same name, and so are "N'Diaye" and "NDIAYE".
//
// Family name ("Nom d'exercice"): equal after folding, or equal once a nobiliary particle
// ("de", "d'", "du", "des") at the start or the end ("VILLEPIN (DE)") is dropped. "Le", "La"
// are part of the name: "Goff" is not "Le Goff".
//
// Given name ("Prénom d'exercice"): equal after folding ("Jean-Pierre" = "Jean Pierre"), or
// the register's first name(s) appear as consecutive whole names in the account's list of
// first names ("Marie Claire Anne" matches "CLAIRE"; "Jean-Pierre Louis" matches
// "JEAN-PIERRE"). The account giving fewer names than the register ("Jean" against
// "Jean-Pierre") does not match: that may be another person.
//
// A family name that differs while the given name matches is likely a birth (maiden) name
// against a usage name: the caller sends it to review, it never rejects on a name.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

// The folded tokens of a name: lower-case ASCII where a Latin letter has an accent-free
// form; other characters are kept as they are. Separators split tokens and are dropped.
std::vector<std::string> FoldNameTokens(absl::string_view utf8_name);

bool FamilyNamesMatch(absl::string_view account_family, absl::string_view register_family);
bool GivenNamesMatch(absl::string_view account_given, absl::string_view register_given);

enum class NameMatch {
  kMatch,
  kFamilyNameDiffers,  // given name matches: maybe a maiden name against a usage name
  kGivenNameDiffers,
  kBothDiffer,
};

NameMatch MatchNames(absl::string_view account_given, absl::string_view account_family,
                     absl::string_view register_given, absl::string_view register_family);

}  // namespace meltingdoc::identity
