// French text folding for matching what doctors type against reference names: commune names
// ("St-Étienne" = "saint etienne") and taxonomy terms ("Fertilité" = "fertilite").
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace meltingdoc::profiles {

// Lower case, Latin accents and ligatures removed (é→e, œ→oe), every run of characters that
// is not a letter or digit turned into one space, trimmed; the words "st"/"ste" become
// "saint"/"sainte". Other non-ASCII characters are kept as they are.
std::string FoldForMatch(absl::string_view text);

// Number of Unicode code points (limits are in characters, not bytes). Invalid UTF-8 counts
// one per byte.
size_t Utf8Length(absl::string_view text);

// True when `text` is valid UTF-8 with no control characters other than \n and \t (and \r
// when allow_newlines).
bool IsCleanText(absl::string_view text, bool allow_newlines);

}  // namespace meltingdoc::profiles
