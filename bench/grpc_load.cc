// Closed-loop gRPC load against a real identity process, to measure the execution model for
// blocking work (callback API + bounded executor + small PostgreSQL pool).
//
// One command starts everything (private PostgreSQL cluster, Redis, meltingdoc-identity) and
// measures, against the same process and interleaved at each concurrency so that drift in a
// shared machine hits all of them alike:
//   Check        grpc.health.v1.Health/Check: gRPC + call observer only (the baseline)
//   GetAccount!  GetAccount with a malformed id: + executor hop + token check, no database
//                (answers INVALID_ARGUMENT, by design)
//   GetAccount   GetAccount of an existing account: + pool + one PostgreSQL transaction
// then a second identity process with a small executor queue at high concurrency (shedding),
// and optionally pgbench against the same cluster for PostgreSQL's own capacity.
//
//   build-bench/bench/grpc_load --seconds=5
//
// Closed loop: each of N slots keeps exactly one call outstanding and issues the next one as
// soon as the previous answers. Calls that finish during the warm-up are not counted.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/common/uuid.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

ABSL_FLAG(std::vector<std::string>, concurrency, std::vector<std::string>({"1", "8", "64", "256"}),
          "Outstanding calls per measurement (comma-separated list).");
ABSL_FLAG(double, seconds, 5, "Measured duration of each scenario at each concurrency.");
ABSL_FLAG(double, warmup_seconds, 1, "Load before measuring (not counted) at each step.");
ABSL_FLAG(int, channels, 1, "Client channels (HTTP/2 connections); calls are spread round-robin.");
ABSL_FLAG(int, shed_queue, 16, "Executor queue of the second identity process (shedding run); 0 skips it.");
ABSL_FLAG(int, shed_concurrency, 256, "Concurrency of the shedding run.");
ABSL_FLAG(int, shed_backoff_ms, 50,
          "Also run the shedding scenario with a client that waits this long (x0.5-1.5, random) "
          "after RESOURCE_EXHAUSTED before its next call; 0 skips that run.");
ABSL_FLAG(int, pgbench_seconds, 10, "Duration of each pgbench run against the same cluster; 0 skips pgbench.");
ABSL_FLAG(bool, keep_logs, false, "Keep the identity processes' log files (one JSON line per call).");

namespace meltingdoc::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::ServiceProcess;

// What one scenario issues: start one async call, call `done` with its status when it ends.
// Owns the per-call state through `CallState`.
struct CallState {
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest health_request;
  grpc::health::v1::HealthCheckResponse health_response;
  identity::v1::GetAccountRequest account_request;
  identity::v1::GetAccountResponse account_response;
};

struct Scenario {
  std::string name;
  std::string what;
  // The status code this scenario is supposed to produce (OK, or INVALID_ARGUMENT for the
  // no-database variant); anything else counts as an error.
  grpc::StatusCode expected = grpc::StatusCode::OK;
  std::function<void(int channel, CallState&, std::function<void(grpc::Status)>)> start;
};

// CPU time (user + system, in clock ticks) of the three parties, from /proc: this client, the
// identity process, and the PostgreSQL backends serving the bench database (their command
// line names the database, which is unique to this run).
struct CpuTicks {
  int64_t client = 0, service = 0, postgres = 0;
};

struct Result {
  std::string scenario;
  int concurrency = 0;
  double seconds = 0;
  int64_t expected_calls = 0;         // finished with the expected code, in the window
  std::map<int, int64_t> other_codes;  // every other code, in the window
  std::vector<int64_t> expected_us;   // latencies of expected-code calls
  std::vector<int64_t> other_us;      // latencies of the rest
  CpuTicks cpu;                       // CPU used during the measured window
  double calls_per_s() const { return expected_calls / seconds; }
};

int64_t ProcessTicks(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');  // the command name may contain spaces
  if (paren == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
  int64_t utime = 0, stime = 0;
  // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) || !absl::SimpleAtoi(fields[12], &stime)) return 0;
  return utime + stime;
}

class CpuMeter {
 public:
  CpuMeter(pid_t service_pid, std::string database) : service_pid_(service_pid), database_(std::move(database)) {}
  CpuTicks Read() const {
    CpuTicks t;
    t.client = ProcessTicks("self");
    t.service = ProcessTicks(std::to_string(service_pid_));
    testing::CommandResult r = testing::RunCommand(absl::StrCat("pgrep -f 'postgres: .* ", database_, " '"));
    for (absl::string_view pid : absl::StrSplit(r.output, '\n', absl::SkipWhitespace())) {
      t.postgres += ProcessTicks(std::string(pid));
    }
    return t;
  }

 private:
  pid_t service_pid_;
  std::string database_;
};

// Runs tasks at a later time on its own thread (the client's back-off after a refusal; a
// gRPC completion callback must not sleep).
class Delayer {
 public:
  Delayer() : thread_([this] { Loop(); }) {}
  ~Delayer() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }
  void At(absl::Time when, std::function<void()> task) {
    absl::MutexLock lock(&mu_);
    tasks_.emplace(when, std::move(task));
  }

 private:
  void Loop() {
    while (true) {
      std::function<void()> task;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_ && tasks_.empty()) return;
        if (!tasks_.empty() && tasks_.begin()->first <= absl::Now()) {
          task = std::move(tasks_.begin()->second);
          tasks_.erase(tasks_.begin());
        }
      }
      if (task) {
        task();
      } else {
        absl::SleepFor(absl::Milliseconds(1));
      }
    }
  }
  absl::Mutex mu_;
  std::multimap<absl::Time, std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

int64_t Percentile(std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * (sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

// Runs `concurrency` slots in a closed loop for warm-up + duration, then waits for the
// outstanding calls. Only calls that start after the warm-up and end before the stop count.
// With a `backoff`, a slot whose call was refused (RESOURCE_EXHAUSTED) waits backoff x0.5-1.5
// before its next call, as a well-behaved client would.
Result RunClosedLoop(const Scenario& scenario, int concurrency, int channels, absl::Duration warmup,
                     absl::Duration duration, const CpuMeter* meter = nullptr,
                     absl::Duration backoff = absl::ZeroDuration()) {
  struct Slot {
    std::unique_ptr<CallState> call;
    // The call whose completion callback issued `call`: freed one call later, never from
    // inside its own callback.
    std::unique_ptr<CallState> previous;
    Clock::time_point started;
    std::map<int, int64_t> codes;
    std::vector<int64_t> ok_us, other_us;
  };
  std::vector<Slot> slots(concurrency);
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point measure_from = t0 + absl::ToChronoNanoseconds(warmup);
  const Clock::time_point stop_at = measure_from + absl::ToChronoNanoseconds(duration);
  absl::Mutex mu;
  int running = concurrency;
  Delayer delayer;
  std::mt19937 rng(42);  // used by completion callbacks under `mu`

  // Issue(i) starts the next call of slot i; its completion records and issues again.
  std::function<void(int)> issue = [&](int i) {
    Slot& slot = slots[i];
    slot.previous = std::move(slot.call);
    slot.call = std::make_unique<CallState>();
    slot.call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    slot.started = Clock::now();
    scenario.start(i % channels, *slot.call, [&, i](grpc::Status status) {
      Slot& s = slots[i];
      const Clock::time_point end = Clock::now();
      if (s.started >= measure_from && end <= stop_at) {
        const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(end - s.started).count();
        s.codes[status.error_code()]++;
        (status.error_code() == scenario.expected ? s.ok_us : s.other_us).push_back(us);
      }
      if (end < stop_at && backoff > absl::ZeroDuration() &&
          status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        double jitter;
        {
          absl::MutexLock lock(&mu);
          jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng);
        }
        delayer.At(absl::Now() + backoff * jitter, [&issue, i] { issue(i); });
      } else if (end < stop_at) {
        issue(i);  // non-blocking: starts the next async call from the completion callback
      } else {
        absl::MutexLock lock(&mu);
        --running;
      }
    });
  };
  for (int i = 0; i < concurrency; ++i) issue(i);
  // CPU is read at the window's edges (a few ms late at most: pgrep runs in between).
  CpuTicks cpu_start, cpu_end;
  if (meter != nullptr) {
    std::this_thread::sleep_until(measure_from);
    cpu_start = meter->Read();
    std::this_thread::sleep_until(stop_at);
    cpu_end = meter->Read();
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &running));
  }

  Result r;
  r.scenario = scenario.name;
  r.concurrency = concurrency;
  r.seconds = absl::ToDoubleSeconds(duration);
  r.cpu = {cpu_end.client - cpu_start.client, cpu_end.service - cpu_start.service,
           cpu_end.postgres - cpu_start.postgres};
  for (Slot& s : slots) {
    for (const auto& [code, n] : s.codes) {
      if (code == scenario.expected) {
        r.expected_calls += n;
      } else {
        r.other_codes[code] += n;
      }
    }
    r.expected_us.insert(r.expected_us.end(), s.ok_us.begin(), s.ok_us.end());
    r.other_us.insert(r.other_us.end(), s.other_us.begin(), s.other_us.end());
  }
  std::sort(r.expected_us.begin(), r.expected_us.end());
  std::sort(r.other_us.begin(), r.other_us.end());
  return r;
}

std::string CodeName(int code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",         "UNKNOWN",          "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS",    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",      "UNIMPLEMENTED",    "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("code ", code);
}

std::string ErrorsText(const Result& r) {
  if (r.other_codes.empty()) return "0";
  std::string out;
  for (const auto& [code, n] : r.other_codes) absl::StrAppend(&out, out.empty() ? "" : " ", CodeName(code), "=", n);
  return out;
}

std::string Ms(int64_t us) { return absl::StrFormat("%.2f", us / 1000.0); }

// CPU columns: microseconds of CPU per counted call in the client, the identity process and
// the PostgreSQL backends, and all three together in cores (CPU seconds per second).
void PrintHeader() {
  std::printf("| %-14s | %5s | %9s | %8s | %8s | %8s | %20s | %5s | %s\n", "scenario", "conc", "calls/s",
              "p50 ms", "p90 ms", "p99 ms", "CPU us/call cl/id/pg", "cores", "other codes (count)");
  std::printf("|----------------|------:|----------:|---------:|---------:|---------:|---------------------:|------:|-----\n");
}

int64_t AllCalls(const Result& r) {
  int64_t calls = r.expected_calls;
  for (const auto& [code, n] : r.other_codes) calls += n;
  return calls;
}

// Microseconds of CPU per call in the identity process and the PostgreSQL backends together.
double ServerCpuPerCall(const Result& r) {
  const int64_t calls = AllCalls(r);
  return calls > 0 ? (r.cpu.service + r.cpu.postgres) * 1e6 / ::sysconf(_SC_CLK_TCK) / calls : 0.0;
}

void PrintRow(Result& r) {
  const int64_t calls = AllCalls(r);
  const double us_per_tick = 1e6 / ::sysconf(_SC_CLK_TCK);
  auto per_call = [&](int64_t ticks) { return calls > 0 ? ticks * us_per_tick / calls : 0.0; };
  const std::string cpu = absl::StrFormat("%.0f/%.0f/%.0f", per_call(r.cpu.client), per_call(r.cpu.service),
                                          per_call(r.cpu.postgres));
  const double cores = (r.cpu.client + r.cpu.service + r.cpu.postgres) * us_per_tick / 1e6 / r.seconds;
  std::printf("| %-14s | %5d | %9.0f | %8s | %8s | %8s | %20s | %5.2f | %s\n", r.scenario.c_str(), r.concurrency,
              r.calls_per_s(), Ms(Percentile(r.expected_us, 0.50)).c_str(),
              Ms(Percentile(r.expected_us, 0.90)).c_str(), Ms(Percentile(r.expected_us, 0.99)).c_str(),
              cpu.c_str(), cores, ErrorsText(r).c_str());
  std::fflush(stdout);
}

// The scenarios, against one service address.
class Load {
 public:
  Load(const std::string& address, int channels, const std::string& health_name,
       const std::string& token, const std::string& account_id)
      : health_name_(health_name), token_(token), account_id_(account_id) {
    for (int i = 0; i < channels; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("meltingdoc.bench_channel", i);  // distinct args: a connection per channel
      auto ch = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
      health_.push_back(grpc::health::v1::Health::NewStub(ch));
      identity_.push_back(identity::v1::IdentityService::NewStub(ch));
    }
  }

  Scenario Check() {
    return {"Check", "grpc.health.v1.Health/Check", grpc::StatusCode::OK,
            [this](int ch, CallState& c, std::function<void(grpc::Status)> done) {
              c.health_request.set_service(health_name_);
              health_[ch]->async()->Check(&c.context, &c.health_request, &c.health_response, std::move(done));
            }};
  }

  Scenario GetAccount(bool with_database) {
    const std::string id = with_database ? account_id_ : "not-a-uuid";
    return {with_database ? "GetAccount" : "GetAccount!",
            with_database ? "IdentityService/GetAccount, existing account"
                          : "IdentityService/GetAccount, malformed id (no database)",
            with_database ? grpc::StatusCode::OK : grpc::StatusCode::INVALID_ARGUMENT,
            [this, id](int ch, CallState& c, std::function<void(grpc::Status)> done) {
              c.context.AddMetadata("authorization", "Bearer " + token_);
              c.account_request.set_account_id(id);
              identity_[ch]->async()->GetAccount(&c.context, &c.account_request, &c.account_response,
                                                 std::move(done));
            }};
  }

 private:
  std::string health_name_, token_, account_id_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health_;
  std::vector<std::unique_ptr<identity::v1::IdentityService::Stub>> identity_;
};

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartIdentity(const testing::ScratchDatabase& db,
                                                              int redis_port,
                                                              const testing::TestTokens& tokens,
                                                              std::map<std::string, std::string> env) {
  auto sp = ServiceProcess::Start({.service = "identity",
                                   .pg_url = db.Url("identity"),
                                   .redis_port = redis_port,
                                   .public_keys_file = tokens.public_keys_file(),
                                   .extra_env = std::move(env)});
  if (!sp.ok()) return sp.status();
  if (absl::Status s = (*sp)->WaitForHealth(true); !s.ok()) return s;
  return sp;
}

// pgbench's "tps = N (without initial connection time)", or -1.
double PgbenchTps(const std::string& output) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::StartsWith(line, "tps = ")) continue;
    line.remove_prefix(6);
    double tps = 0;
    if (absl::SimpleAtod(line.substr(0, line.find(' ')), &tps)) return tps;
  }
  return -1;
}

void RunPgbench(const testing::ScratchDatabase& db, const std::string& account_id, int seconds) {
  const std::string base = absl::StrCat(testing::PostgresBinDir(), "/pgbench -h 127.0.0.1 -p ", db.port(),
                                        " -U postgres ");
  testing::CommandResult init = testing::RunCommand(absl::StrCat(base, "-i -s 1 -q ", db.name()));
  if (init.exit_code != 0) {
    std::printf("pgbench -i failed: %s\n", init.output.c_str());
    return;
  }
  // The service's own transaction, as the pool runs it (BEGIN, one parameterized SELECT,
  // COMMIT: three round trips), to compare with pgbench's single-statement -S.
  char tmpl[] = "/tmp/meltingdoc-bench-XXXXXX.sql";
  int fd = ::mkstemps(tmpl, 4);
  if (fd < 0) return;
  const std::string script = absl::StrCat(
      "BEGIN;\n"
      "SELECT account_id::text, email, civility, given_name, family_name, status, role, "
      "(extract(epoch FROM created_at) * 1000000)::int8, (extract(epoch FROM updated_at) * 1000000)::int8 "
      "FROM identity.accounts WHERE account_id = '", account_id, "'::uuid;\n"
      "COMMIT;\n");
  (void)!::write(fd, script.data(), script.size());
  ::close(fd);
  struct Run {
    std::string label, args;
  };
  const std::vector<Run> runs = {
      {"pgbench -S -c 4", "-S -c 4"},
      {"pgbench -S -c 32", "-S -c 32"},
      {"GetAccount txn -M prepared -c 4", absl::StrCat("-M prepared -f ", tmpl, " -c 4")},
      {"GetAccount txn -M prepared -c 32", absl::StrCat("-M prepared -f ", tmpl, " -c 32")},
  };
  std::printf("\nPostgreSQL alone, same cluster (pgbench -T %d, 1 pgbench thread, TCP 127.0.0.1):\n", seconds);
  std::printf("| %-34s | %9s |\n", "run", "tps");
  std::printf("|------------------------------------|----------:|\n");
  for (const Run& run : runs) {
    testing::CommandResult r =
        testing::RunCommand(absl::StrCat(base, run.args, " -T ", seconds, " ", db.name()));
    const double tps = PgbenchTps(r.output);
    if (r.exit_code != 0 || tps < 0) {
      std::printf("| %-34s | failed: %s\n", run.label.c_str(), r.output.c_str());
    } else {
      std::printf("| %-34s | %9.0f |\n", run.label.c_str(), tps);
    }
    std::fflush(stdout);
  }
  ::unlink(tmpl);
}

std::string Uptime() {
  testing::CommandResult r = testing::RunCommand("uptime");
  std::string s = r.output;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

int Main() {
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const absl::Duration warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  const int channels = std::max(1, absl::GetFlag(FLAGS_channels));
  std::vector<int> levels;
  for (const std::string& c : absl::GetFlag(FLAGS_concurrency)) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1) {
      std::fprintf(stderr, "bad --concurrency value: %s\n", c.c_str());
      return 2;
    }
    levels.push_back(n);
  }

  std::printf("grpc_load: %s\n", Uptime().c_str());
  auto pg = testing::LocalPostgres::Create();
  if (!pg.ok()) return std::fprintf(stderr, "PostgreSQL: %s\n", pg.status().ToString().c_str()), 1;
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  if (!db.ok()) return std::fprintf(stderr, "database: %s\n", db.status().ToString().c_str()), 1;
  auto redis = testing::LocalRedis::Create();
  if (!redis.ok()) return std::fprintf(stderr, "Redis: %s\n", redis.status().ToString().c_str()), 1;
  testing::TestTokens tokens;
  auto identity = StartIdentity(**db, (*redis)->port(), tokens, {});
  if (!identity.ok()) return std::fprintf(stderr, "identity: %s\n", identity.status().ToString().c_str()), 1;

  const std::string account_id = NewUuid();
  auto inserted = (*db)->SuperuserSql(absl::StrCat(
      "INSERT INTO identity.accounts (account_id, email, given_name, family_name, status) VALUES ('",
      account_id, "', '", account_id, "@hopital.fr', 'Paul', 'Durand', 'verified')"));
  if (!inserted.ok()) return std::fprintf(stderr, "insert: %s\n", inserted.status().ToString().c_str()), 1;
  auth::Principal doctor;
  doctor.account_id = account_id;
  doctor.session_id = NewUuid();
  doctor.status = auth::VerificationStatus::kVerified;
  const std::string token = tokens.Token(doctor, absl::Hours(2));

  Load load((*identity)->address(), channels, (*identity)->HealthName(), token, account_id);
  const std::vector<Scenario> scenarios = {load.Check(), load.GetAccount(false), load.GetAccount(true)};
  // One call of each must give the expected answer, or the figures would measure errors.
  for (const Scenario& s : scenarios) {
    Result r = RunClosedLoop(s, 1, 1, absl::ZeroDuration(), absl::Milliseconds(200));
    if (r.expected_calls == 0) {
      std::fprintf(stderr, "%s does not answer as expected (%s); identity log:\n%s\n", s.name.c_str(),
                   ErrorsText(r).c_str(), (*identity)->ReadLog().c_str());
      return 1;
    }
  }

  std::printf("identity: default executor (8 threads, queue 256), pool 4; %d client channel(s); "
              "warm-up %.1f s, measured %.1f s per row\n",
              channels, absl::ToDoubleSeconds(warmup), absl::ToDoubleSeconds(duration));
  for (const Scenario& s : scenarios) std::printf("  %-14s %s\n", s.name.c_str(), s.what.c_str());
  std::printf("p50/p90/p99 over calls with the expected code (OK; INVALID_ARGUMENT for GetAccount!)\n\n");
  PrintHeader();
  const CpuMeter meter((*identity)->process().pid(), (*db)->name());
  std::map<std::string, std::map<int, double>> throughput, server_cpu;
  for (int c : levels) {
    for (const Scenario& s : scenarios) {
      Result r = RunClosedLoop(s, c, channels, warmup, duration, &meter);
      throughput[s.name][c] = r.calls_per_s();
      server_cpu[s.name][c] = ServerCpuPerCall(r);
      PrintRow(r);
    }
  }
  // Throughput depends on how much of the shared machine the run got; CPU per call much less.
  std::printf("\nRatios to Check (same process, same run): throughput, and server CPU per call "
              "(identity + PostgreSQL backends):\n");
  std::printf("| %5s | %16s | %18s | %20s | %21s |\n", "conc", "GetAccount/Check", "GetAccount!/Check",
              "CPU GetAccount/Check", "CPU GetAccount!/Check");
  std::printf("|------:|-----------------:|-------------------:|---------------------:|----------------------:|\n");
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  for (int c : levels) {
    std::printf("| %5d | %16.3f | %18.3f | %20.1f | %21.1f |\n", c,
                ratio(throughput["GetAccount"][c], throughput["Check"][c]),
                ratio(throughput["GetAccount!"][c], throughput["Check"][c]),
                ratio(server_cpu["GetAccount"][c], server_cpu["Check"][c]),
                ratio(server_cpu["GetAccount!"][c], server_cpu["Check"][c]));
  }
  std::fflush(stdout);

  std::vector<std::string> logs = {(*identity)->log_path()};
  const int shed_queue = absl::GetFlag(FLAGS_shed_queue);
  if (shed_queue > 0) {
    const int shed_c = absl::GetFlag(FLAGS_shed_concurrency);
    // The first process stops, so that both runs have the machine to themselves.
    (*identity)->process().Signal(SIGTERM);
    (void)(*identity)->process().Wait(absl::Seconds(20));
    auto small = StartIdentity(**db, (*redis)->port(), tokens,
                               {{"MELTINGDOC_IDENTITY_EXECUTOR_QUEUE", std::to_string(shed_queue)}});
    if (!small.ok()) return std::fprintf(stderr, "identity (small queue): %s\n", small.status().ToString().c_str()), 1;
    logs.push_back((*small)->log_path());
    Load small_load((*small)->address(), channels, (*small)->HealthName(), token, account_id);
    const CpuMeter small_meter((*small)->process().pid(), (*db)->name());
    std::printf("\nShedding: GetAccount at concurrency %d against a second identity process with "
                "executor queue %d (8 threads, pool 4); the first one has stopped:\n\n",
                shed_c, shed_queue);
    PrintHeader();
    std::vector<absl::Duration> backoffs = {absl::ZeroDuration()};
    if (absl::GetFlag(FLAGS_shed_backoff_ms) > 0) backoffs.push_back(absl::Milliseconds(absl::GetFlag(FLAGS_shed_backoff_ms)));
    std::vector<std::string> notes;
    for (absl::Duration backoff : backoffs) {
      Result r = RunClosedLoop(small_load.GetAccount(true), shed_c, channels, warmup, duration, &small_meter, backoff);
      r.scenario = backoff > absl::ZeroDuration()
                       ? absl::StrCat("q", shed_queue, " backoff", absl::ToInt64Milliseconds(backoff))
                       : absl::StrCat("q", shed_queue, " retry-now");
      PrintRow(r);
      const int64_t refused = r.other_codes[grpc::StatusCode::RESOURCE_EXHAUSTED];
      const int64_t total = AllCalls(r);
      notes.push_back(absl::StrFormat(
          "  %s: refused (RESOURCE_EXHAUSTED) %d of %d answers = %.1f%%, refusals p50 %s ms / p99 %s ms; "
          "accepted %.0f calls/s, p50 %s ms / p99 %s ms",
          r.scenario, refused, total, total > 0 ? 100.0 * refused / total : 0.0,
          Ms(Percentile(r.other_us, 0.5)), Ms(Percentile(r.other_us, 0.99)), r.calls_per_s(),
          Ms(Percentile(r.expected_us, 0.5)), Ms(Percentile(r.expected_us, 0.99))));
    }
    std::printf("\n%s\n", absl::StrJoin(notes, "\n").c_str());
    std::fflush(stdout);
    (*small)->process().Signal(SIGTERM);
    (void)(*small)->process().Wait(absl::Seconds(20));
  }

  const int pgbench_seconds = absl::GetFlag(FLAGS_pgbench_seconds);
  if (pgbench_seconds > 0) RunPgbench(**db, account_id, pgbench_seconds);

  std::printf("\ngrpc_load done: %s\n", Uptime().c_str());
  if (!absl::GetFlag(FLAGS_keep_logs)) {
    for (const std::string& path : logs) ::unlink(path.c_str());
  } else {
    for (const std::string& path : logs) std::printf("identity log kept: %s\n", path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace meltingdoc::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Where the service binary and deploy/sql are, unless CTest-style variables say otherwise.
  ::setenv("MELTINGDOC_BINARY_DIR", MELTINGDOC_DEFAULT_BINARY_DIR, /*overwrite=*/0);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::bench::Main();
}
