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
#include "bench/support/closed_loop.h"
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

using testing::ServiceProcess;

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
            [this](int ch, grpc::ClientContext& context, std::function<void(grpc::Status)> done) {
              auto call = std::make_shared<std::pair<grpc::health::v1::HealthCheckRequest,
                                                     grpc::health::v1::HealthCheckResponse>>();
              call->first.set_service(health_name_);
              health_[ch]->async()->Check(&context, &call->first, &call->second,
                                          [call, done = std::move(done)](grpc::Status s) { done(s); });
            }};
  }

  Scenario GetAccount(bool with_database) {
    const std::string id = with_database ? account_id_ : "not-a-uuid";
    return {with_database ? "GetAccount" : "GetAccount!",
            with_database ? "IdentityService/GetAccount, existing account"
                          : "IdentityService/GetAccount, malformed id (no database)",
            with_database ? grpc::StatusCode::OK : grpc::StatusCode::INVALID_ARGUMENT,
            [this, id](int ch, grpc::ClientContext& context, std::function<void(grpc::Status)> done) {
              auto call = std::make_shared<std::pair<identity::v1::GetAccountRequest,
                                                     identity::v1::GetAccountResponse>>();
              context.AddMetadata("authorization", "Bearer " + token_);
              call->first.set_account_id(id);
              identity_[ch]->async()->GetAccount(&context, &call->first, &call->second,
                                                 [call, done = std::move(done)](grpc::Status s) { done(s); });
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
