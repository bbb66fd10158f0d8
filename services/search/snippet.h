// Snippets of case text: PostgreSQL's ts_headline marks matches with \x01 ... \x02 (stored
// text never contains them, see StripControlCharacters); this turns a marked fragment into
// plain text and code-point ranges, so clients never have to trust markup.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::search {

inline constexpr char kHighlightStart = '\x01';
inline constexpr char kHighlightStop = '\x02';

struct Snippet {
  std::string text;
  std::vector<std::pair<int, int>> highlights;  // [start, end) in code points
};

Snippet ParseMarkedSnippet(absl::string_view marked);

}  // namespace meltingdoc::search
