// Applies the events of one Redis Stream to a service's own schema, exactly once in effect.
//
// The consumer reads as a member of a consumer group. For each entry it runs, in ONE
// PostgreSQL transaction, "record event_id in processed_events" and the handler; it commits,
// and only then acknowledges (XACK) the entry (with a BatchHandler, every entry of a read in
// one transaction and one XACK; the same reasoning holds for the batch as a whole). So:
//   - a crash before the commit leaves the entry pending: it is read again (by this consumer
//     name after a restart, or claimed by another member after claim_min_idle) and applied;
//   - a crash after the commit but before XACK leaves it pending too, but processed_events
//     already has it: the handler is skipped and the entry acknowledged;
//   - a duplicate entry (the relay republishes after a crash) is skipped the same way.
//
// What the handler must do itself: keep per-aggregate order. Events of one aggregate are
// published in order, but a retried (pending) entry can be applied after a newer one of the
// same aggregate. The Event carries aggregate_type, aggregate_id and aggregate_version; a
// handler stores the version it applied with its row and ignores an event whose version is not
// newer (e.g. UPDATE ... WHERE version < $v, or INSERT ... ON CONFLICT DO UPDATE ... WHERE).
//
// A handler error rolls the transaction back. A transient one (UNAVAILABLE, ABORTED,
// INTERNAL, NOT_FOUND, FAILED_PRECONDITION: a dependency or an earlier event may be missing
// yet) leaves the entry unacknowledged: it is retried on every later poll until it succeeds.
// A permanent one (INVALID_ARGUMENT, ALREADY_EXISTS, OUT_OF_RANGE: the same event would fail
// the same way forever) is recorded in dead_events with processed_events, acknowledged, and
// counted in dead_count(); an operator replays it once the cause is fixed. An entry whose payload does not parse as an
// Event (or has no valid event_id or payload case) can never succeed: it is acknowledged,
// logged by entry and event id only (never payload content) and counted in poison_count().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/outbox/background_loop.h"
#include "libs/outbox/stream_reply.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace meltingdoc::outbox {

struct ConsumerOptions {
  std::string stream;         // e.g. "meltingdoc.identity"
  std::string group;          // one group per consuming service, e.g. "search"
  std::string consumer_name;  // stable per instance (e.g. host name), so that a restarted
                              // instance finds its own pending entries again
  int batch = 100;
  // How long a poll waits in XREADGROUP for new entries when there is nothing else to do.
  absl::Duration block = absl::Seconds(1);
  // Entries pending longer than this on another consumer (presumably dead) are claimed.
  absl::Duration claim_min_idle = absl::Seconds(30);
  // Ceiling of the exponential back-off (from 100 ms) of the background loop while polls fail.
  absl::Duration max_backoff = absl::Seconds(5);
};

class StreamConsumer {
 public:
  // Runs inside the transaction that records the event as processed. Return OK to commit,
  // an error to roll back and retry later. Must not commit or abort `txn` itself.
  using Handler =
      std::function<absl::Status(pqxx::transaction_base&, const events::v1::Event&)>;
  // Optional: applies several events, in stream order, in ONE transaction that records them
  // all as processed; the entries are then acknowledged by one XACK. Same effect as the
  // Handler on each in turn (events already processed are left out). On any error the
  // transaction rolls back and the entries go through the Handler one by one, so an event
  // that fails (retried, or dead for good) never holds back the others. Must not commit or
  // abort `txn` itself.
  using BatchHandler = std::function<absl::Status(
      pqxx::transaction_base&, const std::vector<const events::v1::Event*>&)>;

  // `pool` is on the consuming service's schema (migrated with the "inbox" component).
  // `dedicated_client` is used by this consumer only: XREADGROUP ... BLOCK holds it for up to
  // `block`, which would stall every other user of a shared client. Both must outlive this.
  StreamConsumer(pg::Pool* pool, redis::RedisClient* dedicated_client, ConsumerOptions options,
                 Handler handler, BatchHandler batch_handler = nullptr);
  ~StreamConsumer();  // Stop()s the background loop
  StreamConsumer(const StreamConsumer&) = delete;
  StreamConsumer& operator=(const StreamConsumer&) = delete;

  // One round: creates the group if missing, re-reads this consumer's own pending entries,
  // claims entries idle longer than claim_min_idle, then reads new entries (blocking up to
  // `block` only if the first two steps made no progress). Returns the number of events applied
  // (handler ran and committed). Fails when Redis or PostgreSQL is unavailable; handler errors
  // are not failures of the poll (the entry stays pending).
  absl::StatusOr<int> PollOnce();

  // PollOnce in a background thread until Stop(), with back-off after failures (logged, never
  // fatal). Do not call PollOnce yourself while the loop runs. Stop() returns once the current
  // poll has finished, i.e. after at most about `block`.
  void Start();
  void Stop();

  // Entries acknowledged without being applied because they can never be.
  int64_t poison_count() const { return poison_count_.load(); }
  // Events refused for good by the handler, recorded in dead_events and acknowledged.
  int64_t dead_count() const { return dead_count_.load(); }

  // Called after an entry's (or a batch's) transaction committed and before its XACK (crash
  // tests). Set it
  // before Start().
  void SetAfterCommitHookForTesting(std::function<void()> hook);

  const ConsumerOptions& options() const { return options_; }

 private:
  enum class Outcome { kApplied, kSkipped, kPoison, kLeftPending };

  absl::Status EnsureGroup();
  // Processes entries in order; adds to *applied and *progress (applied, skipped or poison).
  absl::Status ProcessEntries(const std::vector<StreamEntry>& entries, int* applied,
                              int* progress);
  absl::StatusOr<Outcome> ProcessEntry(const StreamEntry& entry);
  // With a BatchHandler: every readable entry in one transaction and one XACK. False when
  // the batch did not commit (the caller then goes one by one).
  absl::StatusOr<bool> ProcessBatch(const std::vector<StreamEntry>& entries, int* applied,
                                    int* progress);
  absl::Status Ack(const std::string& entry_id);
  absl::Status AckAll(const std::vector<std::string>& entry_ids);
  // Redis failures may mean Redis lost its data (restart without persistence), group included.
  absl::Status NoteRedisFailure(absl::Status status);
  absl::Duration Step();

  pg::Pool* const pool_;
  redis::RedisClient* const redis_;
  const ConsumerOptions options_;
  const Handler handler_;
  const BatchHandler batch_handler_;
  std::function<void()> after_commit_hook_;

  // Touched only by the polling thread.
  bool group_ready_ = false;
  std::string pending_cursor_ = "0";  // pages through this consumer's pending list
  std::string claim_cursor_ = "0-0";  // XAUTOCLAIM scan position

  std::atomic<int64_t> poison_count_{0};
  std::atomic<int64_t> dead_count_{0};
  Backoff backoff_;
  BackgroundLoop loop_;
};

}  // namespace meltingdoc::outbox
