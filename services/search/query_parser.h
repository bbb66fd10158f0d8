// Turns what a user typed into the terms of a PostgreSQL tsquery, with French handling that
// PostgreSQL's `fr` configuration then completes (stemming): folding (case, accents), stop
// words, the last word as a prefix (as-you-type), and one-typo alternatives chosen from the
// index's lexicon. Pure: no I/O; the store looks the lexicon up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::search {

inline constexpr size_t kMaxQueryCodePoints = 200;
inline constexpr size_t kMaxQueryWords = 10;
// A typo is tolerated only in words at least this long ("gynecolgue" yes, "orl" no).
inline constexpr size_t kMinTypoWordLength = 5;
// A prefix shorter than this is not expanded (too many matches to be useful).
inline constexpr size_t kMinPrefixLength = 2;
inline constexpr size_t kMaxTypoAlternatives = 5;

struct QueryTerm {
  std::string word;  // folded, [a-z0-9]+
  // Matched as a prefix: the last word while the user is still typing it.
  bool prefix = false;
  // Words of the lexicon one edit away, matched as well (filled by the store).
  std::vector<std::string> alternatives;
  // Documents holding the word or an alternative, per the lexicon (filled by the store);
  // -1 when unknown.
  int64_t estimated_documents = -1;
};

struct ParsedQuery {
  std::vector<QueryTerm> terms;
  bool empty() const { return terms.empty(); }
};

// Words of `raw` after folding, without French stop words and one-letter words, duplicates
// removed, at most kMaxQueryWords (the rest ignored). The last word is a prefix unless `raw`
// ends with a space (the user finished it) or it is shorter than kMinPrefixLength.
ParsedQuery ParseQuery(absl::string_view raw);

// Whether PostgreSQL's French configuration drops `folded_word` as a stop word.
bool IsStopWord(absl::string_view folded_word);

// Whether the store should look for typo alternatives of `term` (given whether the lexicon
// has the word itself, and, for a prefix, any word starting with it).
bool WantsTypoAlternatives(const QueryTerm& term, bool word_in_lexicon, bool prefix_in_lexicon);

// Optimal string alignment distance (insertions, deletions, substitutions, adjacent
// transpositions) between ASCII words, or `limit + 1` as soon as it must exceed `limit`.
int EditDistance(absl::string_view a, absl::string_view b, int limit);

// The candidates exactly one edit away from `word`, closest first by shared prefix, at most
// kMaxTypoAlternatives.
std::vector<std::string> PickTypoAlternatives(absl::string_view word,
                                              const std::vector<std::string>& candidates);

// The tsquery text for to_tsquery('fr', ...): every term must match (AND); a term matches
// its word (as a prefix when it is one) or any alternative. "" when there is no term.
std::string ToTsQueryAll(const ParsedQuery& query);
// Same terms, any of which may match (OR): used to find which competences a doctor matched.
std::string ToTsQueryAny(const ParsedQuery& query);

}  // namespace meltingdoc::search
