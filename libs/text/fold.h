// French case and accent folding and word splitting, one implementation for the suite.
//
// The folding of a letter is what PostgreSQL's `unaccent` (unaccent.rules) gives for it, in
// lower case, for Latin-1 Supplement and Latin Extended-A (every letter of French and of the
// neighbouring languages in doctors' names): é→e, œ→oe, ß→ss, ĳ→ij, ł→l. So search's query
// side folds exactly as its `search.fr` text search configuration (unaccent, then
// french_stem) does on the index side; a unit test checks the table against unaccent.rules.
// Pure code, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meltingdoc::text {

// Appends the folded form of one code point: ASCII lower-cased; Latin-1/Extended-A letters
// accent-free and lower case; combining diacritical marks (U+0300..U+036F, decomposed input)
// dropped; typographic apostrophes ‘ ’ as '; anything else as it is (× and ÷ included).
void AppendFolded(std::string& out, uint32_t cp);

// Every code point of `utf8` through AppendFolded; ill-formed bytes are dropped.
std::string FoldText(absl::string_view utf8);

// What counts as a word character after folding.
enum class WordChars {
  // [a-z0-9] only: anything else separates. Search's query side (nothing typed can become
  // tsquery syntax) and its keys.
  kAsciiAlnum,
  // [a-z0-9] and every non-ASCII code point except spaces, punctuation and symbols
  // (U+00A0..U+00BF, × ÷, U+2000..U+206F): a word in another script stays a word.
  kAnyScript,
};

// The words of `utf8` after FoldText: maximal runs of word characters.
std::vector<std::string> FoldedWords(absl::string_view utf8, WordChars chars = WordChars::kAsciiAlnum);

// FoldedWords joined by single spaces ("Gynécologie-Obstétrique" → "gynecologie obstetrique").
std::string FoldedKey(absl::string_view utf8, WordChars chars = WordChars::kAsciiAlnum);

// French abbreviations of saints in place names: the words "st" and "ste" become "saint" and
// "sainte" ("St-Étienne" = "Saint-Étienne"). Applied by profiles' matching only; search's keys
// do not expand them.
void ExpandSaintAbbreviations(std::vector<std::string>& folded_words);

// Profiles' matching key for commune names and taxonomy terms: FoldedWords(kAnyScript) with
// ExpandSaintAbbreviations, joined by single spaces ("  St-Étienne " → "saint etienne").
std::string FoldForMatch(absl::string_view utf8);

}  // namespace meltingdoc::text
