#include "services/discussions/author_names.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"

namespace meltingdoc::discussions {

AuthorNames::AuthorNames(AuthorNameSource* source, const Clock* clock, AuthorNamesOptions options)
    : source_(source), clock_(clock), options_(options) {}

size_t AuthorNames::cached() const {
  absl::MutexLock lock(&mu_);
  return cache_.size();
}

absl::flat_hash_map<std::string, std::string> AuthorNames::Lookup(const std::vector<std::string>& ids,
                                                                   const std::string& authorization) {
  absl::flat_hash_map<std::string, std::string> names;
  if (source_ == nullptr) return names;
  const absl::Time now = clock_->Now();
  std::vector<std::string> missing;
  {
    absl::flat_hash_set<std::string> seen;
    absl::MutexLock lock(&mu_);
    for (const std::string& id : ids) {
      if (id.empty() || !seen.insert(id).second) continue;
      auto it = cache_.find(id);
      if (it != cache_.end() && it->second.expires > now) {
        if (!it->second.name.empty()) names[id] = it->second.name;
      } else {
        missing.push_back(id);
      }
    }
    // While profiles is known to be failing, do not make every page wait for its timeout.
    if (now < paused_until_) missing.clear();
  }
  for (size_t from = 0; from < missing.size(); from += AuthorNameSource::kMaxBatch) {
    const std::vector<std::string> batch(
        missing.begin() + from, missing.begin() + std::min(missing.size(), from + AuthorNameSource::kMaxBatch));
    absl::StatusOr<absl::flat_hash_map<std::string, std::string>> fetched = source_->Fetch(batch, authorization);
    absl::MutexLock lock(&mu_);
    if (!fetched.ok()) {
      paused_until_ = clock_->Now() + options_.pause_after_failure;
      break;
    }
    // Bounded: when full, forget everything (the next pages refill it; simpler and cheaper
    // than an LRU for names that are all equally cheap to fetch again).
    if (cache_.size() + batch.size() > options_.max_entries) cache_.clear();
    const absl::Time expires = clock_->Now() + options_.ttl;
    for (const std::string& id : batch) {
      auto it = fetched->find(id);
      std::string name = it == fetched->end() ? std::string() : it->second;
      if (!name.empty()) names[id] = name;
      cache_[id] = Entry{std::move(name), expires};
    }
  }
  return names;
}

}  // namespace meltingdoc::discussions
