// Unread notification counts, cached in Redis (key meltingdoc:discussions:unread:<account>,
// 60 s expiry) and recounted from PostgreSQL on a miss. Writers drop the keys of the accounts
// they notified after their commit. Redis down or lost: the count comes from PostgreSQL
// (slower, still right). A count computed just before a concurrent write may be cached for at
// most the expiry.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/redis/redis_client.h"
#include "services/discussions/discussions_store.h"

namespace meltingdoc::discussions {

class UnreadCounts {
 public:
  // `redis` may be null (no cache).
  UnreadCounts(redis::RedisClient* redis, DiscussionsStore* store) : redis_(redis), store_(store) {}

  absl::StatusOr<int64_t> Get(const std::string& account);
  // Best effort: a failure leaves a count at most 60 s old.
  void Forget(const std::vector<std::string>& accounts);

  static std::string KeyOf(const std::string& account) { return "meltingdoc:discussions:unread:" + account; }

 private:
  redis::RedisClient* const redis_;
  DiscussionsStore* const store_;
};

}  // namespace meltingdoc::discussions
