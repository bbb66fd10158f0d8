#include "services/identity/name_match.h"

#include <cstdint>

#include "absl/strings/str_join.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"

namespace meltingdoc::identity {
namespace {

bool IsSeparator(uint32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '-': case '\'': case '.': case ',': case '(': case ')': case '/':
    case '`': case '_':
    case 0x00A0:  // no-break space
    case 0x00B4:  // acute accent used as an apostrophe
    case 0x02BC:  // modifier letter apostrophe
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:  // dashes
    case 0x2018: case 0x2019:  // curly apostrophes
    case 0x202F:  // narrow no-break space
    case 0x2212:  // minus sign
      return true;
    default:
      return false;
  }
}

std::string Joined(const std::vector<std::string>& tokens) { return absl::StrJoin(tokens, ""); }

bool IsParticle(const std::string& t) { return t == "de" || t == "d" || t == "du" || t == "des"; }

std::vector<std::string> WithoutParticles(std::vector<std::string> tokens) {
  while (tokens.size() > 1 && IsParticle(tokens.front())) tokens.erase(tokens.begin());
  while (tokens.size() > 1 && IsParticle(tokens.back())) tokens.pop_back();
  return tokens;
}

}  // namespace

std::vector<std::string> FoldNameTokens(absl::string_view utf8_name) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < utf8_name.size();) {
    uint32_t cp = 0;
    if (!text::DecodeUtf8(utf8_name, i, cp)) cp = 0xFFFD;  // ill-formed byte
    if (IsSeparator(cp) || cp == 0xD7 || cp == 0xF7) {      // × ÷ separate too
      flush();
    } else {
      text::AppendFolded(current, cp);  // lower case, accent-free, combining marks dropped
    }
  }
  flush();
  return tokens;
}

bool FamilyNamesMatch(absl::string_view account_family, absl::string_view register_family) {
  const std::vector<std::string> a = FoldNameTokens(account_family);
  const std::vector<std::string> r = FoldNameTokens(register_family);
  if (a.empty() || r.empty()) return false;
  if (Joined(a) == Joined(r)) return true;
  return Joined(WithoutParticles(a)) == Joined(WithoutParticles(r));
}

bool GivenNamesMatch(absl::string_view account_given, absl::string_view register_given) {
  const std::vector<std::string> a = FoldNameTokens(account_given);
  const std::vector<std::string> r = FoldNameTokens(register_given);
  if (a.empty() || r.empty()) return false;
  if (Joined(a) == Joined(r)) return true;
  if (r.size() > a.size()) return false;
  for (size_t start = 0; start + r.size() <= a.size(); ++start) {
    bool all = true;
    for (size_t k = 0; k < r.size() && all; ++k) all = a[start + k] == r[k];
    if (all) return true;
  }
  return false;
}

NameMatch MatchNames(absl::string_view account_given, absl::string_view account_family,
                     absl::string_view register_given, absl::string_view register_family) {
  const bool family = FamilyNamesMatch(account_family, register_family);
  const bool given = GivenNamesMatch(account_given, register_given);
  if (family && given) return NameMatch::kMatch;
  if (given) return NameMatch::kFamilyNameDiffers;
  if (family) return NameMatch::kGivenNameDiffers;
  return NameMatch::kBothDiffer;
}

}  // namespace meltingdoc::identity
