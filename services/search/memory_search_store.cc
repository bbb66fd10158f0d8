#include "services/search/memory_search_store.h"

#include <malloc.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "services/search/query_parser.h"

namespace meltingdoc::search {

MemorySearchStore::MemorySearchStore(pg::Pool* pool, SearchStore* database,
                                     MemorySearchStoreOptions options)
    : pool_(pool), database_(database), options_(options), feed_(pool) {}

MemorySearchStore::~MemorySearchStore() { Stop(); }

void MemorySearchStore::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    absl::Time last_logged = absl::InfinitePast();
    do {
      const absl::Status s = CatchUp();
      // At most one line a minute while PostgreSQL is unreachable.
      if (!s.ok() && absl::Now() - last_logged > absl::Minutes(1)) {
        last_logged = absl::Now();
        LogJson({{"component", "search_memory_index"}, {"msg", "catching up failed"},
                 {"code", absl::StatusCodeToString(s.code())},
                 {"error", std::string(s.message())}});
      }
    } while (!stop_.WaitForNotificationWithTimeout(options_.poll_interval));
  });
}

void MemorySearchStore::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

bool MemorySearchStore::loaded() const {
  absl::ReaderMutexLock l(&mu_);
  return replica_ != nullptr;
}

double MemorySearchStore::last_load_seconds() const {
  absl::ReaderMutexLock l(&mu_);
  return last_load_seconds_;
}

int64_t MemorySearchStore::doctor_count() const {
  absl::ReaderMutexLock l(&mu_);
  return replica_ == nullptr ? 0 : replica_->doctors.doctor_count();
}

MemorySearchStore::FollowStats MemorySearchStore::follow_stats() const {
  absl::ReaderMutexLock l(&mu_);
  return stats_;
}

std::optional<int64_t> MemorySearchStore::DoctorVersion(const std::string& profile_id) const {
  absl::ReaderMutexLock l(&mu_);
  if (replica_ == nullptr) return std::nullopt;
  return replica_->doctors.VersionOf(profile_id);
}

absl::Status MemorySearchStore::LoadAll() {
  const absl::Time t0 = absl::Now();
  // Built aside: queries keep using the previous replica meanwhile.
  auto replica = std::make_unique<Replica>();
  ASSIGN_OR_RETURN(
      position_,
      feed_.LoadAll([&](DoctorRow&& d) { replica->doctors.Upsert(d); },
                    [&](SuggestionRow&& s) { replica->suggestions.Add(s); }));
  {
    absl::MutexLock l(&mu_);
    replica.swap(replica_);
    last_load_seconds_ = absl::ToDoubleSeconds(absl::Now() - t0);
  }
  replica.reset();  // the previous one, if any
  // The load's transient rows and result sets go back to the system (glibc keeps freed
  // memory otherwise; the resident size then tells what the index holds).
  malloc_trim(0);
  return absl::OkStatus();
}

absl::Status MemorySearchStore::CatchUp() {
  absl::MutexLock refresh(&refresh_mu_);
  if (!loaded()) return LoadAll();
  const absl::Time t0 = absl::Now();
  ASSIGN_OR_RETURN(DoctorChanges changes, feed_.ChangesSince(position_));
  if (changes.table_replaced) return LoadAll();
  std::vector<std::string> changed;
  {
    absl::ReaderMutexLock l(&mu_);
    for (const auto& [id, version] : changes.versions) {
      if (replica_->doctors.VersionOf(id) != version) changed.push_back(id);
    }
  }
  DoctorRows rows;
  if (!changed.empty()) {
    ASSIGN_OR_RETURN(rows, feed_.LoadDoctors(changed));
  }
  {
    const absl::Time t1 = absl::Now();
    absl::MutexLock l(&mu_);
    for (const DoctorRow& d : rows.doctors) {
      const std::optional<int64_t> held = replica_->doctors.VersionOf(d.profile_id);
      if (held.has_value() && *held >= d.version) continue;
      replica_->doctors.Upsert(d);
      replica_->suggestions.RemoveValue("doctor", d.profile_id);
    }
    for (const SuggestionRow& s : rows.suggestions) replica_->suggestions.Add(s);
    for (const SuggestionRow& s : changes.suggestions) replica_->suggestions.Add(s);
    ++stats_.readings;
    stats_.listed += static_cast<int64_t>(changes.versions.size());
    stats_.loaded += static_cast<int64_t>(rows.doctors.size());
    stats_.reading_seconds += absl::ToDoubleSeconds(t1 - t0);
    stats_.applying_seconds += absl::ToDoubleSeconds(absl::Now() - t1);
  }
  position_ = changes.at;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::StreamStats>> MemorySearchStore::StreamStats() {
  return database_->StreamStats();
}

absl::StatusOr<std::pair<int64_t, int64_t>> MemorySearchStore::IndexedCounts() {
  return database_->IndexedCounts();
}

absl::StatusOr<CasePage> MemorySearchStore::SearchCases(CaseQuery query) {
  return database_->SearchCases(std::move(query));
}

absl::StatusOr<std::optional<GeoPoint>> MemorySearchStore::ResolvePlace(const std::string& place) {
  {
    absl::ReaderMutexLock l(&mu_);
    if (replica_ != nullptr) return replica_->doctors.ResolvePlace(place);
  }
  return database_->ResolvePlace(place);
}

absl::StatusOr<std::vector<v1::Suggestion>> MemorySearchStore::Suggest(
    const std::string& key, int limit, const std::vector<std::string>& kinds) {
  {
    absl::ReaderMutexLock l(&mu_);
    if (replica_ != nullptr) return replica_->suggestions.Suggest(key, limit, kinds);
  }
  return database_->Suggest(key, limit, kinds);
}

// The typo alternatives from the replica's lexicon (as AddTypoAlternatives does from the
// lexicon table), then every word stemmed by PostgreSQL once (cached).
absl::StatusOr<ResolvedQuery> MemorySearchStore::Resolve(ParsedQuery& text) {
  {
    absl::ReaderMutexLock l(&mu_);
    const DoctorIndex& index = replica_->doctors;
    for (QueryTerm& t : text.terms) {
      const bool known = index.HasWord(t.word);
      const bool known_prefix = t.prefix && index.HasWordStartingWith(t.word);
      if (WantsTypoAlternatives(t, known, known_prefix)) {
        t.alternatives = PickTypoAlternatives(t.word, index.WordsOneEditAway(t.word));
      }
    }
  }
  std::vector<std::string> words, missing;
  for (const QueryTerm& t : text.terms) {
    words.push_back(t.word);
    words.insert(words.end(), t.alternatives.begin(), t.alternatives.end());
  }
  absl::flat_hash_map<std::string, std::vector<std::string>> stems;
  {
    absl::MutexLock l(&stem_mu_);
    for (const std::string& w : words) {
      auto it = stems_.find(w);
      if (it == stems_.end()) {
        missing.push_back(w);
      } else {
        stems[w] = it->second;
      }
    }
  }
  if (!missing.empty()) {
    ASSIGN_OR_RETURN(auto fresh, feed_.Stem(missing));
    absl::MutexLock l(&stem_mu_);
    if (stems_.size() + fresh.size() > options_.stem_cache_entries) stems_.clear();
    for (auto& [w, s] : fresh) {
      stems_[w] = s;
      stems[w] = std::move(s);
    }
  }
  ResolvedQuery r;
  r.has_text = !text.terms.empty();
  for (const QueryTerm& t : text.terms) {
    std::vector<Operand> ops;
    for (const std::string& s : stems[t.word]) ops.push_back(Operand{s, t.prefix});
    for (const std::string& alt : t.alternatives) {
      if (alt == t.word) continue;
      for (const std::string& s : stems[alt]) ops.push_back(Operand{s, false});
    }
    if (!ops.empty()) r.terms.push_back(std::move(ops));
  }
  return r;
}

absl::StatusOr<DoctorPage> MemorySearchStore::SearchDoctors(DoctorQuery query) {
  if (!loaded()) return database_->SearchDoctors(std::move(query));
  ASSIGN_OR_RETURN(const ResolvedQuery text, Resolve(query.text));
  absl::ReaderMutexLock l(&mu_);
  return replica_->doctors.Search(query, text);
}

}  // namespace meltingdoc::search
