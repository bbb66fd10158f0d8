// Publishes a service's outbox rows to a Redis Stream, oldest first, and marks them sent.
//
// Delivery is at-least-once: the XADDs happen inside the PostgreSQL transaction that marks the
// rows sent, so a crash (or a failed commit) after publishing and before that commit publishes
// the same rows again on the next run. Consumers deduplicate by event id (consumer.h).
//
// Only one relay per outbox works at a time (a transaction-scoped advisory lock; the others
// find it taken and return 0), which keeps the stream in outbox id order and therefore keeps
// the events of one aggregate in order (see AppendEvent in outbox_store.h).
//
// Each stream entry has the fields event_id, event_type, aggregate_type, aggregate_id,
// aggregate_version and payload (the serialized meltingdoc.events.v1.Event); consumers need
// only payload, the others are for tools and humans (redis-cli XRANGE).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/outbox/background_loop.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::outbox {

struct RelayOptions {
  // e.g. "meltingdoc.identity": one stream per publishing service.
  std::string stream;
  int batch_size = 100;
  // Wait between runs when the outbox is empty.
  absl::Duration poll_interval = absl::Milliseconds(100);
  // XADD ... MAXLEN ~ <n>: an approximate cap on the stream, so that Redis memory stays bounded.
  // Entries trimmed before a consumer group read them are lost to that group, so keep this far
  // above any backlog a consumer can build up. 0 disables trimming.
  int64_t stream_max_len = 1'000'000;
  // Ceiling of the exponential back-off (from poll_interval) while runs fail.
  absl::Duration max_backoff = absl::Seconds(5);
};

class OutboxRelay {
 public:
  // `pool` (a pool on the service's schema) and `redis` must outlive the relay.
  OutboxRelay(pg::Pool* pool, redis::RedisClient* redis, RelayOptions options);
  ~OutboxRelay();  // Stop()s the background loop
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // One batch: returns how many events were published and marked sent; 0 when there was
  // nothing to send or another relay holds the lock. On error (Redis or PostgreSQL unavailable)
  // nothing is marked sent and the batch is retried by the next run.
  absl::StatusOr<int> RelayOnce();

  // Number of unsent rows, for a lag metric.
  absl::StatusOr<int64_t> UnsentCount();

  // RelayOnce in a background thread until Stop(): immediately again after a full batch,
  // after poll_interval when idle, with back-off after errors (logged, never fatal).
  // Do not call RelayOnce yourself while the loop runs.
  void Start();
  void Stop();

  // Called after a batch's XADDs and before its mark-sent commit (crash tests). Set it before
  // Start().
  void SetAfterPublishHookForTesting(std::function<void()> hook);

  const RelayOptions& options() const { return options_; }

 private:
  absl::Duration Step();

  pg::Pool* const pool_;
  redis::RedisClient* const redis_;
  const RelayOptions options_;
  std::function<void()> after_publish_hook_;
  Backoff backoff_;
  BackgroundLoop loop_;
};

}  // namespace meltingdoc::outbox
