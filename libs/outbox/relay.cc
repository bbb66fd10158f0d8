#include "libs/outbox/relay.h"

#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/json_log.h"
#include "libs/outbox/outbox_store.h"

namespace meltingdoc::outbox {

OutboxRelay::OutboxRelay(pg::Pool* pool, redis::RedisClient* redis, RelayOptions options)
    : pool_(pool),
      redis_(redis),
      options_(std::move(options)),
      backoff_(options_.poll_interval, options_.max_backoff),
      loop_([this] { return Step(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<int> OutboxRelay::RelayOnce() {
  if (options_.stream.empty()) return absl::FailedPreconditionError("relay: no stream configured");
  return pg::InTransaction<int>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int> {
    ASSIGN_OR_RETURN(const bool locked, TryLockRelay(txn));
    if (!locked) return 0;
    ASSIGN_OR_RETURN(const std::vector<OutboxRow> rows, SelectUnsent(txn, options_.batch_size));
    if (rows.empty()) return 0;

    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const OutboxRow& row : rows) {
      std::vector<std::string> argv = {"XADD", options_.stream};
      if (options_.stream_max_len > 0) {
        argv.insert(argv.end(), {"MAXLEN", "~", absl::StrCat(options_.stream_max_len)});
      }
      argv.insert(argv.end(), {"*", "event_id", row.event_id, "event_type", row.event_type,
                               "aggregate_type", row.aggregate_type, "aggregate_id",
                               row.aggregate_id, "aggregate_version",
                               absl::StrCat(row.aggregate_version), "payload", row.payload});
      // Stopping at the first failure keeps the stream in id order; the rows already added
      // are added again by the next run (this transaction rolls back).
      RETURN_IF_ERROR(redis_->Command(argv).status());
      ids.push_back(row.id);
    }
    if (after_publish_hook_) after_publish_hook_();
    RETURN_IF_ERROR(MarkPublished(txn, ids));
    return static_cast<int>(ids.size());
  });
}

absl::StatusOr<int64_t> OutboxRelay::UnsentCount() {
  return pg::InTransaction<int64_t>(
      *pool_, [](pqxx::transaction_base& txn) { return CountUnsent(txn); });
}

void OutboxRelay::Start() { loop_.Start(); }

void OutboxRelay::Stop() { loop_.Stop(); }

void OutboxRelay::SetAfterPublishHookForTesting(std::function<void()> hook) {
  after_publish_hook_ = std::move(hook);
}

absl::Duration OutboxRelay::Step() {
  absl::StatusOr<int> sent = RelayOnce();
  if (!sent.ok()) {
    const absl::Duration delay = backoff_.Next();
    LogJson({{"component", "outbox_relay"}, {"msg", "relay run failed"}, {"stream", options_.stream},
             {"code", absl::StatusCodeToString(sent.status().code())},
             // Redis and pg::StatusFromException messages name the failure, never the
             // statement's parameters or an entry's fields.
             {"error", std::string(sent.status().message())},
             {"retry_in", absl::FormatDuration(delay)}});
    return delay;
  }
  backoff_.Reset();
  // A full batch means more may be waiting: go again at once.
  return *sent >= options_.batch_size ? absl::ZeroDuration() : options_.poll_interval;
}

}  // namespace meltingdoc::outbox
