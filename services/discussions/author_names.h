// Display names of the authors of cases and replies, from the profiles service: one batch
// call per page of results (never one call per item), names remembered for a while in a
// bounded cache, and a page served without names (empty author_name) when profiles is slow
// or down, rather than failed: a name is a convenience, the discussion is the service.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"

namespace meltingdoc::discussions {

// Where names come from (profiles' BatchGetProfiles in production, a fake in tests).
class AuthorNameSource {
 public:
  virtual ~AuthorNameSource() = default;
  // Display names of up to kMaxBatch ids; an id profiles does not know is left out. The
  // caller's `authorization` header authorizes the call (profiles serves verified doctors).
  virtual absl::StatusOr<absl::flat_hash_map<std::string, std::string>> Fetch(
      const std::vector<std::string>& ids, const std::string& authorization) = 0;
  static constexpr size_t kMaxBatch = 100;  // BatchGetProfiles' limit
};

struct AuthorNamesOptions {
  size_t max_entries = 10000;                         // the cache never holds more
  absl::Duration ttl = absl::Minutes(5);              // a renamed doctor shows after this
  absl::Duration pause_after_failure = absl::Seconds(5);  // profiles down: no call meanwhile
};

class AuthorNames {
 public:
  // `source` may be null (no profiles configured): every lookup is then empty.
  AuthorNames(AuthorNameSource* source, const Clock* clock, AuthorNamesOptions options = {});

  // Names of `ids` (duplicates and empty ids allowed): cached ones, and the others fetched in
  // one call per kMaxBatch ids. Never fails: an id without a name is absent from the result.
  absl::flat_hash_map<std::string, std::string> Lookup(const std::vector<std::string>& ids,
                                                        const std::string& authorization);

  size_t cached() const;

 private:
  struct Entry {
    std::string name;  // empty: profiles has no such profile (remembered too)
    absl::Time expires;
  };
  AuthorNameSource* const source_;
  const Clock* const clock_;
  const AuthorNamesOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
  absl::Time paused_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace meltingdoc::discussions
