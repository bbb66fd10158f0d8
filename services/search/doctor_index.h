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
  int64_t doctor_count() const { return live_count_; }

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
  // A doctor in a lexeme's posting list: how many of the lexeme's positions have each weight
  // (D, C, B, A; a one-term query's text rank is their weighted sum) and which of the
  // doctor's competences hold the lexeme (bit = ordinal, the first 32).
  struct Posting {
    uint32_t slot;
    uint8_t weights[4];
    uint32_t competences;
  };
  // What a query reads of every match lives in per-slot arrays and arenas (below); the rest
  // of a doctor, read for the page's hits, multi-word ranks and some filters, here.
  struct Cold {
    std::string profile_id, display_name, headline;
    std::vector<uint32_t> languages, filter_keys;  // interned; filter_keys ascending
    std::vector<uint32_t> words;                   // word ids
    std::vector<uint32_t> lexemes;                 // ascending lexeme ids
    std::vector<uint32_t> lexeme_end;  // end of each lexeme's positions in `positions`
    std::vector<WeightedPosition> positions;
    std::vector<std::vector<uint32_t>> competence_lexemes;  // ascending, per ordinal
    std::vector<std::string> communes;  // distinct, sorted, non-empty (for hits)
    int64_t version = 0;
  };
  struct PlaceSum {
    double latitude = 0, longitude = 0;
    int64_t count = 0;
  };

  uint32_t LexemeId(const std::string& lexeme);
  uint32_t WordId(const std::string& word);
  uint32_t SlotFor(const std::string& profile_id);
  void Unlink(uint32_t slot);  // removes the doctor's postings, words and place sums
  void AddPlaceSums(uint32_t slot, int sign);
  void CompactArenas();
  // Lexeme ids matching an operand.
  void MatchOperand(const Operand& op, std::vector<uint32_t>& out) const;

  absl::flat_hash_map<std::string, uint32_t> slot_of_;
  int64_t live_count_ = 0;
  std::vector<Cold> cold_;
  // Per slot.
  std::vector<uint8_t> live_, accepting_;
  std::vector<uint64_t> id_key_;  // the id's first 16 hex digits: orders as the id does
  std::vector<uint32_t> specialty_, specialty_label_;
  std::vector<int32_t> endorsement_total_;
  std::vector<uint32_t> competence_begin_, place_begin_;
  std::vector<uint8_t> competence_count_, place_count_;
  // Arenas, a doctor's entries contiguous; a changed doctor's are appended (the old ones
  // left until CompactArenas).
  std::vector<uint32_t> competence_key_, competence_label_;
  std::vector<int32_t> competence_endorsements_;
  std::vector<uint32_t> place_key_, place_commune_, place_postcode_;
  std::vector<double> place_latitude_, place_longitude_;
  std::vector<uint8_t> place_has_coordinates_;
  size_t arena_garbage_ = 0;

  absl::btree_map<std::string, uint32_t> lexeme_ids_;
  std::vector<std::vector<Posting>> postings_;  // per lexeme id: ascending slots
  // Typo lexicon: word ids, with how many live doctors hold each word.
  absl::flat_hash_map<std::string, uint32_t> word_ids_;
  std::vector<std::string> word_text_;
  std::vector<int64_t> word_docs_;
  absl::btree_set<std::string> words_present_;
  Interner strings_;
  absl::flat_hash_map<uint32_t, PlaceSum> by_commune_key_, by_postcode_;
};

}  // namespace meltingdoc::search
