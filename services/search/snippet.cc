#include "services/search/snippet.h"

#include "libs/text/utf8.h"

namespace meltingdoc::search {

Snippet ParseMarkedSnippet(absl::string_view marked) {
  Snippet out;
  out.text.reserve(marked.size());
  int code_points = 0;
  int open = -1;
  for (char c : marked) {
    if (c == kHighlightStart) {
      if (open < 0) open = code_points;
      continue;
    }
    if (c == kHighlightStop) {
      if (open >= 0 && code_points > open) out.highlights.emplace_back(open, code_points);
      open = -1;
      continue;
    }
    if (text::StartsCodePoint(c)) ++code_points;
    out.text.push_back(c);
  }
  if (open >= 0 && code_points > open) out.highlights.emplace_back(open, code_points);
  return out;
}

}  // namespace meltingdoc::search
