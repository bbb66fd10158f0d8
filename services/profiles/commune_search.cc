#include "services/profiles/commune_search.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/server/field_errors.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"

namespace meltingdoc::profiles {

absl::StatusOr<CommuneQuery> ParseCommuneQuery(absl::string_view query, int32_t limit) {
  CommuneQuery parsed;
  if (limit != 0 && (limit < 1 || limit > kMaxCommuneResults)) {
    return server::InvalidField("limit", absl::StrCat("must be between 1 and ", kMaxCommuneResults));
  }
  if (limit != 0) parsed.limit = limit;
  if (text::CodePointCount(query) > kMaxCommuneQueryLength) {
    return server::InvalidField("query", absl::StrCat("at most ", kMaxCommuneQueryLength, " characters"));
  }
  if (!text::IsCleanText(query, false)) return server::InvalidField("query", "must be text without control characters");
  const absl::string_view trimmed = absl::StripAsciiWhitespace(query);
  if (trimmed.empty()) return server::InvalidField("query", "required: the beginning of a commune's name or postcode");
  if (std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return absl::ascii_isdigit(c); })) {
    if (trimmed.size() > 5) return server::InvalidField("query", "a postcode has 5 digits");
    parsed.postcode = true;
    parsed.prefix = std::string(trimmed);
    return parsed;
  }
  parsed.prefix = text::FoldForMatch(trimmed);
  if (parsed.prefix.empty()) return server::InvalidField("query", "must contain a letter or a digit");
  // "st" / "ste" being typed may be the start of a name ("Strasbourg", "Stenay") as well as the
  // abbreviation of saint/sainte: fold once more with a letter after it to see which word it was.
  if (absl::EndsWith(parsed.prefix, "saint") || absl::EndsWith(parsed.prefix, "sainte")) {
    const std::string probe = text::FoldForMatch(absl::StrCat(trimmed, "x"));
    for (const absl::string_view abbreviation : {"stx", "stex"}) {
      if (absl::EndsWith(probe, abbreviation) &&
          (probe.size() == abbreviation.size() || probe[probe.size() - abbreviation.size() - 1] == ' ')) {
        parsed.alternate_prefix = probe.substr(0, probe.size() - 1);
      }
    }
  }
  return parsed;
}

}  // namespace meltingdoc::profiles
