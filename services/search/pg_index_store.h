// Writes the search index (schema search) from events: all of the indexing SQL.
//
// Each Apply* runs inside the StreamConsumer's transaction (which also records the event in
// processed_events, so a redelivered event is never applied twice). Per-aggregate order is
// kept here: the indexed row is locked and an event whose aggregate_version is not newer than
// the row's is ignored, so an older event delivered late never overwrites a newer state.
// Deletions keep a tombstone row (version, no text) for the same reason.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace meltingdoc::search {

enum class ApplyResult { kApplied, kStale, kIgnored };

// The tables an event is written to: the live index (unprefixed names), or the copy a
// Reindex builds beside it (the same names with a prefix, pg_reindex_store.h).
struct IndexTables {
  explicit IndexTables(absl::string_view prefix);
  static const IndexTables& Live();
  std::string doctors, doctor_competences, doctor_places, lexicon, suggestions, space_members,
      cases, replies;
  // Set by ApplyEvents: the lexicon's count changes of a batch are added up here and written
  // once, instead of once per event (most documents share most words). Null: at once.
  std::map<std::pair<std::string, std::string>, int64_t>* lexicon_deltas = nullptr;
  // Every one, referenced tables before those that reference them.
  std::vector<std::string> all() const {
    return {doctors, doctor_competences, doctor_places, lexicon, suggestions, space_members,
            cases, replies};
  }
};

// Applies one event to the index. kStale: an equal or newer version is already indexed;
// kIgnored: not an event the index uses, or malformed (ids that are not UUIDs) — nothing
// written, and retrying cannot help, so it is not an error.
absl::StatusOr<ApplyResult> ApplyEvent(pqxx::transaction_base& txn,
                                       const events::v1::Event& event,
                                       const IndexTables& tables = IndexTables::Live());

// Shorter words never matter for typo correction (only words of 5+ letters get one) nor for
// the "is this prefix a known word" check.
inline constexpr size_t kMinLexiconWordLength = 4;

// The words a document adds to the lexicon (a row's `words`): folded, 4 to 64 letters,
// unique, sorted (sorted also gives every transaction the same lock order on lexicon rows).
std::vector<std::string> LexiconWords(const std::vector<std::string>& texts);

// Applies events in order in one transaction (Reindex, bulk loads), with the same effect as
// ApplyEvent on each: consecutive ProfileChanged are written together (a few statements for
// the run instead of about ten per profile) and the lexicon's counts once at the end.
absl::StatusOr<std::vector<ApplyResult>> ApplyEvents(pqxx::transaction_base& txn,
                                                     const std::vector<events::v1::Event>& events,
                                                     const IndexTables& tables = IndexTables::Live());

}  // namespace meltingdoc::search
