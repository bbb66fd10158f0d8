// Suggest's entries in memory: a copy of search.suggestions (competences and their synonyms,
// specialties, doctor names, communes) answering a prefix with the same choice and order as
// PgSearchStore::Suggest: per kind, the entries whose key starts with what was typed (in key
// order), then, from 3 characters, those with a later word starting with it; at most `limit`,
// ordered by (starts the key first, kind: specialty, competence, commune, doctor; key length;
// label; value). Pure: no I/O, not thread-safe (MemorySearchStore locks around it).
#pragma once

#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "meltingdoc/search/v1/search_service.pb.h"

namespace meltingdoc::search {

// One row of search.suggestions.
struct SuggestionRow {
  std::string kind;  // "specialty", "competence", "commune", "doctor"
  std::string key;   // FoldedKey of what is matched
  std::string label, value, detail;
};

class SuggestIndex {
 public:
  // Adds the row, or replaces the one with the same kind, value and key.
  void Add(const SuggestionRow& row);
  // Removes every entry of `kind` with this value (a doctor's own entries).
  void RemoveValue(const std::string& kind, const std::string& value);
  size_t size() const { return entries_.size(); }

  // `key`: FoldedKey of what was typed; `kinds` empty: all.
  std::vector<v1::Suggestion> Suggest(const std::string& key, int limit,
                                      const std::vector<std::string>& kinds) const;

 private:
  struct Id {
    int kind;
    std::string key, value;
    bool operator<(const Id& o) const {
      if (kind != o.kind) return kind < o.kind;
      if (key != o.key) return key < o.key;
      return value < o.value;
    }
  };
  struct Payload {
    std::string label, detail;
  };
  // (kind, word start inside key, key, value) for every word of a key after the first.
  struct Later {
    int kind;
    std::string rest, key, value;
    bool operator<(const Later& o) const {
      if (kind != o.kind) return kind < o.kind;
      if (rest != o.rest) return rest < o.rest;
      if (key != o.key) return key < o.key;
      return value < o.value;
    }
  };
  static std::vector<Later> LaterWords(int kind, const std::string& key, const std::string& value);

  absl::btree_map<Id, Payload> entries_;
  absl::btree_set<Later> later_;
  // Values of the entries per (kind, value), to remove a doctor's entries.
  absl::btree_map<std::pair<int, std::string>, std::vector<std::string>> keys_of_value_;
};

// 0 specialty, 1 competence, 2 commune, 3 doctor; -1 for anything else.
int SuggestionKindOrder(const std::string& kind);

}  // namespace meltingdoc::search
