// French-friendly text folding, shared by indexing and querying so that both sides agree:
// lower case, accents removed, ligatures expanded ("Œdème" -> "oedeme"). No I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::search {

// Lower-cases and strips accents from Latin letters; other characters are kept (lower-cased
// when ASCII). Invalid UTF-8 bytes are dropped.
std::string FoldText(absl::string_view utf8);

// The words of `utf8` after folding: maximal runs of [a-z0-9]; everything else separates.
std::vector<std::string> FoldedWords(absl::string_view utf8);

// FoldedWords joined by single spaces: the key used for communes, names and suggestions.
std::string FoldedKey(absl::string_view utf8);

// Removes ASCII control characters except tab and newline (the index uses \x01 and \x02 as
// highlight markers, so stored text must not contain them).
std::string StripControlCharacters(absl::string_view utf8);

// Number of Unicode code points in valid UTF-8 `utf8` (continuation bytes not counted).
size_t CodePointCount(absl::string_view utf8);

}  // namespace meltingdoc::search
