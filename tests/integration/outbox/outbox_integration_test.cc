// The outbox, relay and consumer against a real PostgreSQL and Redis, including crashes
// (SIGKILL of a forked relay or consumer at the worst moment) and a Redis outage.
//
// Writer: pool as role/schema "identity" (component "outbox"). Consumer: pool as role/schema
// "search" (component "inbox"), whose handler appends to search.applied_log, so that "applied
// exactly once" is read from the database rather than from process memory.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "libs/outbox/consumer.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/outbox/outbox_store.h"
#include "libs/outbox/relay.h"
#include "libs/outbox/stream_reply.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/test_env.h"

namespace meltingdoc::outbox {
namespace {

using ::meltingdoc::testing::LocalRedis;
using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::SharedPostgresPort;
using ::meltingdoc::testing::SharedRedisPort;

constexpr char kGroup[] = "search";

std::unique_ptr<pg::Pool> MakePool(const ScratchDatabase& db, const std::string& role) {
  pg::PoolOptions options;
  options.url = db.Url(role);
  options.schema = role;
  options.size = 2;
  return pg::Pool::Create(std::move(options));
}

std::unique_ptr<redis::RedisClient> MakeRedis(int port) {
  redis::RedisOptions options;
  options.port = port;
  options.reconnect_interval = absl::Milliseconds(50);
  return std::make_unique<redis::RedisClient>(options);
}

events::v1::Event MakeEvent(const std::string& aggregate_id, int64_t version) {
  events::v1::Event event;
  event.set_event_id(NewUuid());
  event.set_aggregate_type("account");
  event.set_aggregate_id(aggregate_id);
  event.set_aggregate_version(version);
  events::v1::AccountVerified* payload = event.mutable_account_verified();
  payload->set_account_id(aggregate_id);
  payload->set_given_name("Marie");
  payload->set_family_name("Curie");
  return event;
}

// The handler used by every consumer here: one applied_log row per application.
absl::Status RecordApplication(pqxx::transaction_base& txn, const events::v1::Event& event) {
  txn.exec_params(
      "INSERT INTO applied_log (event_id, aggregate_id, aggregate_version) VALUES ($1::uuid, $2, $3)",
      event.event_id(), event.aggregate_id(), event.aggregate_version());
  return absl::OkStatus();
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();

    writer_ = MakePool(*db_, "identity");
    absl::StatusOr<int> applied =
        pg::ApplyMigrations(*writer_, "identity", {{"outbox", &OutboxMigrations()}});
    ASSERT_TRUE(applied.ok()) << applied.status();

    reader_ = MakePool(*db_, "search");
    applied = pg::ApplyMigrations(*reader_, "search", {{"inbox", &InboxMigrations()}});
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_TRUE(reader_->InTransaction([](pqxx::transaction_base& txn) {
                  txn.exec(
                      "CREATE TABLE applied_log (seq bigserial PRIMARY KEY, event_id uuid NOT NULL,"
                      " aggregate_id text, aggregate_version bigint)");
                  return absl::OkStatus();
                }).ok());

    redis_ = MakeRedis(SharedRedisPort());
    stream_ = "test.outbox." + NewUuid();
  }

  void TearDown() override {
    if (redis_) (void)redis_->Command({"DEL", stream_});
  }

  RelayOptions Relay(int batch_size = 100) const {
    RelayOptions options;
    options.stream = stream_;
    options.batch_size = batch_size;
    options.poll_interval = absl::Milliseconds(10);
    return options;
  }

  ConsumerOptions Consumer(const std::string& name = "c1") const {
    ConsumerOptions options;
    options.stream = stream_;
    options.group = kGroup;
    options.consumer_name = name;
    options.block = absl::Milliseconds(50);
    return options;
  }

  absl::Status Append(const events::v1::Event& event, bool commit = true) {
    return writer_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
      if (absl::Status s = AppendEvent(txn, event); !s.ok()) return s;
      return commit ? absl::OkStatus() : absl::AbortedError("caller rolls back");
    });
  }

  std::vector<StreamEntry> StreamEntries(redis::RedisClient& client) {
    absl::StatusOr<redis::RedisReply> reply = client.Command({"XRANGE", stream_, "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return {};
    absl::StatusOr<std::vector<StreamEntry>> entries = ParseEntryList(*reply);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *entries : std::vector<StreamEntry>();
  }
  std::vector<StreamEntry> StreamEntries() { return StreamEntries(*redis_); }

  int64_t PendingCount() {
    absl::StatusOr<redis::RedisReply> reply = redis_->Command({"XPENDING", stream_, kGroup});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok() || reply->elements.empty()) return -1;
    return reply->elements[0].integer;
  }

  int64_t ReaderCount(const std::string& sql) {
    absl::StatusOr<int64_t> n = pg::InTransaction<int64_t>(
        *reader_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
          return txn.exec(sql)[0][0].as<int64_t>();
        });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }
  int64_t Applications(const std::string& event_id) {
    return ReaderCount(
        absl::StrCat("SELECT count(*) FROM applied_log WHERE event_id = '", event_id, "'"));
  }
  int64_t ProcessedRows(const std::string& event_id) {
    return ReaderCount(
        absl::StrCat("SELECT count(*) FROM processed_events WHERE event_id = '", event_id, "'"));
  }

  // Polls until a poll applies nothing; returns the total applied.
  int Drain(StreamConsumer& consumer) {
    int total = 0;
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<int> n = consumer.PollOnce();
      EXPECT_TRUE(n.ok()) << n.status();
      if (!n.ok() || *n == 0) break;
      total += *n;
    }
    return total;
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<pg::Pool> writer_;
  std::unique_ptr<pg::Pool> reader_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::string stream_;
};

// Waits for a forked child; true when it died of SIGKILL.
bool KilledBySigkill(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return false;
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

TEST_F(OutboxTest, AppendRejectsEventWithoutUuidOrPayload) {
  events::v1::Event bad_id = MakeEvent("a1", 1);
  bad_id.set_event_id("42");
  EXPECT_EQ(Append(bad_id).code(), absl::StatusCode::kInvalidArgument);

  events::v1::Event no_payload = MakeEvent("a1", 1);
  no_payload.clear_payload();
  EXPECT_EQ(Append(no_payload).code(), absl::StatusCode::kInvalidArgument);

  events::v1::Event ok = MakeEvent("a1", 1);
  ASSERT_TRUE(Append(ok).ok());
  EXPECT_EQ(Append(ok).code(), absl::StatusCode::kAlreadyExists);

  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 1);
}

TEST_F(OutboxTest, CommittedEventIsRelayedAndAppliedOnceRolledBackNeverAppears) {
  const events::v1::Event committed = MakeEvent(NewUuid(), 1);
  const events::v1::Event rolled_back = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(committed).ok());
  EXPECT_EQ(Append(rolled_back, /*commit=*/false).code(), absl::StatusCode::kAborted);

  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 1);
  EXPECT_EQ(relay.RelayOnce().value_or(-1), 1);
  EXPECT_EQ(relay.RelayOnce().value_or(-1), 0);
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 0);

  const std::vector<StreamEntry> entries = StreamEntries();
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_NE(entries[0].Field("event_id"), nullptr);
  EXPECT_EQ(*entries[0].Field("event_id"), committed.event_id());
  EXPECT_EQ(*entries[0].Field("event_type"), "account_verified");
  EXPECT_EQ(*entries[0].Field("aggregate_id"), committed.aggregate_id());
  EXPECT_EQ(*entries[0].Field("aggregate_version"), "1");
  events::v1::Event decoded;
  ASSERT_TRUE(decoded.ParseFromString(*entries[0].Field("payload")));
  EXPECT_EQ(decoded.account_verified().family_name(), "Curie");

  std::vector<std::string> handled;
  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(),
                          [&](pqxx::transaction_base& txn, const events::v1::Event& event) {
                            handled.push_back(event.event_id());
                            return RecordApplication(txn, event);
                          });
  EXPECT_EQ(Drain(consumer), 1);
  EXPECT_THAT(handled, ::testing::ElementsAre(committed.event_id()));
  EXPECT_EQ(Applications(committed.event_id()), 1);
  EXPECT_EQ(Applications(rolled_back.event_id()), 0);
  EXPECT_EQ(ProcessedRows(committed.event_id()), 1);
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(OutboxTest, RelayKilledBetweenPublishAndMarkSentRepublishesAndConsumerAppliesOnce) {
  const events::v1::Event event = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(event).ok());

  const std::string url = db_->Url("identity");
  const int redis_port = SharedRedisPort();
  const RelayOptions relay_options = Relay();
  const pid_t pid = ::fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    // Child: its own connections, as a separate relay process would have.
    pg::PoolOptions options;
    options.url = url;
    options.schema = "identity";
    std::unique_ptr<pg::Pool> pool = pg::Pool::Create(options);
    std::unique_ptr<redis::RedisClient> redis = MakeRedis(redis_port);
    OutboxRelay relay(pool.get(), redis.get(), relay_options);
    relay.SetAfterPublishHookForTesting([] { ::raise(SIGKILL); });
    (void)relay.RelayOnce();
    ::_exit(3);  // reached only if the hook did not run
  }
  ASSERT_TRUE(KilledBySigkill(pid));

  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 1) << "the kill came before the mark-sent commit";
  ASSERT_EQ(StreamEntries().size(), 1u) << "the XADD happened before the kill";

  // The killed relay's PostgreSQL backend keeps its advisory lock until the server notices the
  // closed socket, and a relay that cannot take the lock relays nothing: retry until it can.
  int relayed = 0;
  for (absl::Time deadline = absl::Now() + absl::Seconds(10); relayed == 0 && absl::Now() < deadline;) {
    relayed = relay.RelayOnce().value_or(-1);
    if (relayed == 0) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(relayed, 1);
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 0);
  const std::vector<StreamEntry> entries = StreamEntries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(*entries[0].Field("event_id"), event.event_id());
  EXPECT_EQ(*entries[1].Field("event_id"), event.event_id());

  int handler_calls = 0;
  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(),
                          [&](pqxx::transaction_base& txn, const events::v1::Event& e) {
                            ++handler_calls;
                            return RecordApplication(txn, e);
                          });
  EXPECT_EQ(Drain(consumer), 1);
  EXPECT_EQ(handler_calls, 1);
  EXPECT_EQ(Applications(event.event_id()), 1);
  EXPECT_EQ(ProcessedRows(event.event_id()), 1);
  EXPECT_EQ(PendingCount(), 0) << "the duplicate is acknowledged too";
}

TEST_F(OutboxTest, ConsumerKilledAfterCommitBeforeAckDoesNotReapplyOnRestart) {
  const events::v1::Event event = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(event).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 1);

  const std::string url = db_->Url("search");
  const int redis_port = SharedRedisPort();
  const ConsumerOptions consumer_options = Consumer("worker-1");
  const pid_t pid = ::fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    pg::PoolOptions options;
    options.url = url;
    options.schema = "search";
    std::unique_ptr<pg::Pool> pool = pg::Pool::Create(options);
    std::unique_ptr<redis::RedisClient> redis = MakeRedis(redis_port);
    StreamConsumer consumer(pool.get(), redis.get(), consumer_options, RecordApplication);
    consumer.SetAfterCommitHookForTesting([] { ::raise(SIGKILL); });
    (void)consumer.PollOnce();
    ::_exit(3);
  }
  ASSERT_TRUE(KilledBySigkill(pid));
  EXPECT_EQ(Applications(event.event_id()), 1) << "the child committed before dying";
  EXPECT_EQ(PendingCount(), 1) << "but did not acknowledge";

  // The restarted instance (same consumer name) finds the entry in its pending list.
  int handler_calls = 0;
  StreamConsumer restarted(reader_.get(), redis_.get(), consumer_options,
                           [&](pqxx::transaction_base& txn, const events::v1::Event& e) {
                             ++handler_calls;
                             return RecordApplication(txn, e);
                           });
  absl::StatusOr<int> applied = restarted.PollOnce();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(handler_calls, 0);
  EXPECT_EQ(Applications(event.event_id()), 1);
  EXPECT_EQ(ProcessedRows(event.event_id()), 1);
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(OutboxTest, PerAggregateOrderIsPreservedWithConcurrentRelays) {
  constexpr int kVersions = 60;
  const std::string a = NewUuid();
  const std::string b = NewUuid();
  for (int v = 1; v <= kVersions; ++v) {
    ASSERT_TRUE(Append(MakeEvent(a, v)).ok());
    ASSERT_TRUE(Append(MakeEvent(b, v)).ok());
  }

  // Two relays, each with its own connections, racing in small batches: the advisory lock
  // must keep them from publishing the same rows or interleaving out of order.
  auto run_relay = [&] {
    std::unique_ptr<pg::Pool> pool = MakePool(*db_, "identity");
    std::unique_ptr<redis::RedisClient> redis = MakeRedis(SharedRedisPort());
    OutboxRelay relay(pool.get(), redis.get(), Relay(/*batch_size=*/7));
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline && relay.UnsentCount().value_or(-1) != 0) {
      absl::StatusOr<int> n = relay.RelayOnce();
      EXPECT_TRUE(n.ok()) << n.status();
    }
  };
  std::thread t1(run_relay);
  std::thread t2(run_relay);
  t1.join();
  t2.join();

  const std::vector<StreamEntry> entries = StreamEntries();
  ASSERT_EQ(entries.size(), 2u * kVersions) << "each row published exactly once";
  std::vector<int64_t> versions_a, versions_b;
  for (const StreamEntry& e : entries) {
    events::v1::Event event;
    ASSERT_TRUE(event.ParseFromString(*e.Field("payload")));
    (event.aggregate_id() == a ? versions_a : versions_b).push_back(event.aggregate_version());
  }
  std::vector<int64_t> expected;
  for (int v = 1; v <= kVersions; ++v) expected.push_back(v);
  EXPECT_EQ(versions_a, expected);
  EXPECT_EQ(versions_b, expected);

  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(), RecordApplication);
  EXPECT_EQ(Drain(consumer), 2 * kVersions);
  std::vector<int64_t> applied_a;
  ASSERT_TRUE(reader_->InTransaction([&](pqxx::transaction_base& txn) {
                for (const pqxx::row& r : txn.exec_params(
                         "SELECT aggregate_version FROM applied_log WHERE aggregate_id = $1"
                         " ORDER BY seq",
                         a)) {
                  applied_a.push_back(r[0].as<int64_t>());
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(applied_a, expected);
}

TEST_F(OutboxTest, HandlerErrorLeavesEventPendingAndLaterPollAppliesIt) {
  const events::v1::Event event = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(event).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 1);

  int calls = 0;
  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(),
                          [&](pqxx::transaction_base& txn, const events::v1::Event& e) {
                            // Writes, then fails: the write must be rolled back with it.
                            absl::Status s = RecordApplication(txn, e);
                            if (++calls == 1) return absl::InternalError("index not ready");
                            return s;
                          });
  absl::StatusOr<int> first = consumer.PollOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(PendingCount(), 1);
  EXPECT_EQ(Applications(event.event_id()), 0);
  EXPECT_EQ(ProcessedRows(event.event_id()), 0);

  absl::StatusOr<int> second = consumer.PollOnce();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 1);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(PendingCount(), 0);
  EXPECT_EQ(Applications(event.event_id()), 1);
}

// A handler that refuses an event for good (here ALREADY_EXISTS, as a unique violation maps):
// retrying would fail forever, so the event goes to dead_events, the entry is acknowledged,
// and the handler is not called again; its writes were rolled back.
TEST_F(OutboxTest, PermanentHandlerErrorRecordsTheEventAsDeadAndStopsRetrying) {
  const events::v1::Event dead = MakeEvent(NewUuid(), 1);
  const events::v1::Event fine = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(dead).ok());
  ASSERT_TRUE(Append(fine).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 2);

  int calls_for_dead = 0;
  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(),
                          [&](pqxx::transaction_base& txn, const events::v1::Event& e) {
                            absl::Status s = RecordApplication(txn, e);
                            if (e.event_id() == dead.event_id()) {
                              ++calls_for_dead;
                              return absl::AlreadyExistsError("duplicate key value violates unique constraint");
                            }
                            return s;
                          });
  EXPECT_EQ(Drain(consumer), 1);
  EXPECT_EQ(Drain(consumer), 0);
  EXPECT_EQ(calls_for_dead, 1) << "a permanently refused event was retried";
  EXPECT_EQ(consumer.dead_count(), 1);
  EXPECT_EQ(PendingCount(), 0);
  EXPECT_EQ(Applications(dead.event_id()), 0);
  EXPECT_EQ(Applications(fine.event_id()), 1);
  EXPECT_EQ(ProcessedRows(dead.event_id()), 1);
  EXPECT_EQ(ReaderCount(absl::StrCat("SELECT count(*) FROM dead_events WHERE event_id = '", dead.event_id(),
                                     "' AND code = 'ALREADY_EXISTS' AND entry_id <> ''")),
            1);
}

// A BatchHandler applies what one read returns in one transaction and acknowledges it with
// one XACK; a failing event sends the batch one by one, where it fails alone (dead, here)
// and every other event is applied exactly once; a duplicate entry is applied once.
TEST_F(OutboxTest, BatchHandlerAppliesAReadInOneTransactionAndFallsBackOneByOne) {
  std::vector<events::v1::Event> events;
  for (int i = 0; i < 6; ++i) events.push_back(MakeEvent(NewUuid(), 1));
  for (const auto& e : events) ASSERT_TRUE(Append(e).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 6);
  // The relay republished the first one (a crash between publish and mark-sent).
  ASSERT_TRUE(redis_->Command({"XADD", stream_, "*", "event_id", events[0].event_id(), "payload",
                               events[0].SerializeAsString()}).ok());
  std::string dead_id;  // set below for the second round
  int batches = 0, batch_sizes = 0;
  const auto batch = [&](pqxx::transaction_base& txn,
                         const std::vector<const events::v1::Event*>& batch_events) {
    ++batches;
    batch_sizes += static_cast<int>(batch_events.size());
    for (const events::v1::Event* e : batch_events) {
      if (e->event_id() == dead_id) return absl::InvalidArgumentError("refused");
      if (absl::Status s = RecordApplication(txn, *e); !s.ok()) return s;
    }
    return absl::OkStatus();
  };
  const auto one = [&](pqxx::transaction_base& txn, const events::v1::Event& e) {
    if (e.event_id() == dead_id) return absl::InvalidArgumentError("refused");
    return RecordApplication(txn, e);
  };
  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(), one, batch);
  EXPECT_EQ(Drain(consumer), 6);
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(batch_sizes, 6) << "the repeated entry is left out of the batch";
  EXPECT_EQ(PendingCount(), 0);
  for (const auto& e : events) EXPECT_EQ(Applications(e.event_id()), 1);

  // Second round: one event of four is refused for good.
  std::vector<events::v1::Event> more;
  for (int i = 0; i < 4; ++i) more.push_back(MakeEvent(NewUuid(), 2));
  dead_id = more[2].event_id();
  for (const auto& e : more) ASSERT_TRUE(Append(e).ok());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 4);
  EXPECT_EQ(Drain(consumer), 3);
  EXPECT_EQ(consumer.dead_count(), 1);
  EXPECT_EQ(PendingCount(), 0);
  for (const auto& e : more) {
    EXPECT_EQ(Applications(e.event_id()), e.event_id() == dead_id ? 0 : 1);
    EXPECT_EQ(ProcessedRows(e.event_id()), 1);
  }
}

// Killed after a batch committed and before its XACK: the restarted instance skips every
// event of the batch (applied once) and acknowledges them.
TEST_F(OutboxTest, BatchConsumerKilledAfterCommitBeforeAckDoesNotReapplyOnRestart) {
  std::vector<events::v1::Event> events;
  for (int i = 0; i < 5; ++i) events.push_back(MakeEvent(NewUuid(), 1));
  for (const auto& e : events) ASSERT_TRUE(Append(e).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 5);
  const auto batch = [](pqxx::transaction_base& txn,
                        const std::vector<const events::v1::Event*>& batch_events) {
    for (const events::v1::Event* e : batch_events) {
      if (absl::Status s = RecordApplication(txn, *e); !s.ok()) return s;
    }
    return absl::OkStatus();
  };

  const std::string url = db_->Url("search");
  const int redis_port = SharedRedisPort();
  const ConsumerOptions consumer_options = Consumer("worker-1");
  const pid_t pid = ::fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    pg::PoolOptions options;
    options.url = url;
    options.schema = "search";
    std::unique_ptr<pg::Pool> pool = pg::Pool::Create(options);
    std::unique_ptr<redis::RedisClient> redis = MakeRedis(redis_port);
    StreamConsumer consumer(pool.get(), redis.get(), consumer_options, RecordApplication, batch);
    consumer.SetAfterCommitHookForTesting([] { ::raise(SIGKILL); });
    (void)consumer.PollOnce();
    ::_exit(3);
  }
  ASSERT_TRUE(KilledBySigkill(pid));
  for (const auto& e : events) EXPECT_EQ(Applications(e.event_id()), 1);
  EXPECT_EQ(PendingCount(), 5) << "committed, not acknowledged";

  int calls = 0;
  StreamConsumer restarted(
      reader_.get(), redis_.get(), consumer_options, RecordApplication,
      [&](pqxx::transaction_base& txn, const std::vector<const events::v1::Event*>& b) {
        calls += static_cast<int>(b.size());
        return batch(txn, b);
      });
  absl::StatusOr<int> applied = restarted.PollOnce();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(PendingCount(), 0);
  for (const auto& e : events) {
    EXPECT_EQ(Applications(e.event_id()), 1);
    EXPECT_EQ(ProcessedRows(e.event_id()), 1);
  }
}

TEST_F(OutboxTest, EntriesOfADeadConsumerAreClaimedAfterMinIdle) {
  const events::v1::Event event = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(event).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 1);

  // "dead" takes delivery and fails, then never polls again.
  StreamConsumer dead(reader_.get(), redis_.get(), Consumer("dead"),
                      [](pqxx::transaction_base&, const events::v1::Event&) {
                        return absl::InternalError("dies");
                      });
  ASSERT_EQ(dead.PollOnce().value_or(-1), 0);
  ASSERT_EQ(PendingCount(), 1);

  ConsumerOptions options = Consumer("alive");
  options.claim_min_idle = absl::Milliseconds(200);
  StreamConsumer alive(reader_.get(), redis_.get(), options, RecordApplication);
  EXPECT_EQ(alive.PollOnce().value_or(-1), 0) << "not idle long enough to be claimed yet";
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(alive.PollOnce().value_or(-1), 1);
  EXPECT_EQ(Applications(event.event_id()), 1);
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(OutboxTest, UnparseablePayloadIsAcknowledgedAsPoisonAndDoesNotBlockTheStream) {
  ASSERT_TRUE(redis_->Command({"XADD", stream_, "*", "event_id", "not-a-uuid", "payload",
                               std::string("\xff\xff\xff garbage", 12)})
                  .ok());
  const events::v1::Event good = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(good).ok());
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  ASSERT_EQ(relay.RelayOnce().value_or(-1), 1);

  StreamConsumer consumer(reader_.get(), redis_.get(), Consumer(), RecordApplication);
  EXPECT_EQ(Drain(consumer), 1);
  EXPECT_EQ(consumer.poison_count(), 1);
  EXPECT_EQ(Applications(good.event_id()), 1);
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(OutboxTest, RelayWithRedisDownFailsCleanlyAndDeliversAfterRestart) {
  absl::StatusOr<std::unique_ptr<LocalRedis>> local = LocalRedis::Create();
  ASSERT_TRUE(local.ok()) << local.status();
  std::unique_ptr<redis::RedisClient> client = MakeRedis((*local)->port());
  OutboxRelay relay(writer_.get(), client.get(), Relay());
  StreamConsumer consumer(reader_.get(), client.get(), Consumer(), RecordApplication);
  ASSERT_TRUE(consumer.PollOnce().ok()) << "group created while Redis is up";

  const events::v1::Event event = MakeEvent(NewUuid(), 1);
  ASSERT_TRUE(Append(event).ok());
  (*local)->Kill();

  absl::StatusOr<int> sent = relay.RelayOnce();
  EXPECT_FALSE(sent.ok());
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 1);
  EXPECT_FALSE(consumer.PollOnce().ok());

  ASSERT_TRUE((*local)->Start().ok());
  // Redis restarted empty (no persistence); the client reconnects on a later command.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    sent = relay.RelayOnce();
    if (sent.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 0);
  const std::vector<StreamEntry> entries = StreamEntries(*client);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(*entries[0].Field("event_id"), event.event_id());

  // The consumer group was lost with Redis' data; the consumer recreates it and catches up.
  int applied = 0;
  for (int i = 0; i < 20 && applied == 0; ++i) {
    absl::StatusOr<int> n = consumer.PollOnce();
    if (n.ok()) applied += *n;
  }
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(Applications(event.event_id()), 1);
  (*local)->Kill();
}

TEST_F(OutboxTest, BackgroundLoopsDeliverUntilStopped) {
  OutboxRelay relay(writer_.get(), redis_.get(), Relay());
  std::unique_ptr<redis::RedisClient> consumer_redis = MakeRedis(SharedRedisPort());
  StreamConsumer consumer(reader_.get(), consumer_redis.get(), Consumer(), RecordApplication);
  relay.Start();
  consumer.Start();

  std::vector<std::string> ids;
  for (int v = 1; v <= 5; ++v) {
    events::v1::Event event = MakeEvent(NewUuid(), v);
    ids.push_back(event.event_id());
    ASSERT_TRUE(Append(event).ok());
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline && ReaderCount("SELECT count(*) FROM applied_log") < 5) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  relay.Stop();
  consumer.Stop();
  for (const std::string& id : ids) EXPECT_EQ(Applications(id), 1);
  EXPECT_EQ(relay.UnsentCount().value_or(-1), 0);
}

}  // namespace
}  // namespace meltingdoc::outbox
