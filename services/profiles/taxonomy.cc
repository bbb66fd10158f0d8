#include "services/profiles/taxonomy.h"

#include <algorithm>
#include <regex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"

namespace meltingdoc::profiles {

Taxonomy::Taxonomy(std::vector<SpecialtyEntry> specialties, std::vector<CompetenceEntry> competences)
    : specialties_(std::move(specialties)), competences_(std::move(competences)) {
  std::sort(specialties_.begin(), specialties_.end(),
            [](const SpecialtyEntry& a, const SpecialtyEntry& b) { return a.code < b.code; });
  for (size_t i = 0; i < specialties_.size(); ++i) specialty_index_[specialties_[i].code] = i;
  for (size_t i = 0; i < competences_.size(); ++i) {
    const CompetenceEntry& c = competences_[i];
    competence_index_[c.code] = i;
    auto add = [&](absl::string_view term) {
      std::vector<size_t>& hits = term_index_[text::FoldForMatch(term)];
      if (std::find(hits.begin(), hits.end(), i) == hits.end()) hits.push_back(i);
    };
    add(c.label);
    for (const std::string& s : c.synonyms) add(s);
  }
}

const CompetenceEntry* Taxonomy::FindCompetence(absl::string_view code) const {
  auto it = competence_index_.find(code);
  return it == competence_index_.end() ? nullptr : &competences_[it->second];
}

const SpecialtyEntry* Taxonomy::FindSpecialty(absl::string_view code) const {
  auto it = specialty_index_.find(code);
  return it == specialty_index_.end() ? nullptr : &specialties_[it->second];
}

std::string Taxonomy::CanonicalSpecialty(absl::string_view code) const {
  const SpecialtyEntry* s = FindSpecialty(code);
  return s == nullptr ? std::string(code) : s->canonical_code;
}

std::vector<std::string> Taxonomy::AlternateCodes(absl::string_view canonical_code) const {
  std::vector<std::string> codes;
  for (const SpecialtyEntry& s : specialties_) {
    if (s.canonical_code == canonical_code && s.code != canonical_code) codes.push_back(s.code);
  }
  return codes;
}

std::vector<const CompetenceEntry*> Taxonomy::FindByTerm(absl::string_view term) const {
  std::vector<const CompetenceEntry*> found;
  auto it = term_index_.find(text::FoldForMatch(term));
  if (it == term_index_.end()) return found;
  for (size_t i : it->second) found.push_back(&competences_[i]);
  return found;
}

std::vector<const SpecialtyEntry*> Taxonomy::CanonicalSpecialties() const {
  std::vector<const SpecialtyEntry*> list;
  for (const SpecialtyEntry& s : specialties_) {
    if (s.canonical_code == s.code) list.push_back(&s);
  }
  return list;
}

std::vector<const CompetenceEntry*> Taxonomy::Competences(absl::string_view canonical_specialty) const {
  std::vector<const CompetenceEntry*> list;
  for (const CompetenceEntry& c : competences_) {
    if (canonical_specialty.empty() || c.specialty_code == canonical_specialty) list.push_back(&c);
  }
  return list;
}

absl::StatusOr<std::vector<CompetenceEntry>> ParseTaxonomyBlock(absl::string_view block) {
  std::vector<CompetenceEntry> entries;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(block, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '|');
    if (fields.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("taxonomy line ", line_number, ": expected 4 fields separated by '|'"));
    }
    CompetenceEntry e;
    e.specialty_code = std::string(absl::StripAsciiWhitespace(fields[0]));
    e.code = std::string(absl::StripAsciiWhitespace(fields[1]));
    e.label = std::string(absl::StripAsciiWhitespace(fields[2]));
    for (absl::string_view s : absl::StrSplit(fields[3], ',')) {
      s = absl::StripAsciiWhitespace(s);
      if (!s.empty()) e.synonyms.emplace_back(s);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

absl::StatusOr<std::string> ExtractTaxonomyBlock(absl::string_view migration_sql) {
  constexpr absl::string_view kQuote = "$taxonomy$";
  const size_t begin = migration_sql.find(kQuote);
  if (begin == absl::string_view::npos) return absl::NotFoundError("no $taxonomy$ block");
  const size_t end = migration_sql.find(kQuote, begin + kQuote.size());
  if (end == absl::string_view::npos) return absl::InvalidArgumentError("unterminated $taxonomy$ block");
  return std::string(migration_sql.substr(begin + kQuote.size(), end - begin - kQuote.size()));
}

std::vector<std::string> CheckTaxonomy(const std::vector<SpecialtyEntry>& specialties,
                                       const std::vector<CompetenceEntry>& competences,
                                       int min_specialties, int min_per_specialty) {
  std::vector<std::string> problems;
  absl::flat_hash_map<std::string, const SpecialtyEntry*> by_code;
  for (const SpecialtyEntry& s : specialties) by_code[s.code] = &s;
  static const std::regex kCode("^[a-z0-9-]{3,40}$");
  absl::flat_hash_set<std::string> codes;
  absl::flat_hash_map<std::string, int> per_specialty;
  // Folded term -> competence code, per specialty.
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::string>> terms;
  for (const CompetenceEntry& c : competences) {
    auto it = by_code.find(c.specialty_code);
    if (it == by_code.end()) {
      problems.push_back(absl::StrCat(c.code, ": unknown specialty ", c.specialty_code));
    } else if (it->second->canonical_code != c.specialty_code) {
      problems.push_back(absl::StrCat(c.code, ": specialty ", c.specialty_code, " is not canonical (use ",
                                      it->second->canonical_code, ")"));
    }
    if (!std::regex_match(c.code, kCode)) problems.push_back(absl::StrCat(c.code, ": malformed code"));
    if (!codes.insert(c.code).second) problems.push_back(absl::StrCat(c.code, ": duplicate code"));
    if (c.label.empty() || text::CodePointCount(c.label) > 80) problems.push_back(absl::StrCat(c.code, ": label length"));
    ++per_specialty[c.specialty_code];
    auto& seen = terms[c.specialty_code];
    auto note = [&](const std::string& term, bool is_label) {
      const std::string folded = text::FoldForMatch(term);
      if (folded.empty() || text::CodePointCount(term) > 80) {
        problems.push_back(absl::StrCat(c.code, ": bad ", is_label ? "label" : "synonym", " '", term, "'"));
        return;
      }
      auto [pos, inserted] = seen.emplace(folded, c.code);
      if (!inserted) {
        problems.push_back(absl::StrCat(c.code, ": '", term, "' already names ", pos->second, " in ",
                                        c.specialty_code));
      }
    };
    note(c.label, true);
    for (const std::string& s : c.synonyms) note(s, false);
  }
  int big_enough = 0;
  for (const auto& [code, n] : per_specialty) {
    if (n >= min_per_specialty) ++big_enough;
  }
  if (big_enough < min_specialties) {
    problems.push_back(absl::StrCat(big_enough, " specialties have at least ", min_per_specialty,
                                    " competences; need ", min_specialties));
  }
  return problems;
}

}  // namespace meltingdoc::profiles
