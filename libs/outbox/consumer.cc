#include "libs/outbox/consumer.h"

#include <exception>
#include <set>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/event_codec.h"
#include "libs/outbox/inbox_store.h"
#include "libs/common/json_log.h"
#include "libs/pg/errors.h"

namespace meltingdoc::outbox {
namespace {

constexpr absl::string_view kComponent = "outbox_consumer";

// When polls fail, the first retry comes this soon; then it doubles up to max_backoff.
constexpr absl::Duration kInitialBackoff = absl::Milliseconds(100);

// The event id of an entry, for logs: only when it is a UUID (an entry that failed to parse
// may hold anything in its fields, and nothing but identifiers is logged).
std::string LoggableEventId(const StreamEntry& entry) {
  const std::string* id = entry.Field("event_id");
  return id != nullptr && IsValidUuid(*id) ? *id : "";
}

// Handler errors that no retry can fix: the same event fails the same way every time.
bool IsPermanentHandlerError(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsAlreadyExists(status) ||
         absl::IsOutOfRange(status);
}

}  // namespace

StreamConsumer::StreamConsumer(pg::Pool* pool, redis::RedisClient* dedicated_client,
                               ConsumerOptions options, Handler handler,
                               BatchHandler batch_handler)
    : pool_(pool),
      redis_(dedicated_client),
      options_(std::move(options)),
      handler_(std::move(handler)),
      batch_handler_(std::move(batch_handler)),
      backoff_(kInitialBackoff, options_.max_backoff),
      loop_([this] { return Step(); }) {}

StreamConsumer::~StreamConsumer() { Stop(); }

void StreamConsumer::Start() { loop_.Start(); }

void StreamConsumer::Stop() { loop_.Stop(); }

void StreamConsumer::SetAfterCommitHookForTesting(std::function<void()> hook) {
  after_commit_hook_ = std::move(hook);
}

absl::Status StreamConsumer::NoteRedisFailure(absl::Status status) {
  // Cheap to redo (BUSYGROUP is ignored), and needed when Redis restarted without its data:
  // every read then fails with NOGROUP until the group exists again.
  group_ready_ = false;
  return status;
}

absl::Status StreamConsumer::EnsureGroup() {
  if (group_ready_) return absl::OkStatus();
  // From id 0: a group created after events were published still gets all of them.
  absl::StatusOr<redis::RedisReply> reply = redis_->Command(
      {"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!reply.ok() && !absl::StrContains(reply.status().message(), "BUSYGROUP")) {
    return reply.status();
  }
  group_ready_ = true;
  return absl::OkStatus();
}

absl::Status StreamConsumer::Ack(const std::string& entry_id) { return AckAll({entry_id}); }

absl::Status StreamConsumer::AckAll(const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty()) return absl::OkStatus();
  std::vector<std::string> argv = {"XACK", options_.stream, options_.group};
  argv.insert(argv.end(), entry_ids.begin(), entry_ids.end());
  absl::StatusOr<redis::RedisReply> reply = redis_->Command(argv);
  if (!reply.ok()) return NoteRedisFailure(reply.status());
  return absl::OkStatus();
}

absl::StatusOr<int> StreamConsumer::PollOnce() {
  if (options_.stream.empty() || options_.group.empty() || options_.consumer_name.empty()) {
    return absl::FailedPreconditionError("consumer: stream, group and consumer_name are required");
  }
  RETURN_IF_ERROR(EnsureGroup());
  const std::string count = absl::StrCat(options_.batch);
  int applied = 0;
  int progress = 0;

  // 1. This consumer's own pending entries: delivered before, not acknowledged (a handler
  //    failed, or this process died before XACK). Paged, so that a full page of entries that
  //    keep failing cannot hide the ones behind it.
  {
    absl::StatusOr<redis::RedisReply> reply =
        redis_->Command({"XREADGROUP", "GROUP", options_.group, options_.consumer_name, "COUNT",
                         count, "STREAMS", options_.stream, pending_cursor_});
    if (!reply.ok()) return NoteRedisFailure(reply.status());
    ASSIGN_OR_RETURN(const std::vector<StreamEntry> entries, ParseReadGroupReply(*reply));
    pending_cursor_ =
        static_cast<int>(entries.size()) < options_.batch ? "0" : entries.back().id;
    RETURN_IF_ERROR(ProcessEntries(entries, &applied, &progress));
  }

  // 2. Entries left pending by other consumers (presumably dead) for claim_min_idle.
  {
    absl::StatusOr<redis::RedisReply> reply = redis_->Command(
        {"XAUTOCLAIM", options_.stream, options_.group, options_.consumer_name,
         absl::StrCat(absl::ToInt64Milliseconds(options_.claim_min_idle)), claim_cursor_,
         "COUNT", count});
    if (!reply.ok()) return NoteRedisFailure(reply.status());
    ASSIGN_OR_RETURN(AutoClaimResult claimed, ParseAutoClaimReply(*reply));
    claim_cursor_ = claimed.next_cursor;
    RETURN_IF_ERROR(ProcessEntries(claimed.entries, &applied, &progress));
  }

  // 3. New entries. Block only when the steps above did nothing: a consumer with work waiting
  //    should not sit idle, and one whose pending entries keep failing should not spin.
  {
    std::vector<std::string> argv = {"XREADGROUP", "GROUP", options_.group,
                                     options_.consumer_name, "COUNT", count};
    const bool block = progress == 0 && options_.block >= absl::Milliseconds(1);
    if (block) {
      argv.insert(argv.end(), {"BLOCK", absl::StrCat(absl::ToInt64Milliseconds(options_.block))});
    }
    argv.insert(argv.end(), {"STREAMS", options_.stream, ">"});
    absl::StatusOr<redis::RedisReply> reply =
        block ? redis_->CommandWithTimeout(argv,
                                           options_.block + redis_->options().command_timeout)
              : redis_->Command(argv);
    if (!reply.ok()) return NoteRedisFailure(reply.status());
    ASSIGN_OR_RETURN(const std::vector<StreamEntry> entries, ParseReadGroupReply(*reply));
    RETURN_IF_ERROR(ProcessEntries(entries, &applied, &progress));
  }
  return applied;
}

absl::Status StreamConsumer::ProcessEntries(const std::vector<StreamEntry>& entries, int* applied,
                                            int* progress) {
  if (batch_handler_ != nullptr && entries.size() > 1) {
    ASSIGN_OR_RETURN(const bool done, ProcessBatch(entries, applied, progress));
    if (done) return absl::OkStatus();
  }
  for (const StreamEntry& entry : entries) {
    ASSIGN_OR_RETURN(const Outcome outcome, ProcessEntry(entry));
    if (outcome == Outcome::kApplied) ++*applied;
    if (outcome != Outcome::kLeftPending) ++*progress;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> StreamConsumer::ProcessBatch(const std::vector<StreamEntry>& entries,
                                                   int* applied, int* progress) {
  // Entries that can never be applied (trimmed, unreadable) and repeated events (the relay
  // republished one) are only acknowledged, with the batch.
  std::vector<events::v1::Event> parsed(entries.size());
  std::vector<const events::v1::Event*> events;
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::vector<const StreamEntry*> poison;
  for (size_t i = 0; i < entries.size(); ++i) {
    const StreamEntry& entry = entries[i];
    ids.push_back(entry.id);
    const std::string* payload = entry.Field("payload");
    if (entry.deleted || payload == nullptr || !parsed[i].ParseFromString(*payload) ||
        !ValidateEvent(parsed[i]).ok()) {
      poison.push_back(&entry);
      continue;
    }
    if (seen.insert(absl::AsciiStrToLower(parsed[i].event_id())).second) {
      events.push_back(&parsed[i]);
    }
  }
  int recorded_now = 0;
  const absl::Status status = pool_->InTransaction([&](pqxx::transaction_base& txn) {
    ASSIGN_OR_RETURN(const std::vector<bool> recorded,
                     RecordProcessedBatch(txn, events, options_.stream));
    std::vector<const events::v1::Event*> fresh;
    for (size_t i = 0; i < events.size(); ++i) {
      if (recorded[i]) fresh.push_back(events[i]);
    }
    recorded_now = static_cast<int>(fresh.size());
    if (fresh.empty()) return absl::OkStatus();
    try {
      return batch_handler_(txn, fresh);
    } catch (const std::exception& e) {
      return pg::StatusFromException(e);
    }
  });
  if (!status.ok()) {
    if (absl::IsUnavailable(status)) return status;  // PostgreSQL down: fail the whole poll
    // One by one: the event that failed is retried or recorded dead alone.
    LogJson({{"component", kComponent}, {"msg", "batch not applied; applying its events one by one"},
             {"stream", options_.stream}, {"entries", absl::StrCat(entries.size())},
             {"code", absl::StatusCodeToString(status.code())}});
    return false;
  }
  if (after_commit_hook_) after_commit_hook_();
  RETURN_IF_ERROR(AckAll(ids));
  for (const StreamEntry* entry : poison) {
    LogJson({{"component", kComponent},
             {"msg", entry->deleted ? "pending entry was trimmed from the stream before it was applied"
                                    : "unreadable entry acknowledged as poison"},
             {"stream", options_.stream}, {"entry_id", entry->id},
             {"event_id", LoggableEventId(*entry)}});
  }
  poison_count_ += static_cast<int64_t>(poison.size());
  *applied += recorded_now;
  *progress += static_cast<int>(entries.size());
  return true;
}

absl::StatusOr<StreamConsumer::Outcome> StreamConsumer::ProcessEntry(const StreamEntry& entry) {
  if (entry.deleted) {
    // Trimmed from the stream (MAXLEN) while still pending here: the event is gone and cannot
    // be applied; acknowledging it is the only way to stop reading it. Reindex recovers.
    LogJson({{"component", kComponent}, {"msg", "pending entry was trimmed from the stream before it was applied"}, {"stream", options_.stream}, {"entry_id", entry.id}});
    RETURN_IF_ERROR(Ack(entry.id));
    ++poison_count_;
    return Outcome::kPoison;
  }

  events::v1::Event event;
  const std::string* payload = entry.Field("payload");
  if (payload == nullptr || !event.ParseFromString(*payload) || !ValidateEvent(event).ok()) {
    // Retrying cannot help, and leaving it pending would replay it on every poll forever.
    LogJson({{"component", kComponent}, {"msg", "unreadable entry acknowledged as poison"}, {"stream", options_.stream},
             {"entry_id", entry.id},
             {"event_id", LoggableEventId(entry)}});
    RETURN_IF_ERROR(Ack(entry.id));
    ++poison_count_;
    return Outcome::kPoison;
  }

  bool already_applied = false;
  const absl::Status status = pool_->InTransaction([&](pqxx::transaction_base& txn) {
    ASSIGN_OR_RETURN(const bool recorded_now, RecordProcessed(txn, event, options_.stream));
    if (!recorded_now) {
      already_applied = true;
      return absl::OkStatus();
    }
    try {
      return handler_(txn, event);
    } catch (const std::exception& e) {
      // A handler is not supposed to throw; if it does, this entry fails, not the process.
      return pg::StatusFromException(e);
    }
  });
  if (!status.ok()) {
    if (absl::IsUnavailable(status)) return status;  // PostgreSQL down: fail the whole poll
    if (IsPermanentHandlerError(status)) {
      const std::string code = absl::StatusCodeToString(status.code());
      const absl::Status dead = pool_->InTransaction([&](pqxx::transaction_base& txn) {
        return RecordDead(txn, event, options_.stream, entry.id, code);
      });
      if (absl::IsUnavailable(dead)) return dead;
      if (dead.ok()) {
        LogJson({{"component", kComponent}, {"msg", "event refused for good by its handler; recorded in dead_events"},
                 {"stream", options_.stream}, {"entry_id", entry.id}, {"event_id", event.event_id()},
                 {"code", code}});
        RETURN_IF_ERROR(Ack(entry.id));
        ++dead_count_;
        return Outcome::kPoison;
      }
    }
    // Code only: a handler's message may quote event content.
    LogJson({{"component", kComponent}, {"msg", "event not applied; left pending for a retry"}, {"stream", options_.stream},
             {"entry_id", entry.id},
             {"event_id", event.event_id()},
             {"code", absl::StatusCodeToString(status.code())}});
    return Outcome::kLeftPending;
  }
  if (after_commit_hook_) after_commit_hook_();
  RETURN_IF_ERROR(Ack(entry.id));
  return already_applied ? Outcome::kSkipped : Outcome::kApplied;
}

absl::Duration StreamConsumer::Step() {
  absl::StatusOr<int> applied = PollOnce();
  if (!applied.ok()) {
    const absl::Duration delay = backoff_.Next();
    LogJson({{"component", kComponent}, {"msg", "poll failed"}, {"stream", options_.stream},
             {"group", options_.group},
             {"code", absl::StatusCodeToString(applied.status().code())},
             // Redis and PostgreSQL messages name the failure, never an event's content.
             {"error", std::string(applied.status().message())},
             {"retry_in", absl::FormatDuration(delay)}});
    return delay;
  }
  backoff_.Reset();
  // PollOnce paces itself by blocking in XREADGROUP when idle; without BLOCK it would spin.
  return *applied == 0 && options_.block < absl::Milliseconds(1) ? kInitialBackoff
                                                                  : absl::ZeroDuration();
}

}  // namespace meltingdoc::outbox
