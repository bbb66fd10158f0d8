#include "services/search/query_parser.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/text/fold.h"

namespace meltingdoc::search {
namespace {

// The entries of PostgreSQL's tsearch_data/french.stop that can still match after unaccent
// (the `fr` configuration unaccents before the stop-word check, so accented entries never do).
const absl::flat_hash_set<absl::string_view>& StopWords() {
  static const absl::flat_hash_set<absl::string_view> words{
      "ai", "aie", "aient", "aies", "ait", "as", "au", "aura", "aurai", "auraient",
      "aurais", "aurait", "auras", "aurez", "auriez", "aurions", "aurons", "auront", "aux",
      "avaient", "avais", "avait", "avec", "avez", "aviez", "avions", "avons", "ayant",
      "ayante", "ayantes", "ayants", "ayez", "ayons", "c", "ce", "ces", "d", "dans", "de",
      "des", "du", "elle", "en", "es", "est", "et", "eu", "eue", "eues", "eurent", "eus",
      "eusse", "eussent", "eusses", "eussiez", "eussions", "eut", "eux", "furent", "fus",
      "fusse", "fussent", "fusses", "fussiez", "fussions", "fut", "il", "j", "je", "l",
      "la", "le", "leur", "lui", "m", "ma", "mais", "me", "mes", "moi", "mon", "n", "ne",
      "nos", "notre", "nous", "on", "ont", "ou", "par", "pas", "pour", "qu", "que", "qui",
      "s", "sa", "se", "sera", "serai", "seraient", "serais", "serait", "seras", "serez",
      "seriez", "serions", "serons", "seront", "ses", "soient", "sois", "soit", "sommes",
      "son", "sont", "soyez", "soyons", "suis", "sur", "t", "ta", "te", "tes", "toi", "ton",
      "tu", "un", "une", "vos", "votre", "vous", "y"};
  return words;
}

bool IsPlainWord(absl::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

std::string TermExpression(const QueryTerm& term) {
  std::vector<std::string> options;
  if (IsPlainWord(term.word)) options.push_back(term.prefix ? term.word + ":*" : term.word);
  for (const std::string& alt : term.alternatives) {
    if (IsPlainWord(alt) && alt != term.word) options.push_back(alt);
  }
  if (options.empty()) return "";
  if (options.size() == 1) return options[0];
  return absl::StrCat("(", absl::StrJoin(options, " | "), ")");
}

std::string Join(const ParsedQuery& query, absl::string_view op) {
  std::vector<std::string> parts;
  for (const QueryTerm& term : query.terms) {
    std::string e = TermExpression(term);
    if (!e.empty()) parts.push_back(std::move(e));
  }
  return absl::StrJoin(parts, op);
}

size_t CommonPrefix(absl::string_view a, absl::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

}  // namespace

bool IsStopWord(absl::string_view folded_word) { return StopWords().contains(folded_word); }

ParsedQuery ParseQuery(absl::string_view raw) {
  ParsedQuery query;
  const std::vector<std::string> words = text::FoldedWords(raw);
  const bool last_is_finished =
      raw.empty() || absl::ascii_isspace(static_cast<unsigned char>(raw.back()));
  for (size_t i = 0; i < words.size() && query.terms.size() < kMaxQueryWords; ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || IsStopWord(w)) continue;
    const bool duplicate = std::any_of(query.terms.begin(), query.terms.end(),
                                       [&](const QueryTerm& t) { return t.word == w; });
    if (duplicate) continue;
    QueryTerm term;
    term.word = w;
    term.prefix = i + 1 == words.size() && !last_is_finished && w.size() >= kMinPrefixLength;
    query.terms.push_back(std::move(term));
  }
  return query;
}

bool WantsTypoAlternatives(const QueryTerm& term, bool word_in_lexicon, bool prefix_in_lexicon) {
  if (term.word.size() < kMinTypoWordLength) return false;
  if (word_in_lexicon) return false;
  // A prefix that starts a known word is someone still typing, not a typo.
  if (term.prefix && prefix_in_lexicon) return false;
  return true;
}

int EditDistance(absl::string_view a, absl::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rows of the optimal-string-alignment table.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

std::vector<std::string> PickTypoAlternatives(absl::string_view word,
                                              const std::vector<std::string>& candidates) {
  std::vector<std::string> picked;
  for (const std::string& c : candidates) {
    if (c == word || !IsPlainWord(c)) continue;
    if (EditDistance(word, c, 1) == 1 &&
        std::find(picked.begin(), picked.end(), c) == picked.end()) {
      picked.push_back(c);
    }
  }
  std::stable_sort(picked.begin(), picked.end(), [&](const std::string& x, const std::string& y) {
    const size_t px = CommonPrefix(word, x), py = CommonPrefix(word, y);
    if (px != py) return px > py;
    return x < y;
  });
  if (picked.size() > kMaxTypoAlternatives) picked.resize(kMaxTypoAlternatives);
  return picked;
}

std::string ToTsQueryAll(const ParsedQuery& query) { return Join(query, " & "); }

std::string ToTsQueryAny(const ParsedQuery& query) { return Join(query, " | "); }

}  // namespace meltingdoc::search
