// Keeps the index up to date: one StreamConsumer (consumer group "search") per event stream,
// each with its own Redis connection, applying what each read returns (up to 100 entries) in
// one transaction with ApplyEvents (pg_index_store.h; one by one with ApplyEvent when a batch
// fails, so that a failing event is retried or recorded dead alone), and
// what the metrics report about how far behind the index is.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/outbox/consumer.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"

namespace meltingdoc::search {

struct IndexerOptions {
  std::vector<std::string> streams = {"meltingdoc.profiles", "meltingdoc.discussions"};
  std::string group = "search";
  // Stable per instance, so that a restarted instance finds its own pending entries.
  std::string consumer_name;
  redis::RedisOptions redis;
  absl::Duration block = absl::Seconds(1);
  absl::Duration claim_min_idle = absl::Seconds(30);
  // Apply what a read returns in one transaction (false: one transaction per event, as
  // before; kept for the bench's before/after comparison).
  bool batch_events = true;
};

class Indexer {
 public:
  Indexer(pg::Pool* pool, IndexerOptions options, const Clock* clock);
  ~Indexer();  // stops the consumers
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  void Start();
  void Stop();

  // One round of every consumer (tests; do not call while started).
  absl::StatusOr<int> PollOnce();

  // Seconds between the last applied event's occurrence and its application.
  double LastApplyDelaySeconds() const;
  // Entries of the streams not yet applied (never delivered + delivered but unacknowledged),
  // read from Redis (XINFO GROUPS); an error when Redis cannot tell.
  absl::StatusOr<int64_t> Backlog();
  // How far behind the index is: 0 when nothing is waiting; otherwise the age of the last
  // applied event (an upper bound of the oldest waiting event's delay).
  double LagSeconds();

  int64_t applied_count() const { return applied_.load(); }

 private:
  absl::Status Handle(pqxx::transaction_base& txn, const events::v1::Event& event);
  // What one read of a stream returned, in one transaction (StreamConsumer::BatchHandler).
  absl::Status HandleBatch(pqxx::transaction_base& txn,
                           const std::vector<const events::v1::Event*>& events);
  void NoteApplied(const events::v1::Event& event);

  pg::Pool* const pool_;
  const IndexerOptions options_;
  const Clock* const clock_;
  std::vector<std::unique_ptr<redis::RedisClient>> clients_;
  std::vector<std::unique_ptr<outbox::StreamConsumer>> consumers_;
  std::unique_ptr<redis::RedisClient> metrics_client_;
  absl::Mutex metrics_mu_;  // metrics_client_ is used by one scrape at a time

  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> last_occur_micros_{0};
  std::atomic<int64_t> last_delay_micros_{0};
};

}  // namespace meltingdoc::search
