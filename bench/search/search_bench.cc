// search_bench: the search index at scale (issue #6 item 7), each figure next to the
// equivalent hand-written SQL on the same data in the same run.
//
//   build/bench/search/search_bench --doctors=200000 --cases=1000000 --data_dir=DIR
//
// 1. Data (bench/search/corpus.h). Doctors and private-group memberships go through the
//    indexer's own code (ApplyEvent, 25 events per transaction: every event updates the
//    lexicon rows of the common words, and in a long transaction each update walks all the
//    row versions made before it). Cases go in bulk: rows built
//    in C++ the way ApplyCaseChanged / ApplyReplyChanged / ApplyCaseDeleted would store them,
//    COPY to a staging table, one INSERT ... SELECT per 20,000 cases computing the tsvector with
//    the same expression as the store; the case lexicon is then counted in one statement.
//    Before that, 300 cases are written both ways in one rolled-back transaction and must give
//    identical rows (document, words, replies text, tags, flags), so the bulk path cannot drift
//    from the store unnoticed. With --data_dir the cluster is kept there and generation resumes
//    where it stopped (progress in table bench_progress); a later run reuses the data.
// 2. Indexing: events/s one transaction per event through ApplyEvent (the consumer's unit of
//    work without Redis), and end to end through Redis Streams and the Indexer's consumers.
// 3. Queries, one client, each call of the store (what a handler runs) followed by the
//    hand-written SQL of the same question, so that both see the same machine state:
//    p50/p99 of each and the ratio of means (= the inverse throughput ratio).
// 4. Write-to-searchable lag under a steady write load (profile updates and case edits
//    published to Redis at --lag_rate events/s): the indexed row's indexed_at (set by the
//    indexing statement, just before commit) minus the event's occurrence time.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/search/corpus.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/clock.h"
#include "libs/outbox/event_codec.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/pg/migrations.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "services/search/indexer.h"
#include "services/search/memory_search_store.h"
#include "services/search/pg_index_store.h"
#include "services/search/pg_search_store.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/subprocess.h"

ABSL_FLAG(int, doctors, 20000, "Doctors to generate.");
ABSL_FLAG(int, cases, 20000, "Cases to generate (0 skips SearchCases).");
ABSL_FLAG(std::string, data_dir, "",
          "Keep the PostgreSQL cluster (and the generated data) in this directory and reuse it; "
          "empty: a throwaway cluster.");
ABSL_FLAG(std::string, pg_options, "-c shared_buffers=1GB -c work_mem=16MB",
          "Server options of the bench's PostgreSQL.");
ABSL_FLAG(int, runs, 200, "Measured calls per query shape (after --warmup calls).");
ABSL_FLAG(int, warmup, 20, "Unmeasured calls per query shape first.");
ABSL_FLAG(double, row_seconds, 30,
          "A row stops after this long (warm-up included), with at least 5 measured calls: "
          "the hand-written ranking of a common word over 1 million cases takes seconds.");
ABSL_FLAG(int, timed_index_events, 1000, "Events indexed one transaction each, timed.");
ABSL_FLAG(int, stream_events, 1000, "Events indexed end to end through Redis, timed.");
ABSL_FLAG(int, lag_rate, 100, "Events/s published during the lag measurement.");
ABSL_FLAG(double, lag_seconds, 20, "Duration of the lag measurement (0 skips it).");
ABSL_FLAG(bool, lag_batches, true,
          "The lag measurement's Indexer applies what a read returns in one transaction "
          "(false: one transaction per event, as before batches).");
ABSL_FLAG(bool, explain, false, "Print EXPLAIN ANALYZE of each raw query once.");
ABSL_FLAG(std::string, only, "",
          "Run only the query rows whose name contains one of these (comma-separated).");
ABSL_FLAG(int, unbounded_runs, 5,
          "Calls of SearchCases without the window of newest cases (ranked_candidates = "
          "infinity: every match ranked, as before the window) per case shape; 0 skips.");

const std::vector<meltingdoc::pg::Migration>& SearchMigrations();

namespace meltingdoc::search {
namespace {

using events::v1::Event;
using google::protobuf::util::TimeUtil;
namespace b = bench;

constexpr int kDoctorChunk = 25;
constexpr int kCaseChunk = 20000;

// Stopped on a fatal error too: a kept cluster (--data_dir) must not outlive the bench.
std::unique_ptr<testing::LocalPostgres>* g_postgres = nullptr;

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    if (g_postgres != nullptr) g_postgres->reset();
    std::exit(1);
  }
}

std::string Uptime() {
  testing::CommandResult r = testing::RunCommand("uptime");
  std::string s = r.output;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string Rfc3339(const google::protobuf::Timestamp& t) { return TimeUtil::ToString(t); }

std::string ArrayLiteral(const std::vector<std::string>& v) {
  // Generated words and tags are [a-z0-9-]: no quoting needed.
  return absl::StrCat("{", absl::StrJoin(v, ","), "}");
}

// ------------------------------------------------------------------ bulk cases

// Rows of one case as the store would leave them after its events.
void StageCase(const b::GeneratedCase& g, std::vector<std::tuple<std::string, int64_t, bool, bool,
                   std::string, bool, std::string, std::string, std::string, std::string, bool,
                   int, std::string, std::string, std::string, std::string>>& cases,
               std::vector<std::tuple<std::string, std::string, int64_t, bool, bool, std::string,
                                      std::string, std::string>>& replies) {
  const events::v1::CaseChanged& cc = g.case_event.case_changed();
  std::vector<std::string> parts;
  for (const std::string* part :
       {&cc.context(), &cc.examination(), &cc.investigations(), &cc.question()}) {
    if (!part->empty()) parts.push_back(*part);
  }
  const std::string body = absl::StrJoin(parts, "\n\n");
  std::vector<std::string> tags(cc.competence_tags().begin(), cc.competence_tags().end());
  tags.insert(tags.end(), cc.specialty_codes().begin(), cc.specialty_codes().end());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  std::vector<std::string> visible;
  for (const Event& r : g.reply_events) {
    const events::v1::ReplyChanged& rc = r.reply_changed();
    if (!rc.hidden() && !g.deleted) visible.push_back(rc.text());
    replies.emplace_back(rc.reply_id(), rc.case_id(), r.aggregate_version(), rc.hidden(),
                         g.deleted, g.deleted ? "" : rc.text(),
                         ArrayLiteral(g.deleted ? std::vector<std::string>{}
                                                : LexiconWords({rc.text()})),
                         Rfc3339(rc.create_time()));
  }
  const int64_t version = g.case_event.aggregate_version() + (g.deleted ? 1 : 0);
  cases.emplace_back(
      cc.case_id(), version, g.deleted, cc.hidden(), cc.space_id(), cc.private_group(),
      g.deleted ? "" : cc.title(), g.deleted ? "" : body,
      g.deleted ? "" : absl::StrJoin(visible, "\n"),
      ArrayLiteral(g.deleted ? std::vector<std::string>{} : tags), cc.resolved(),
      cc.reply_count(), Rfc3339(cc.create_time()), Rfc3339(cc.last_activity_time()),
      ArrayLiteral(g.deleted ? std::vector<std::string>{} : LexiconWords({cc.title(), body})),
      Rfc3339(g.case_event.occur_time()));
}

void BulkInsertCases(pqxx::transaction_base& txn, const std::vector<b::GeneratedCase>& batch) {
  std::vector<std::tuple<std::string, int64_t, bool, bool, std::string, bool, std::string,
                         std::string, std::string, std::string, bool, int, std::string,
                         std::string, std::string, std::string>>
      cases;
  std::vector<std::tuple<std::string, std::string, int64_t, bool, bool, std::string, std::string,
                         std::string>>
      replies;
  for (const b::GeneratedCase& g : batch) StageCase(g, cases, replies);
  txn.exec("CREATE TEMP TABLE IF NOT EXISTS stage_cases (LIKE cases INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
  txn.exec("TRUNCATE stage_cases");
  {
    pqxx::stream_to s(txn, "stage_cases",
                      std::vector<std::string>{"case_id", "version", "deleted", "hidden",
                                               "space_id", "private_group", "title", "body",
                                               "replies_text", "tags", "resolved", "reply_count",
                                               "create_time", "last_activity_time", "words",
                                               "occur_time"});
    for (const auto& row : cases) s << row;
    s.complete();
  }
  // The document as RefreshCaseDocument computes it; a tombstone has none.
  txn.exec(
      "INSERT INTO cases (case_id, version, deleted, hidden, space_id, private_group, title, "
      "body, replies_text, tags, resolved, reply_count, create_time, last_activity_time, words, "
      "document, occur_time, indexed_at) SELECT case_id, version, deleted, hidden, space_id, "
      "private_group, title, body, replies_text, tags, resolved, reply_count, create_time, "
      "last_activity_time, words, CASE WHEN deleted THEN ''::tsvector ELSE "
      "setweight(to_tsvector('fr', title), 'A') || setweight(to_tsvector('fr', body), 'B') || "
      "setweight(to_tsvector('fr', replies_text), 'C') END, occur_time, clock_timestamp() "
      "FROM stage_cases");
  if (!replies.empty()) {
    pqxx::stream_to s(txn, "replies",
                      std::vector<std::string>{"reply_id", "case_id", "version", "hidden",
                                               "deleted", "text", "words", "create_time"});
    for (const auto& row : replies) s << row;
    s.complete();
  }
}

// Writes the same cases both ways in one transaction that is rolled back, and compares.
void ValidateBulkPath(pg::Pool& pool) {
  std::vector<b::GeneratedCase> bulk, applied;
  int deleted = 0, with_reply = 0, hidden = 0;
  for (int k = 0; k < 300; ++k) {
    const int64_t i = 50'000'000 + k;
    b::GeneratedCase g = b::MakeCase(i, 1);
    // Make sure every kind of case is exercised.
    if (k % 50 == 1) g.deleted = true;
    if (k % 60 == 2) g.case_event.mutable_case_changed()->set_hidden(true);
    deleted += g.deleted;
    hidden += g.case_event.case_changed().hidden();
    with_reply += !g.reply_events.empty();
    bulk.push_back(g);
    // The twin: same content under other ids.
    const std::string twin = b::CaseId(i + 10'000'000);
    g.case_event.set_aggregate_id(twin);
    g.case_event.mutable_case_changed()->set_case_id(twin);
    for (Event& r : g.reply_events) {
      r.set_aggregate_id(b::ReplyId(i + 10'000'000));
      r.mutable_reply_changed()->set_reply_id(b::ReplyId(i + 10'000'000));
      r.mutable_reply_changed()->set_case_id(twin);
    }
    applied.push_back(std::move(g));
  }
  const absl::Status s = pool.InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    BulkInsertCases(txn, bulk);
    for (const b::GeneratedCase& g : applied) {
      std::vector<Event> events = {g.case_event};
      events.insert(events.end(), g.reply_events.begin(), g.reply_events.end());
      if (g.deleted) {
        Event d;
        d.set_event_id(g.case_event.event_id());
        d.set_aggregate_type("case");
        d.set_aggregate_id(g.case_event.aggregate_id());
        d.set_aggregate_version(2);
        *d.mutable_occur_time() = g.case_event.occur_time();
        d.mutable_case_deleted()->set_case_id(g.case_event.aggregate_id());
        events.push_back(d);
      }
      for (const Event& e : events) {
        absl::StatusOr<ApplyResult> r = ApplyEvent(txn, e);
        if (!r.ok()) return r.status();
      }
    }
    // Pairs: case i and its twin i + 10,000,000 (ids differ only in their last 12 digits).
    int mismatched = 0;
    for (int k = 0; k < 300; ++k) {
      const int64_t i = 50'000'000 + k;
      const pqxx::row r = txn.exec1(absl::StrFormat(
          "SELECT (a.document::text = b.document::text AND a.words = b.words AND a.replies_text "
          "= b.replies_text AND a.tags = b.tags AND a.title = b.title AND a.body = b.body AND "
          "a.deleted = b.deleted AND a.hidden = b.hidden AND a.private_group = b.private_group "
          "AND a.version = b.version AND a.create_time IS NOT DISTINCT FROM b.create_time AND "
          "a.reply_count = b.reply_count AND a.space_id = b.space_id AND a.resolved = "
          "b.resolved) AND coalesce((SELECT bool_and(ra.text = rb.text AND ra.words = rb.words "
          "AND ra.hidden = rb.hidden AND ra.deleted = rb.deleted) FROM replies ra JOIN replies "
          "rb ON rb.case_id = b.case_id WHERE ra.case_id = a.case_id), true) "
          "FROM cases a, cases b WHERE a.case_id = '%s' AND b.case_id = '%s'",
          b::CaseId(i), b::CaseId(i + 10'000'000)));
      if (!r[0].as<bool>()) {
        if (mismatched++ == 0) std::fprintf(stderr, "bulk path differs from ApplyEvent for case %s\n", b::CaseId(i).c_str());
      }
    }
    if (mismatched > 0) return absl::InternalError(absl::StrCat(mismatched, " of 300 cases differ"));
    return absl::AbortedError("rolled back on purpose");
  });
  if (!absl::IsAborted(s)) Check(s, "bulk path validation");
  std::printf("bulk path: 300 cases (%d deleted, %d hidden, %d with a reply) identical to "
              "ApplyEvent's rows\n", deleted, hidden, with_reply);
}

// ------------------------------------------------------------------ generation

int64_t Progress(pg::Pool& pool, const std::string& what) {
  int64_t done = 0;
  Check(pool.InTransaction([&](pqxx::transaction_base& txn) {
          txn.exec("CREATE TABLE IF NOT EXISTS bench_progress (what text PRIMARY KEY, done int8)");
          const pqxx::result r =
              txn.exec_params("SELECT done FROM bench_progress WHERE what = $1", what);
          if (!r.empty()) done = r[0][0].as<int64_t>();
          return absl::OkStatus();
        }),
        "progress");
  return done;
}

void SetProgress(pqxx::transaction_base& txn, const std::string& what, int64_t done) {
  txn.exec_params(
      "INSERT INTO bench_progress VALUES ($1, $2) ON CONFLICT (what) DO UPDATE SET done = $2",
      what, done);
}

void GenerateCases(pg::Pool& pool, int n_cases, std::atomic<bool>& changed_cases) {
  int64_t done = Progress(pool, "cases");
  if (done > n_cases) {
    std::fprintf(stderr, "the data dir holds %lld cases, more than --cases\n",
                 static_cast<long long>(done));
    std::exit(1);
  }
  if (done < n_cases) {
    changed_cases = true;
    const absl::Time t0 = absl::Now();
    const int64_t from = done;
    while (done < n_cases) {
      const int64_t to = std::min<int64_t>(n_cases, done + kCaseChunk);
      std::vector<b::GeneratedCase> batch;
      for (int64_t i = done; i < to; ++i) batch.push_back(b::MakeCase(i, 1));
      Check(pool.InTransaction([&](pqxx::transaction_base& txn) {
              BulkInsertCases(txn, batch);
              SetProgress(txn, "cases", to);
              SetProgress(txn, "lexicon", 0);
              return absl::OkStatus();
            }),
            "cases");
      done = to;
      std::printf("cases: %lld (%.0f cases/s in bulk)\n", static_cast<long long>(done),
                  (done - from) / absl::ToDoubleSeconds(absl::Now() - t0));
      std::fflush(stdout);
    }
  }
}

void Generate(pg::Pool& pool, int n_doctors, int n_cases) {
  std::atomic<bool> changed{false};
  if (Progress(pool, "members") == 0) {
    Check(pool.InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
            for (const Event& e : b::MembershipEvents()) {
              absl::StatusOr<ApplyResult> r = ApplyEvent(txn, e);
              if (!r.ok()) return r.status();
            }
            SetProgress(txn, "members", 1);
            return absl::OkStatus();
          }),
          "memberships");
  }
  if (n_cases > 0 && Progress(pool, "cases") == 0) ValidateBulkPath(pool);
  // Cases first, then doctors: a long bulk transaction would hold back the horizon under
  // which the doctors' lexicon updates can be pruned (each doctor event updates the same
  // common words' rows, whose version chains then grow without bound).
  GenerateCases(pool, n_cases, changed);
  int64_t done = Progress(pool, "doctors");
  if (done > n_doctors) {
    std::fprintf(stderr, "the data dir holds %lld doctors, more than --doctors\n",
                 static_cast<long long>(done));
    std::exit(1);
  }
  if (done < n_doctors) {
    changed = true;
    const absl::Time t0 = absl::Now();
    const int64_t from = done;
    while (done < n_doctors) {
      const int64_t to = std::min<int64_t>(n_doctors, done + kDoctorChunk);
      Check(pool.InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
              for (int64_t i = done; i < to; ++i) {
                absl::StatusOr<ApplyResult> r = ApplyEvent(txn, b::MakeDoctor(i, 1));
                if (!r.ok()) return r.status();
              }
              SetProgress(txn, "doctors", to);
              return absl::OkStatus();
            }),
            "doctors");
      done = to;
      if (done % 10000 == 0 || done == n_doctors) {
        std::printf("doctors: %lld (%.0f events/s through ApplyEvent, %d per transaction)\n",
                    static_cast<long long>(done),
                    (done - from) / absl::ToDoubleSeconds(absl::Now() - t0), kDoctorChunk);
        std::fflush(stdout);
      }
    }
  }
  if (n_cases > 0 && Progress(pool, "lexicon") == 0) {
    changed = true;
    Check(pool.InTransaction([&](pqxx::transaction_base& txn) {
            txn.exec("DELETE FROM lexicon WHERE scope = 'c'");
            txn.exec(
                "INSERT INTO lexicon (scope, word, doc_count) SELECT 'c', w, count(*) FROM "
                "(SELECT unnest(words) AS w FROM cases UNION ALL SELECT unnest(words) FROM "
                "replies) x GROUP BY w");
            SetProgress(txn, "lexicon", 1);
            return absl::OkStatus();
          }),
          "lexicon");
  }
  if (changed) {
    Check(pool.WithConnection([](pqxx::connection& c) {
            pqxx::nontransaction t(c);
            t.exec("VACUUM ANALYZE");
            return absl::OkStatus();
          }),
          "vacuum");
  }
}

// ------------------------------------------------------------------ measurement

struct Stats {
  double p50 = 0, p99 = 0, mean = 0;
  int calls = 0;
};
Stats Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)],
          sum / ms.size(), static_cast<int>(ms.size())};
}

// Alternates `ours` and `raw` so that both see the same machine state.
std::pair<Stats, Stats> MeasurePair(const std::function<void()>& ours,
                                    const std::function<void()>& raw) {
  const absl::Time stop = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_row_seconds));
  for (int i = 0; i < absl::GetFlag(FLAGS_warmup) && absl::Now() < stop; ++i) {
    ours();
    raw();
  }
  std::vector<double> a, b;
  for (int i = 0; i < absl::GetFlag(FLAGS_runs) && (i < 5 || absl::Now() < stop); ++i) {
    absl::Time t0 = absl::Now();
    ours();
    a.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    t0 = absl::Now();
    raw();
    b.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  return {Summarize(a), Summarize(b)};
}

// Alternates the in-memory store, the PostgreSQL store and the raw SQL.
std::vector<Stats> MeasureTriple(const std::function<void()>& memory,
                                 const std::function<void()>& database,
                                 const std::function<void()>& raw) {
  const absl::Time stop = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_row_seconds));
  for (int i = 0; i < absl::GetFlag(FLAGS_warmup) && absl::Now() < stop; ++i) {
    memory();
    database();
    raw();
  }
  std::vector<double> a, b, c;
  for (int i = 0; i < absl::GetFlag(FLAGS_runs) && (i < 5 || absl::Now() < stop); ++i) {
    absl::Time t0 = absl::Now();
    memory();
    a.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    t0 = absl::Now();
    database();
    b.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    t0 = absl::Now();
    raw();
    c.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  // The in-memory calls are cheap: more of them, alone, until the row's time is up.
  for (int i = static_cast<int>(a.size()); i < absl::GetFlag(FLAGS_runs); ++i) {
    const absl::Time t0 = absl::Now();
    memory();
    a.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  return {Summarize(a), Summarize(b), Summarize(c)};
}

void HeaderTriple() {
  std::printf("| %-32s | mem calls | mem p50 | mem p99 | pg calls | pg p50 | pg p99 | raw p50 | "
              "raw p99 | mem/raw | mem/pg | note\n",
              "query");
  std::printf("|%s|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
              std::string(34, '-').c_str());
}

void RowTriple(const std::string& name, const std::vector<Stats>& s, const std::string& note) {
  std::printf("| %-32s | %5d | %7.2f | %7.2f | %5d | %7.2f | %7.2f | %7.2f | %7.2f | %7.3f | "
              "%7.4f | %s\n",
              name.c_str(), s[0].calls, s[0].p50, s[0].p99, s[1].calls, s[1].p50, s[1].p99,
              s[2].p50, s[2].p99, s[0].mean / s[2].mean, s[0].mean / s[1].mean, note.c_str());
  std::fflush(stdout);
}

// Resident memory of this process, kB ("VmRSS" or "VmHWM" of /proc/self/status).
int64_t ProcStatusKb(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}

void Header() {
  std::printf("| %-36s | calls | ours p50 | ours p99 | raw p50 | raw p99 | ours/raw | note\n",
              "query");
  std::printf("|%s|---:|---:|---:|---:|---:|---:|---|\n", std::string(38, '-').c_str());
}

void Row(const std::string& name, const Stats& ours, const Stats& raw, const std::string& note) {
  std::printf("| %-36s | %5d | %8.2f | %8.2f | %7.2f | %7.2f | %8.2f | %s\n", name.c_str(),
              ours.calls, ours.p50, ours.p99, raw.p50, raw.p99, ours.mean / raw.mean,
              note.c_str());
  std::fflush(stdout);
}

bool Selected(const std::string& name) {
  const std::string only = absl::GetFlag(FLAGS_only);
  if (only.empty()) return true;
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(only, ',', absl::SkipEmpty()))) {
    if (name.find(part) != std::string::npos) return true;
  }
  return false;
}

// A hand-written query with positional text parameters.
std::function<void()> RawQuery(pg::Pool& pool, std::string sql, std::vector<std::string> params,
                               int* rows) {
  return [&pool, sql = std::move(sql), params = std::move(params), rows] {
    Check(pool.InTransaction([&](pqxx::transaction_base& txn) {
            std::vector<const char*> raw;
            for (const std::string& p : params) raw.push_back(p.c_str());
            const pqxx::result r = txn.exec_params(sql, pqxx::prepare::make_dynamic_params(raw));
            if (rows != nullptr) *rows = static_cast<int>(r.size());
            return absl::OkStatus();
          }),
          "raw");
  };
}

void Explain(pg::Pool& pool, const std::string& sql, const std::vector<std::string>& params) {
  if (!absl::GetFlag(FLAGS_explain)) return;
  Check(pool.InTransaction([&](pqxx::transaction_base& txn) {
          std::vector<const char*> raw;
          for (const std::string& p : params) raw.push_back(p.c_str());
          const pqxx::result r = txn.exec_params("EXPLAIN (ANALYZE, BUFFERS) " + sql,
                                                 pqxx::prepare::make_dynamic_params(raw));
          for (const pqxx::row& row : r) std::printf("    %s\n", row[0].c_str());
          return absl::OkStatus();
        }),
        "explain");
}

void MeasureDoctors(pg::Pool& pool, PgSearchStore& store, MemorySearchStore& memory) {
  struct Shape {
    std::string name, query;
    bool near_lyon = false;
    double radius = 0;
    std::vector<std::string> competences;
    bool facets = false;
    std::string raw_sql;
    std::vector<std::string> raw_params;
    std::string note;
  };
  // What a developer would write by hand: the tsquery once, ranked, top 20.
  const std::string kRanked =
      "SELECT d.profile_id, d.display_name FROM doctors d, to_tsquery('fr', $1) q WHERE NOT "
      "d.deleted AND d.document @@ q ORDER BY ts_rank_cd(d.document, q) DESC, d.profile_id "
      "LIMIT 20";
  const std::vector<Shape> shapes = {
      {"one word: cardiologue", "cardiologue ", false, 0, {}, false, kRanked, {"cardiologue"}, ""},
      {"two words: gynécologue lyon", "gynécologue lyon ", false, 0, {}, false, kRanked,
       {"gynecologue & lyon"}, ""},
      {"typo: gynecolgue", "gynecolgue ", false, 0, {}, false, kRanked, {"gynecologue"},
       "raw: the corrected word"},
      {"prefix: pédia", "pédia", false, 0, {}, false, kRanked, {"pedia:*"}, ""},
      {"competence + 30 km: PMA, Lyon", "PMA ", true, 30, {"gyn-fertilite"}, false,
       "SELECT d.profile_id FROM doctors d, to_tsquery('fr', $1) q WHERE NOT d.deleted AND "
       "d.document @@ q AND d.competence_keys && ARRAY['gyn-fertilite'] AND EXISTS (SELECT 1 "
       "FROM doctor_places p WHERE p.profile_id = d.profile_id AND p.latitude BETWEEN 45.49 AND "
       "46.03 AND p.longitude BETWEEN 4.45 AND 5.23 AND haversine_km(45.7597, 4.8422, "
       "p.latitude, p.longitude) <= 30) ORDER BY ts_rank_cd(d.document, q) DESC, d.profile_id "
       "LIMIT 20",
       {"pma"}, ""},
      {"facets: médecin + 3 facets", "médecin ", false, 0, {}, true,
       "WITH m AS MATERIALIZED (SELECT d.profile_id, d.specialty_code FROM doctors d, "
       "to_tsquery('fr', $1) q WHERE NOT d.deleted AND d.document @@ q) "
       "(SELECT specialty_code, count(*) FROM m GROUP BY 1 ORDER BY 2 DESC LIMIT 20) UNION ALL "
       "(SELECT c.competence_key, count(*) FROM m JOIN doctor_competences c USING (profile_id) "
       "GROUP BY 1 ORDER BY 2 DESC LIMIT 20) UNION ALL (SELECT p.commune_key, count(*) FROM m "
       "JOIN doctor_places p USING (profile_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 20)",
       {"medecin"}, "raw: the three facet GROUP BYs, no page"},
  };
  std::printf("\nSearchDoctors: in-memory index (mem, what the service runs) vs PostgreSQL "
              "store (pg, before) vs hand-written SQL (raw); ms\n\n");
  HeaderTriple();
  for (const Shape& s : shapes) {
    if (!Selected(s.name)) continue;
    DoctorQuery q;
    q.text = ParseQuery(s.query);
    if (s.near_lyon) q.origin = GeoPoint{45.7597, 4.8422};
    q.radius_km = s.radius;
    q.competence_keys = s.competences;
    q.include_facets = s.facets;
    q.limit = 20;
    int hits = 0, raw_rows = 0;
    int64_t total = -1, pg_total = -1;
    std::vector<std::string> mem_ids, pg_ids;
    const std::vector<Stats> st = MeasureTriple(
        [&] {
          absl::StatusOr<DoctorPage> page = memory.SearchDoctors(q);
          Check(page.status(), "search (memory)");
          hits = static_cast<int>(page->hits.size());
          if (s.facets) total = page->total;
          mem_ids.clear();
          for (const auto& h : page->hits) mem_ids.push_back(h.profile_id());
        },
        [&] {
          absl::StatusOr<DoctorPage> page = store.SearchDoctors(q);
          Check(page.status(), "search");
          if (s.facets) pg_total = page->total;
          pg_ids.clear();
          for (const auto& h : page->hits) pg_ids.push_back(h.profile_id());
        },
        RawQuery(pool, s.raw_sql, s.raw_params, &raw_rows));
    int common = 0;
    for (const std::string& id : mem_ids) {
      common += std::find(pg_ids.begin(), pg_ids.end(), id) != pg_ids.end() ? 1 : 0;
    }
    RowTriple(s.name, st,
              absl::StrCat(hits, " hits", total >= 0 ? absl::StrCat(" of ", total) : "",
                           mem_ids == pg_ids ? ", same page as pg"
                                             : absl::StrCat(", ", common, " in pg's page too"),
                           pg_total >= 0 && pg_total != total ? absl::StrCat(" (pg total ", pg_total, ")") : "",
                           "; raw ", raw_rows, " rows", s.note.empty() ? "" : "; ", s.note));
    Explain(pool, s.raw_sql, s.raw_params);
  }
  for (const char* prefix : {"g", "gy", "card", "pma", "mart", "saint e", "dupo"}) {
    const std::string name = absl::StrCat("Suggest \"", prefix, "\"");
    if (!Selected(name)) continue;
    int n = 0, raw_rows = 0;
    std::vector<std::string> mem_values, pg_values;
    const std::vector<Stats> st = MeasureTriple(
        [&] {
          absl::StatusOr<std::vector<v1::Suggestion>> s = memory.Suggest(prefix, 10, {});
          Check(s.status(), "suggest (memory)");
          n = static_cast<int>(s->size());
          mem_values.clear();
          for (const auto& x : *s) mem_values.push_back(x.text() + "|" + x.value());
        },
        [&] {
          absl::StatusOr<std::vector<v1::Suggestion>> s = store.Suggest(prefix, 10, {});
          Check(s.status(), "suggest");
          pg_values.clear();
          for (const auto& x : *s) pg_values.push_back(x.text() + "|" + x.value());
        },
        RawQuery(pool,
                 "SELECT label FROM suggestions WHERE key LIKE $1 || '%' ORDER BY key LIMIT 10",
                 {prefix}, &raw_rows));
    RowTriple(name, st,
              absl::StrCat(n, " suggestions", mem_values == pg_values ? ", same as pg" : ", differ from pg's",
                           "; raw: one LIKE prefix, ", raw_rows));
  }
}

void MeasureCases(pg::Pool& pool, PgSearchStore& store) {
  struct Shape {
    std::string name, query, raw_tsquery, note;
  };
  const auto pct = [](const std::string& w) {
    const int r = b::VocabularyRank(w);
    return r < 0 ? std::string("?") : absl::StrCat("rank ", r);
  };
  const std::vector<Shape> shapes = {
      {"common: douleur", "douleur ", "douleur", pct("douleur")},
      {"two common: douleur thoracique", "douleur thoracique ", "douleur & thoracique",
       absl::StrCat(pct("douleur"), ", ", pct("thoracique"))},
      {"selective: endométriose", "endométriose ", "endometriose", pct("endométriose")},
      {"rare: amylose", "amylose ", "amylose", pct("amylose")},
      {"typo (common word): anticoagulaton", "anticoagulaton ", "anticoagulation",
       absl::StrCat(pct("anticoagulation"), "; raw: the corrected word")},
      {"typo (rare word): histiocitose", "histiocitose ", "histiocytose",
       absl::StrCat(pct("histiocytose"), "; raw: the corrected word")},
      {"prefix: cardi", "cardi", "cardi:*", "cardiaque, cardiomyopathie..."},
      {"common + filter: douleur, resolved", "douleur ", "douleur", "resolved only"},
  };
  // Hand-written: visibility (deleted, hidden, private groups), ranked, top 20, snippets.
  const std::string raw_sql = absl::StrCat(
      "SELECT t.case_id, ts_headline('fr', t.title || E'\\n' || t.body || E'\\n' || "
      "t.replies_text, q, 'MaxFragments=2, MaxWords=18, MinWords=6') FROM (SELECT c.case_id, "
      "c.title, c.body, c.replies_text, ts_rank_cd(c.document, q) AS r FROM cases c, "
      "to_tsquery('fr', $1) q WHERE NOT c.deleted AND NOT c.hidden AND c.document @@ q AND "
      "(NOT c.private_group OR EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = "
      "c.space_id AND m.member AND m.account_id = '", b::CallerAccountId(), "')) $RESOLVED "
      "ORDER BY r DESC, c.case_id LIMIT 20) t, to_tsquery('fr', $1) q ORDER BY t.r DESC, "
      "t.case_id");
  std::printf("\nSearchCases (store) vs hand-written SQL; ms\n\n");
  Header();
  for (const Shape& s : shapes) {
    if (!Selected(s.name)) continue;
    CaseQuery q;
    q.text = ParseQuery(s.query);
    q.caller_account_id = b::CallerAccountId();
    q.limit = 20;
    const bool resolved = s.name.find("resolved") != std::string::npos;
    if (resolved) q.resolved = true;
    std::string sql = raw_sql;
    const size_t at = sql.find("$RESOLVED");
    sql.replace(at, 9, resolved ? "AND c.resolved" : "");
    int hits = 0, raw_rows = 0;
    const auto [ours, raw] = MeasurePair(
        [&] {
          absl::StatusOr<CasePage> page = store.SearchCases(q);
          Check(page.status(), "cases");
          hits = static_cast<int>(page->hits.size());
        },
        RawQuery(pool, sql, {s.raw_tsquery}, &raw_rows));
    Row(s.name, ours, raw, absl::StrCat(hits, " hits; raw ", raw_rows, "; ", s.note));
    Explain(pool, sql, {s.raw_tsquery});
    const int unbounded_runs = absl::GetFlag(FLAGS_unbounded_runs);
    if (unbounded_runs > 0) {
      PgSearchStore unbounded(&pool, PgSearchStoreOptions{.ranked_candidates = 1e18});
      std::vector<double> a, c;
      for (int i = 0; i < unbounded_runs; ++i) {
        absl::Time t0 = absl::Now();
        Check(unbounded.SearchCases(q).status(), "unbounded");
        a.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
        t0 = absl::Now();
        RawQuery(pool, sql, {s.raw_tsquery}, nullptr)();
        c.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      }
      Row(absl::StrCat("  same, every match ranked (", unbounded_runs, " calls)"), Summarize(a),
          Summarize(c), "the store without the window of newest cases");
    }
  }
}

// ------------------------------------------------------------------ main

int Run() {
  std::printf("search_bench: %s\n", Uptime().c_str());
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<std::unique_ptr<testing::LocalPostgres>> pg =
      data_dir.empty() ? testing::LocalPostgres::Create()
                       : testing::LocalPostgres::OpenPersistent(data_dir,
                                                                absl::GetFlag(FLAGS_pg_options));
  Check(pg.status(), "postgres");
  g_postgres = &*pg;
  absl::StatusOr<std::unique_ptr<testing::ScratchDatabase>> db =
      data_dir.empty() ? testing::ScratchDatabase::Create((*pg)->port())
                       : testing::ScratchDatabase::OpenPersistent((*pg)->port(), "search_bench");
  Check(db.status(), "database");
  auto redis_server = testing::LocalRedis::Create();
  Check(redis_server.status(), "redis");
  pg::PoolOptions po;
  po.url = (*db)->Url("search");
  po.schema = "search";
  po.size = 4;
  po.statement_timeout = absl::Seconds(600);
  std::unique_ptr<pg::Pool> pool = pg::Pool::Create(po);
  Check(pg::ApplyMigrations(*pool, "search",
                            {{"service", &SearchMigrations()}, {"inbox", &InboxMigrations()}})
            .status(),
        "migrations");

  const int n_doctors = absl::GetFlag(FLAGS_doctors);
  const int n_cases = absl::GetFlag(FLAGS_cases);
  const absl::Time gen0 = absl::Now();
  Generate(*pool, n_doctors, n_cases);
  std::printf("data ready in %.0f s: %d doctors, %d cases (%s)\n",
              absl::ToDoubleSeconds(absl::Now() - gen0), n_doctors, n_cases, Uptime().c_str());

  // Each run writes newer versions than every earlier run.
  const int64_t run = Progress(*pool, "runs") + 1;
  Check(pool->InTransaction([&](pqxx::transaction_base& txn) {
          SetProgress(txn, "runs", run);
          return absl::OkStatus();
        }),
        "runs");
  const int64_t v_timed = run * 10 + 1, v_stream = run * 10 + 2, v_lag = run * 10 + 3,
                v_stream_batch = run * 10 + 4;
  std::mt19937 rng(static_cast<uint32_t>(run));
  std::uniform_int_distribution<int> any_doctor(0, n_doctors - 1);
  std::uniform_int_distribution<int> any_case(0, std::max(0, n_cases - 1));

  // 2. Indexing.
  const int timed = absl::GetFlag(FLAGS_timed_index_events);
  std::vector<Event> timed_events;
  for (int k = 0; k < timed; ++k) {
    if (k % 2 == 0 || n_cases == 0) {
      timed_events.push_back(b::MakeDoctor(any_doctor(rng), v_timed));
    } else {
      timed_events.push_back(b::MakeCase(any_case(rng), v_timed).case_event);
    }
  }
  absl::Time t0 = absl::Now();
  for (const Event& e : timed_events) {
    Check(pool->InTransaction([&](pqxx::transaction_base& txn) { return ApplyEvent(txn, e).status(); }),
          "index");
  }
  const double direct_rate = timed / absl::ToDoubleSeconds(absl::Now() - t0);

  redis::RedisOptions ro;
  ro.port = (*redis_server)->port();
  redis::RedisClient publisher(ro);
  const auto publish = [&](const Event& e) {
    const std::string stream =
        e.has_profile_changed() ? "meltingdoc.profiles" : "meltingdoc.discussions";
    Check(publisher
              .Command({"XADD", stream, "*", "event_id", e.event_id(), "event_type",
                        outbox::EventTypeName(e), "aggregate_type", e.aggregate_type(),
                        "aggregate_id", e.aggregate_id(), "aggregate_version",
                        absl::StrCat(e.aggregate_version()), "payload", e.SerializeAsString()})
              .status(),
          "xadd");
  };
  IndexerOptions io;
  io.consumer_name = "bench";
  io.redis = ro;
  io.block = absl::Milliseconds(100);
  const int stream_events = absl::GetFlag(FLAGS_stream_events);
  // End to end: the same number of events read one transaction each (as before batches),
  // then in batches (one transaction and one XACK per read), each from a fresh backlog.
  const auto end_to_end = [&](bool batch, int64_t version) {
    // Distinct doctors and cases: an event drawn twice is the same event (same id), applied
    // once, and the count below would never be reached.
    std::set<int> drawn_doctors, drawn_cases;
    const auto draw = [&](std::set<int>& drawn, std::uniform_int_distribution<int>& any) {
      for (;;) {
        const int k = any(rng);
        if (drawn.insert(k).second) return k;
      }
    };
    for (int k = 0; k < stream_events; ++k) {
      publish(k % 2 == 0 || n_cases == 0
                  ? b::MakeDoctor(draw(drawn_doctors, any_doctor), version)
                  : b::MakeCase(draw(drawn_cases, any_case), version).case_event);
    }
    IndexerOptions o = io;
    o.batch_events = batch;
    Indexer indexer(pool.get(), o, &Clock::Real());
    const absl::Time start = absl::Now();
    indexer.Start();
    const absl::Time deadline = start + absl::Seconds(300);
    while (indexer.applied_count() < stream_events && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    const double rate = indexer.applied_count() / absl::ToDoubleSeconds(absl::Now() - start);
    indexer.Stop();
    return rate;
  };
  const double one_by_one_rate = stream_events > 0 ? end_to_end(false, v_stream) : 0;
  const double stream_rate = stream_events > 0 ? end_to_end(true, v_stream_batch) : 0;
  std::printf("\nindexing: %.0f events/s through ApplyEvent, one transaction each (%d events, "
              "half profiles, half cases); end to end through Redis Streams and the Indexer "
              "(%d events each way): %.0f events/s one transaction per event, %.0f events/s "
              "in batches (one transaction and one XACK per read), %.1fx (%s)\n",
              direct_rate, timed, stream_events, one_by_one_rate, stream_rate,
              one_by_one_rate > 0 ? stream_rate / one_by_one_rate : 0, Uptime().c_str());

  // 3. Queries.
  PgSearchStore store(pool.get());
  // The in-memory index: loaded as the service does at start; load time and resident memory.
  MemorySearchStore memory(pool.get(), &store);
  {
    const int64_t rss0 = ProcStatusKb("VmRSS");
    const absl::Time l0 = absl::Now();
    Check(memory.CatchUp(), "memory load");
    const double load_s = absl::ToDoubleSeconds(absl::Now() - l0);
    const int64_t rss1 = ProcStatusKb("VmRSS");
    std::printf("\nin-memory index: %lld doctors loaded in %.1f s; resident memory %.0f MB before, "
                "%.0f MB after (+%.0f MB; peak %.0f MB) (%s)\n",
                static_cast<long long>(memory.doctor_count()), load_s, rss0 / 1024.0,
                rss1 / 1024.0, (rss1 - rss0) / 1024.0, ProcStatusKb("VmHWM") / 1024.0,
                Uptime().c_str());
  }
  std::printf("\n%d doctors, %d cases; %d calls per row after %d warm-up, one client, ours and "
              "raw alternated (%s)\n",
              n_doctors, n_cases, absl::GetFlag(FLAGS_runs), absl::GetFlag(FLAGS_warmup),
              Uptime().c_str());
  {
    int raw_rows = 0;
    const auto [a, c] = MeasurePair(
        RawQuery(*pool, "SELECT display_name FROM doctors WHERE profile_id = $1::uuid",
                 {b::DoctorId(1)}, &raw_rows),
        RawQuery(*pool, "SELECT display_name FROM doctors WHERE profile_id = $1::uuid",
                 {b::DoctorId(2)}, &raw_rows));
    std::printf("\nbaseline: primary-key lookup p50 %.2f ms, p99 %.2f ms\n", a.p50, a.p99);
    (void)c;
  }
  MeasureDoctors(*pool, store, memory);
  if (n_cases > 0) MeasureCases(*pool, store);

  // 4. Lag under a steady write load.
  const double lag_seconds = absl::GetFlag(FLAGS_lag_seconds);
  if (lag_seconds > 0) {
    const int rate = absl::GetFlag(FLAGS_lag_rate);
    const int lag_events = static_cast<int>(rate * lag_seconds);
    std::vector<int> doctors, cases;
    // Write-to-searchable in memory: when the in-memory index, following the table every
    // 100 ms as the service does, holds the event's version of the doctor.
    std::mutex pending_mu;
    std::map<int, absl::Time> pending;  // doctor -> occurrence of its first lag event
    std::map<int, bool> tracked;
    std::vector<double> memory_lag_ms;
    std::atomic<bool> checking{true};
    memory.Start();
    std::thread checker([&] {
      while (checking.load()) {
        {
          std::lock_guard<std::mutex> l(pending_mu);
          for (auto it = pending.begin(); it != pending.end();) {
            const std::optional<int64_t> v = memory.DoctorVersion(b::DoctorId(it->first));
            if (v.has_value() && *v >= v_lag) {
              memory_lag_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - it->second));
              it = pending.erase(it);
            } else {
              ++it;
            }
          }
        }
        absl::SleepFor(absl::Milliseconds(2));
      }
    });
    {
      IndexerOptions lo = io;
      lo.batch_events = absl::GetFlag(FLAGS_lag_batches);
      Indexer indexer(pool.get(), lo, &Clock::Real());
      indexer.Start();
      const absl::Time start = absl::Now();
      for (int k = 0; k < lag_events; ++k) {
        absl::SleepFor(start + absl::Seconds(static_cast<double>(k) / rate) - absl::Now());
        Event e;
        if (k % 2 == 0 || n_cases == 0) {
          doctors.push_back(any_doctor(rng));
          e = b::MakeDoctor(doctors.back(), v_lag);
        } else {
          cases.push_back(any_case(rng));
          e = b::MakeCase(cases.back(), v_lag).case_event;
        }
        const absl::Time now = absl::Now();
        *e.mutable_occur_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
        if (e.has_profile_changed() && !tracked[doctors.back()]) {
          tracked[doctors.back()] = true;
          std::lock_guard<std::mutex> l(pending_mu);
          pending[doctors.back()] = now;
        }
        publish(e);
      }
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (indexer.applied_count() < lag_events && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      indexer.Stop();
    }
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard<std::mutex> l(pending_mu);
        if (pending.empty()) break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    checking = false;
    checker.join();
    memory.Stop();
    const MemorySearchStore::FollowStats fs = memory.follow_stats();
    std::printf("\nin-memory index following: %lld readings, %lld changed rows listed, %lld "
                "doctors read whole; reading %.2f s, applying %.2f s in all\n",
                static_cast<long long>(fs.readings), static_cast<long long>(fs.listed),
                static_cast<long long>(fs.loaded), fs.reading_seconds, fs.applying_seconds);
    if (!memory_lag_ms.empty()) {
      const Stats l = Summarize(memory_lag_ms);
      std::printf("\nwrite-to-searchable lag in the in-memory index (event occurrence to the "
                  "doctor's version in memory, following every 100 ms): p50 %.1f ms, p99 %.1f "
                  "ms, max %.1f ms (%zu doctors, %zu never seen) (%s)\n",
                  l.p50, l.p99, *std::max_element(memory_lag_ms.begin(), memory_lag_ms.end()),
                  memory_lag_ms.size(), pending.size(), Uptime().c_str());
    }
    std::vector<double> lag_ms;
    Check(pool->InTransaction([&](pqxx::transaction_base& txn) {
            for (const char* table : {"doctors", "cases"}) {
              for (const pqxx::row& r : txn.exec_params(
                       absl::StrCat("SELECT extract(epoch FROM (indexed_at - occur_time)) * 1000 "
                                    "FROM ", table, " WHERE version = $1"),
                       v_lag)) {
                lag_ms.push_back(r[0].as<double>());
              }
            }
            return absl::OkStatus();
          }),
          "lag");
    if (!lag_ms.empty()) {
      const Stats l = Summarize(lag_ms);
      std::printf("\nwrite-to-searchable lag (%s) at %d events/s (half profiles, half cases) for %.0f "
                  "s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu rows of %d events; a row "
                  "written twice counts once) (%s)\n",
                  absl::GetFlag(FLAGS_lag_batches) ? "batches" : "one transaction per event",
                  rate, lag_seconds, l.p50, l.p99, *std::max_element(lag_ms.begin(), lag_ms.end()),
                  lag_ms.size(), lag_events, Uptime().c_str());
    }
  }
  std::printf("\nsearch_bench done: %s\n", Uptime().c_str());
  return 0;
}

}  // namespace
}  // namespace meltingdoc::search

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::search::Run();
}
