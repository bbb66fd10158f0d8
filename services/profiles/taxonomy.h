// The specialty and competence taxonomy, in memory. It is reference data loaded by migration
// (migrations/0002_taxonomy.sql) and read once from the database (PgProfilesStore::
// LoadTaxonomy); this class only answers questions about it. No I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::profiles {

struct SpecialtyEntry {
  std::string code;            // SM01..SM95
  std::string label;
  std::string canonical_code;  // SM54 for SM26, SM53, SM54; itself otherwise
};

struct CompetenceEntry {
  std::string code;            // e.g. "go-fertilite-amp"
  std::string specialty_code;  // canonical
  std::string label;
  std::vector<std::string> synonyms;
};

class Taxonomy {
 public:
  Taxonomy() = default;
  Taxonomy(std::vector<SpecialtyEntry> specialties, std::vector<CompetenceEntry> competences);

  // nullptr when unknown.
  const CompetenceEntry* FindCompetence(absl::string_view code) const;
  const SpecialtyEntry* FindSpecialty(absl::string_view code) const;
  // The canonical code of a register code (SM26 → SM54); the code itself when unknown.
  std::string CanonicalSpecialty(absl::string_view code) const;
  // The register codes that share `canonical_code`, other than itself (SM54 → SM26, SM53).
  std::vector<std::string> AlternateCodes(absl::string_view canonical_code) const;

  // Competences whose label or a synonym folds (text::FoldForMatch) to the same text as `term`:
  // "PMA", "pma", "Fécondation in vitro" all find go-fertilite-amp.
  std::vector<const CompetenceEntry*> FindByTerm(absl::string_view term) const;

  // Canonical specialties, in code order; competences in taxonomy order (all, or of one
  // canonical specialty).
  std::vector<const SpecialtyEntry*> CanonicalSpecialties() const;
  std::vector<const CompetenceEntry*> Competences(absl::string_view canonical_specialty = "") const;

  bool empty() const { return competences_.empty(); }

 private:
  std::vector<SpecialtyEntry> specialties_;
  std::vector<CompetenceEntry> competences_;
  absl::flat_hash_map<std::string, size_t> specialty_index_;
  absl::flat_hash_map<std::string, size_t> competence_index_;
  absl::flat_hash_map<std::string, std::vector<size_t>> term_index_;
};

// The curated block of migrations/0002_taxonomy.sql ("SMxx | code | label | syn, syn"), parsed
// the same way the migration's SQL parses it. INVALID_ARGUMENT naming the line otherwise.
absl::StatusOr<std::vector<CompetenceEntry>> ParseTaxonomyBlock(absl::string_view block);
// The text between the $taxonomy$ quotes of the migration.
absl::StatusOr<std::string> ExtractTaxonomyBlock(absl::string_view migration_sql);

// Integrity problems of a taxonomy, one message each; empty when sound: every competence under
// a known canonical specialty, codes unique and well-formed, labels and synonyms non-empty and
// at most 80 characters, no synonym twice within one specialty (and none equal to another
// competence's label there), at least `min_specialties` specialties with at least
// `min_per_specialty` competences.
std::vector<std::string> CheckTaxonomy(const std::vector<SpecialtyEntry>& specialties,
                                       const std::vector<CompetenceEntry>& competences,
                                       int min_specialties, int min_per_specialty);

}  // namespace meltingdoc::profiles
