#include "services/search/indexer.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "libs/pg/errors.h"
#include "services/search/pg_index_store.h"
#include "services/search/pg_reindex_store.h"

namespace meltingdoc::search {
namespace {

// Redis answers XINFO GROUPS with, per group, a flat list of field names and values.
std::optional<int64_t> GroupField(const redis::RedisReply& group, absl::string_view name) {
  for (size_t i = 0; i + 1 < group.elements.size(); i += 2) {
    if (group.elements[i].str == name) {
      const redis::RedisReply& v = group.elements[i + 1];
      if (v.type == redis::RedisReply::Type::kInteger) return v.integer;
      return std::nullopt;  // nil: Redis cannot tell (e.g. after deletions)
    }
  }
  return std::nullopt;
}

}  // namespace

Indexer::Indexer(pg::Pool* pool, IndexerOptions options, const Clock* clock)
    : pool_(pool), options_(std::move(options)), clock_(clock) {
  for (const std::string& stream : options_.streams) {
    clients_.push_back(std::make_unique<redis::RedisClient>(options_.redis));
    outbox::ConsumerOptions c;
    c.stream = stream;
    c.group = options_.group;
    c.consumer_name = options_.consumer_name;
    c.block = options_.block;
    c.claim_min_idle = options_.claim_min_idle;
    consumers_.push_back(std::make_unique<outbox::StreamConsumer>(
        pool_, clients_.back().get(), std::move(c),
        [this](pqxx::transaction_base& txn, const events::v1::Event& event) {
          return Handle(txn, event);
        },
        options_.batch_events
            ? outbox::StreamConsumer::BatchHandler(
                  [this](pqxx::transaction_base& txn,
                         const std::vector<const events::v1::Event*>& events) {
                    return HandleBatch(txn, events);
                  })
            : nullptr));
  }
  metrics_client_ = std::make_unique<redis::RedisClient>(options_.redis);
}

Indexer::~Indexer() { Stop(); }

void Indexer::Start() {
  for (auto& c : consumers_) c->Start();
}

void Indexer::Stop() {
  for (auto& c : consumers_) c->Stop();
}

absl::StatusOr<int> Indexer::PollOnce() {
  int applied = 0;
  for (auto& c : consumers_) {
    ASSIGN_OR_RETURN(const int n, c->PollOnce());
    applied += n;
  }
  return applied;
}

absl::Status Indexer::Handle(pqxx::transaction_base& txn, const events::v1::Event& event) {
  absl::StatusOr<ApplyResult> result;
  try {
    // While a Reindex builds its copies, each event goes to both (pg_reindex_store.h).
    const absl::StatusOr<bool> rebuilding = RebuildRunning(txn);
    result = rebuilding.ok() ? ApplyEvent(txn, event) : rebuilding.status();
    if (result.ok() && *rebuilding) {
      const absl::StatusOr<ApplyResult> copy = ApplyEvent(txn, event, RebuildTables());
      if (!copy.ok()) result = copy.status();
    }
  } catch (const std::exception& e) {
    result = pg::StatusFromException(e);
  }
  if (!result.ok()) {
    // The mapped message names the SQLSTATE and constraint, never statement parameters (which
    // hold case text).
    LogJson({{"component", "search_indexer"}, {"msg", "event not indexed"},
             {"event_id", event.event_id()},
             {"code", absl::StatusCodeToString(result.status().code())},
             {"error", std::string(result.status().message())}});
    return result.status();
  }
  // Stale and ignored events are consumed too: retrying them cannot change anything.
  ++applied_;
  NoteApplied(event);
  return absl::OkStatus();
}

absl::Status Indexer::HandleBatch(pqxx::transaction_base& txn,
                                  const std::vector<const events::v1::Event*>& batch) {
  absl::Status status;
  try {
    std::vector<events::v1::Event> events;
    events.reserve(batch.size());
    for (const events::v1::Event* e : batch) events.push_back(*e);
    // The same as Handle on each in turn (ApplyEvents: tested equal to one by one), with the
    // lexicon's counts of the whole batch written once, in word order.
    const absl::StatusOr<bool> rebuilding = RebuildRunning(txn);
    status = rebuilding.status();
    if (status.ok()) status = ApplyEvents(txn, events).status();
    if (status.ok() && *rebuilding) status = ApplyEvents(txn, events, RebuildTables()).status();
  } catch (const std::exception& e) {
    status = pg::StatusFromException(e);
  }
  if (!status.ok()) {
    // Not logged per event: the consumer applies them one by one next, and Handle logs the
    // event that fails (by id and code only).
    return status;
  }
  applied_ += static_cast<int64_t>(batch.size());
  NoteApplied(*batch.back());
  return absl::OkStatus();
}

void Indexer::NoteApplied(const events::v1::Event& event) {
  if (!event.has_occur_time()) return;
  const int64_t occur =
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.occur_time());
  last_occur_micros_.store(occur);
  last_delay_micros_.store(std::max<int64_t>(0, absl::ToUnixMicros(clock_->Now()) - occur));
}

double Indexer::LastApplyDelaySeconds() const { return last_delay_micros_.load() / 1e6; }

absl::StatusOr<int64_t> Indexer::Backlog() {
  absl::MutexLock lock(&metrics_mu_);
  int64_t total = 0;
  for (const std::string& stream : options_.streams) {
    absl::StatusOr<redis::RedisReply> reply = metrics_client_->Command({"XINFO", "GROUPS", stream});
    if (!reply.ok()) {
      // No stream yet (nothing published): nothing is waiting.
      if (absl::StrContains(reply.status().message(), "no such key")) continue;
      return reply.status();
    }
    for (const redis::RedisReply& group : reply->elements) {
      bool ours = false;
      for (size_t i = 0; i + 1 < group.elements.size(); i += 2) {
        if (group.elements[i].str == "name" && group.elements[i + 1].str == options_.group) ours = true;
      }
      if (!ours) continue;
      const std::optional<int64_t> lag = GroupField(group, "lag");
      const std::optional<int64_t> pending = GroupField(group, "pending");
      if (!lag.has_value()) return absl::UnavailableError("stream lag unknown");
      total += *lag + pending.value_or(0);
    }
  }
  return total;
}

double Indexer::LagSeconds() {
  absl::StatusOr<int64_t> backlog = Backlog();
  if (!backlog.ok()) return -1;
  if (*backlog == 0) return 0;
  const int64_t occur = last_occur_micros_.load();
  if (occur == 0) return -1;  // waiting events, none applied since start: unknown
  return std::max<int64_t>(0, absl::ToUnixMicros(clock_->Now()) - occur) / 1e6;
}

}  // namespace meltingdoc::search
