// SearchDoctors in memory: a read replica of search.doctors (with its competences and places)
// inside the search service, answering the same queries as PgSearchStore::SearchDoctors —
// same matching (the stored French lexemes, prefixes, typo alternatives), filters, ranking
// (ts_rank_cd's cover density with the same weights, blended by ranking.h), keyset pages and
// facets — without reading a row per match from PostgreSQL's heap. Posting lists give the
// matches; each doctor's lexemes with weighted positions give its text rank.
//
// Pure: no I/O and not thread-safe; MemorySearchStore (memory_search_store.h) fills it from
// PostgreSQL and locks around it. Query words arrive stemmed (ResolvedQuery), since stemming
// is PostgreSQL's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "services/search/cover_rank.h"
#include "services/search/search_store.h"

namespace meltingdoc::search {

// One row of search.doctors with its doctor_competences and doctor_places rows.
struct DoctorRow {
  struct Competence {
    std::string key, label;  // key: a code or "label:<folded label>"
    int endorsements = 0;
    std::vector<std::string> lexemes;  // of its document (label and synonyms)
  };
  struct Place {
    std::string commune, commune_key, postcode;
    std::optional<double> latitude, longitude;
  };
  std::string profile_id;
  int64_t version = 0;
  bool deleted = false;
  std::string display_name, specialty_code, specialty_label, headline;
  std::vector<std::string> languages;
  bool accepting_referrals = false;
  std::vector<std::string> filter_keys;  // the competence_keys column
  int endorsement_total = 0;
  std::vector<std::string> words;  // lexicon words (typo candidates)
  std::vector<TsLexeme> document;
  std::vector<Competence> competences;  // by ordinal
  std::vector<Place> places;            // by ordinal
};

// A query operand after PostgreSQL's stemming: a lexeme, matched as it is or as a prefix.
struct Operand {
  std::string lexeme;
  bool prefix = false;
};

// What to_tsquery('fr', ToTsQueryAll(...)) gives: an AND of terms, each an OR of operands.
// Terms whose every word was a stop word are left out; `has_text` with no term left matches
// nothing (as an empty tsquery does).
struct ResolvedQuery {
  bool has_text = false;
  std::vector<std::vector<Operand>> terms;
};

class DoctorIndex {
 public:
  DoctorIndex();
  // Adds or replaces the doctor; a deleted row removes it.
  void Upsert(const DoctorRow& row);
  void Remove(const std::string& profile_id);
  // The version of the doctor held (a deleted one's too, once seen); nullopt if never seen.
  std::optional<int64_t> VersionOf(const std::string& profile_id) const;
  void SetVersion(const std::string& profile_id, int64_t version);
  int64_t doctor_count() const { return live_; }

  // The typo lexicon (folded words of 4+ letters of the doctors' texts).
  bool HasWord(const std::string& word) const;
  bool HasWordStartingWith(const std::string& prefix) const;
  // Lexicon words exactly one edit (OSA distance) away from `word`.
  std::vector<std::string> WordsOneEditAway(const std::string& word) const;

  // As PgSearchStore::ResolvePlace: the mean coordinates of the practice places with this
  // postcode or commune key.
  std::optional<GeoPoint> ResolvePlace(const std::string& place) const;

  DoctorPage Search(const DoctorQuery& query, const ResolvedQuery& text) const;

 private:
  // Strings that many doctors share (codes, keys, labels), stored once.
  class Interner {
   public:
    uint32_t Id(const std::string& s);
    std::optional<uint32_t> Find(const std::string& s) const;
    const std::string& Text(uint32_t id) const { return text_[id]; }
    size_t size() const { return text_.size(); }

   private:
    absl::flat_hash_map<std::string, uint32_t> ids_;
    std::vector<std::string> text_;
  };
  struct Competence {
    uint32_t key, label;
    int endorsements;
    std::vector<uint32_t> lexemes;  // ascending lexeme ids
  };
  struct Place {
    uint32_t commune_key, commune;
    uint32_t postcode;
    bool has_coordinates;
    double latitude, longitude;
  };
  struct Doc {
    bool live = false;
    int64_t version = 0;
    std::string profile_id, display_name, headline;
    uint32_t specialty_code = 0, specialty_label = 0;
    std::vector<uint32_t> languages, filter_keys;  // interned
    bool accepting_referrals = false;
    int endorsement_total = 0;
    std::vector<uint32_t> words;    // word ids
    std::vector<uint32_t> lexemes;  // ascending lexeme ids
    std::vector<uint32_t> lexeme_end;  // end of each lexeme's positions in `positions`
    std::vector<WeightedPosition> positions;
    std::vector<Competence> competences;
    std::vector<Place> places;
    std::vector<std::string> communes;  // distinct, sorted, non-empty (for hits)
  };
  struct PlaceSum {
    double latitude = 0, longitude = 0;
    int64_t count = 0;
  };

  uint32_t LexemeId(const std::string& lexeme);
  uint32_t WordId(const std::string& word);
  void Unlink(uint32_t slot);  // removes the doctor's postings, words and place sums
  void AddPlaceSums(const Doc& d, int sign);
  // Lexeme ids matching an operand.
  void MatchOperand(const Operand& op, std::vector<uint32_t>& out) const;

  std::vector<Doc> docs_;
  absl::flat_hash_map<std::string, uint32_t> slot_of_;
  int64_t live_ = 0;
  absl::btree_map<std::string, uint32_t> lexeme_ids_;
  std::vector<std::vector<uint32_t>> postings_;  // per lexeme id: ascending slots
  // Typo lexicon: word ids, with how many live doctors hold each word.
  absl::flat_hash_map<std::string, uint32_t> word_ids_;
  std::vector<std::string> word_text_;
  std::vector<int64_t> word_docs_;
  absl::btree_set<std::string> words_present_;
  Interner strings_;
  absl::flat_hash_map<uint32_t, PlaceSum> by_commune_key_, by_postcode_;
};

}  // namespace meltingdoc::search
