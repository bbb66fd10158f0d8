// The gateway's cost, measured against its own baselines in one run on one machine:
//
//   GetProfile   GET /v1/profiles/<id> through the gateway (wrk)  vs  ProfilesService/GetProfile
//                by gRPC directly (a closed-loop C++ client with the same number of calls in flight)
//   /healthz     the gateway's /healthz (wrk)  vs  nginx serving a static "ok" file (wrk)
//   hop floor    nginx proxying /healthz to that nginx (kept-alive upstream)  vs  nginx serving it:
//                what one more HTTP hop costs on this machine in this run, the floor under the
//                latency any HTTP proxy adds in front of a backend
//
// One command starts everything (private PostgreSQL, Redis, meltingdoc-profiles, the gateway
// with rate limits off, a second gateway with rate limits on at limits never reached — the
// `gateway+RL` rows —, nginx with as many workers as the gateway has I/O threads):
//
//   build/bench/gateway_bench --seconds=10 --concurrency=1,16,64
//
// Rows are interleaved per concurrency so that drift on a shared machine hits all alike.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "bench/support/closed_loop.h"
#include "libs/common/uuid.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

ABSL_FLAG(std::vector<std::string>, concurrency, std::vector<std::string>({"1", "16", "64"}),
          "Requests in flight (wrk connections / gRPC slots), comma-separated.");
ABSL_FLAG(int, seconds, 10, "Duration of each row.");
ABSL_FLAG(int, io_threads, 2, "Gateway I/O threads; nginx gets as many worker processes.");
ABSL_FLAG(int, wrk_threads, 1, "wrk threads.");
ABSL_FLAG(std::string, baseline_binary_dir, "",
          "Build directory of another version of the gateway (e.g. main's) to measure in the same run: "
          "adds `baseline GetProfile` and `baseline+RL GetProfile` rows (its gateway/meltingdoc-gateway, rate limits "
          "off and on).");
ABSL_FLAG(int, rounds, 1,
          "Run every row this many times, interleaved, and report each figure's median over the rounds "
          "(drift on a shared machine then hits all rows alike).");
ABSL_FLAG(std::vector<std::string>, rows, {},
          "Only the rows whose name contains one of these (e.g. `gateway GetProfile,grpc`); empty: all. For "
          "profiling one path; the summary tables need every row.");

namespace meltingdoc::bench {
namespace {

struct Row {
  std::string name;
  int concurrency = 0;
  double rps = 0;
  double p50_us = 0, p99_us = 0;
  int64_t errors = 0;
  double cpu_us = 0;  // CPU of the measured process per request (0: not measured)
  double switches = 0;  // its threads' voluntary context switches per request (each a wake-up)
};

// The voluntary context switches of every thread of `pid` so far: each is a thread going to
// sleep (epoll_wait, futex, a blocking read) to be woken again — the thread hand-offs of a
// request, steadier than latency on a shared machine.
int64_t VoluntarySwitches(pid_t pid) {
  int64_t total = 0;
  const std::string dir = absl::StrCat("/proc/", pid, "/task");
  testing::CommandResult r = testing::RunCommand(absl::StrCat("cat ", dir, "/*/status 2>/dev/null"));
  for (absl::string_view line : absl::StrSplit(r.output, '\n')) {
    int64_t n = 0;
    if (absl::ConsumePrefix(&line, "voluntary_ctxt_switches:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n)) {
      total += n;
    }
  }
  return total;
}

// "245.00us" / "1.23ms" / "2.00s" -> microseconds.
double ParseWrkDuration(absl::string_view s) {
  double v = 0;
  if (absl::ConsumeSuffix(&s, "us")) return absl::SimpleAtod(s, &v) ? v : -1;
  if (absl::ConsumeSuffix(&s, "ms")) return absl::SimpleAtod(s, &v) ? v * 1e3 : -1;
  if (absl::ConsumeSuffix(&s, "s")) return absl::SimpleAtod(s, &v) ? v * 1e6 : -1;
  if (absl::ConsumeSuffix(&s, "m")) return absl::SimpleAtod(s, &v) ? v * 60e6 : -1;
  return -1;
}

// `pid`: the process whose CPU per request is reported (0: none).
Row RunWrk(const std::string& name, const std::string& url, int connections, const std::string& header,
           pid_t pid = 0) {
  const int64_t ticks_before = pid != 0 ? ProcessTicks(std::to_string(pid)) : 0;
  const int64_t switches_before = pid != 0 ? VoluntarySwitches(pid) : 0;
  Row row;
  row.name = name;
  row.concurrency = connections;
  const int threads = std::min(absl::GetFlag(FLAGS_wrk_threads), connections);
  std::string cmd = absl::StrCat("wrk --latency -t", threads, " -c", connections, " -d", absl::GetFlag(FLAGS_seconds), "s ");
  if (!header.empty()) absl::StrAppend(&cmd, "-H '", header, "' ");
  absl::StrAppend(&cmd, url);
  testing::CommandResult r = testing::RunCommand(cmd);
  for (absl::string_view line : absl::StrSplit(r.output, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.size() >= 2 && f[0] == "50%") row.p50_us = ParseWrkDuration(f[1]);
    if (f.size() >= 2 && f[0] == "99%") row.p99_us = ParseWrkDuration(f[1]);
    if (f.size() >= 2 && f[0] == "Requests/sec:") (void)absl::SimpleAtod(f[1], &row.rps);
    if (absl::StartsWith(line, "Non-2xx or 3xx responses:")) (void)absl::SimpleAtoi(f.back(), &row.errors);
    if (absl::StartsWith(line, "Socket errors:")) row.errors += 1;
  }
  if (r.exit_code != 0 || row.rps == 0) std::fprintf(stderr, "wrk failed:\n%s\n", r.output.c_str());
  if (pid != 0 && row.rps > 0) {
    const double seconds =
        static_cast<double>(ProcessTicks(std::to_string(pid)) - ticks_before) / ::sysconf(_SC_CLK_TCK);
    row.cpu_us = seconds * 1e6 / (row.rps * absl::GetFlag(FLAGS_seconds));
    row.switches = static_cast<double>(VoluntarySwitches(pid) - switches_before) / (row.rps * absl::GetFlag(FLAGS_seconds));
  }
  return row;
}

// Closed loop: `slots` calls in flight, each slot starting its next call when one ends.
// Everything the callbacks touch is owned by a shared State, so the last callback may still
// be unwinding after the caller has its numbers; channels are kept for the process's life
// (destroying one from its own callback thread is not allowed).
Row RunGrpc(const std::string& address, const std::string& token, const std::string& profile_id, int slots) {
  struct State {
    std::unique_ptr<profiles::v1::ProfilesService::Stub> stub;
    std::chrono::steady_clock::time_point warmup_end, end;
    std::mutex mu;
    std::vector<int64_t> latencies;
    int64_t errors = 0;
    std::atomic<int> running{0};
    absl::Notification all_done;
    std::string token, profile_id;
  };
  static auto* channels = new std::vector<std::shared_ptr<grpc::Channel>>();
  channels->push_back(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto state = std::make_shared<State>();
  state->stub = profiles::v1::ProfilesService::NewStub(channels->back());
  state->warmup_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  state->end = state->warmup_end + std::chrono::seconds(absl::GetFlag(FLAGS_seconds));
  state->running = slots;
  state->token = "Bearer " + token;
  state->profile_id = profile_id;

  struct Call {
    grpc::ClientContext ctx;
    profiles::v1::GetProfileRequest req;
    profiles::v1::GetProfileResponse resp;
    std::chrono::steady_clock::time_point start;
  };
  // A plain function pointer recursion keeps no self-referencing std::function around.
  static void (*start_call)(std::shared_ptr<State>) = [](std::shared_ptr<State> st) {
    auto call = std::make_shared<Call>();
    call->ctx.AddMetadata("authorization", st->token);
    call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    call->req.set_profile_id(st->profile_id);
    call->start = std::chrono::steady_clock::now();
    Call* raw = call.get();
    st->stub->async()->GetProfile(&raw->ctx, &raw->req, &raw->resp, [st, call](grpc::Status status) mutable {
      const auto now = std::chrono::steady_clock::now();
      if (call->start >= st->warmup_end && now <= st->end) {
        std::lock_guard<std::mutex> lock(st->mu);
        if (status.ok()) {
          st->latencies.push_back(std::chrono::duration_cast<std::chrono::microseconds>(now - call->start).count());
        } else {
          ++st->errors;
        }
      }
      if (now < st->end) {
        start_call(st);
      } else if (--st->running == 0) {
        st->all_done.Notify();
      }
    });
  };
  for (int i = 0; i < slots; ++i) start_call(state);
  state->all_done.WaitForNotification();
  std::vector<int64_t> latencies;
  Row row;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    latencies = state->latencies;
    row.errors = state->errors;
  }
  std::sort(latencies.begin(), latencies.end());
  row.name = "grpc GetProfile";
  row.concurrency = slots;
  row.rps = latencies.size() / static_cast<double>(absl::GetFlag(FLAGS_seconds));
  if (!latencies.empty()) {
    row.p50_us = latencies[latencies.size() / 2];
    row.p99_us = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  return row;
}

// Each figure's median over the runs of one row (the lower middle for an even count).
Row Median(std::vector<Row> runs) {
  Row out = runs.front();
  auto median = [&runs](double Row::*field) {
    std::vector<double> v;
    for (const Row& r : runs) v.push_back(r.*field);
    std::sort(v.begin(), v.end());
    return v[(v.size() - 1) / 2];
  };
  out.rps = median(&Row::rps);
  out.p50_us = median(&Row::p50_us);
  out.p99_us = median(&Row::p99_us);
  out.cpu_us = median(&Row::cpu_us);
  out.switches = median(&Row::switches);
  out.errors = 0;
  for (const Row& r : runs) out.errors += r.errors;
  return out;
}

void Print(const Row& r) {
  std::printf("| %-22s | %4d | %9.0f | %9.0f | %9.0f | %6lld | %11s | %10s |\n", r.name.c_str(), r.concurrency, r.rps,
              r.p50_us, r.p99_us, static_cast<long long>(r.errors),
              r.cpu_us > 0 ? absl::StrFormat("%.0f", r.cpu_us).c_str() : "",
              r.cpu_us > 0 ? absl::StrFormat("%.2f", r.switches).c_str() : "");
  std::fflush(stdout);
}

std::string Uptime() {
  return testing::RunCommand("uptime").output;
}

int Run() {
  std::vector<int> levels;
  for (const std::string& c : absl::GetFlag(FLAGS_concurrency)) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1) return std::fprintf(stderr, "bad --concurrency %s\n", c.c_str()), 2;
    levels.push_back(n);
  }
  std::printf("gateway_bench: %s", Uptime().c_str());
  auto pg = testing::LocalPostgres::Create();
  if (!pg.ok()) return std::fprintf(stderr, "PostgreSQL: %s\n", pg.status().ToString().c_str()), 1;
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  if (!db.ok()) return std::fprintf(stderr, "database: %s\n", db.status().ToString().c_str()), 1;
  auto redis = testing::LocalRedis::Create();
  if (!redis.ok()) return std::fprintf(stderr, "Redis: %s\n", redis.status().ToString().c_str()), 1;
  testing::TestTokens tokens;
  auto profiles = testing::ServiceProcess::Start({.service = "profiles",
                                                  .pg_url = (*db)->Url("profiles"),
                                                  .redis_port = (*redis)->port(),
                                                  .public_keys_file = tokens.public_keys_file(),
                                                  .extra_env = {}});
  if (!profiles.ok() || !(*profiles)->WaitForHealth(true).ok()) return std::fprintf(stderr, "profiles failed\n"), 1;
  const std::string profile_id = NewUuid();
  auto inserted = (*db)->SuperuserSql(absl::StrCat(
      "INSERT INTO profiles.profiles (profile_id, rpps, civility, given_name, family_name, specialty_code, "
      "specialty_label, bio) VALUES ('", profile_id, "', '10003456789', 'Dr', 'Claire', 'Martin', 'SM20', "
      "'Gynécologie-obstétrique', 'Fertilité, obstétrique, oncologie mammaire')"));
  if (!inserted.ok()) return std::fprintf(stderr, "insert: %s\n", inserted.status().ToString().c_str()), 1;
  const std::string token = tokens.VerifiedDoctor(NewUuid());

  // identity is not part of this bench: stand in for its revocation mirror (complete, nothing
  // revoked), so that the gateway's per-session check takes its normal path through Redis.
  testing::RunCommand(absl::StrCat("redis-cli -p ", (*redis)->port(), " SET meltingdoc:revoked:ready 1"));
  const int io_threads = absl::GetFlag(FLAGS_io_threads);
  // A gateway in front of profiles; `rate_limits`: on, at limits this bench never reaches (the
  // GCRA script in Redis on every request, as deployed), else off.
  auto start_gateway = [&](bool rate_limits) {
    std::map<std::string, std::string> env = {{"MELTINGDOC_GATEWAY_IO_THREADS", std::to_string(io_threads)}};
    if (rate_limits) {
      env["MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP"] = "100000000/1m";
      env["MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_ACCOUNT"] = "100000000/1m";
    } else {
      env["MELTINGDOC_GATEWAY_RATE_LIMIT"] = "false";
    }
    return testing::GatewayProcess::Start({.backends = {{"profiles", (*profiles)->address()}},
                                           .public_keys_file = tokens.public_keys_file(),
                                           .redis_port = (*redis)->port(),
                                           .web_root = "",
                                           .extra_env = env});
  };
  auto gateway = start_gateway(false);
  if (!gateway.ok()) return std::fprintf(stderr, "gateway: %s\n", gateway.status().ToString().c_str()), 1;
  auto limited = start_gateway(true);  // what the Redis round trip adds
  if (!limited.ok()) return std::fprintf(stderr, "gateway: %s\n", limited.status().ToString().c_str()), 1;

  // nginx serving a static file "ok", same number of workers as gateway I/O threads.
  char tmpl[] = "/tmp/meltingdoc-nginx-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const int nginx_port = testing::FreeTcpPort();
  const int proxy_port = testing::FreeTcpPort();
  // nginx's workers run as an unprivileged user: the directory must be readable by them.
  testing::RunCommand(absl::StrCat("chmod 755 ", dir, " && mkdir -p ", dir, "/www ", dir, "/tmp && printf 'ok\\n' > ", dir,
                                   "/www/healthz && chmod -R a+rX ", dir, "/www"));
  {
    std::ofstream conf(dir + "/nginx.conf");
    conf << "worker_processes " << io_threads << ";\ndaemon off;\npid " << dir << "/nginx.pid;\nerror_log " << dir
         << "/error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path "
         << dir << "/tmp;\n  proxy_temp_path " << dir << "/tmp;\n  default_type text/plain;\n  server {\n    listen 127.0.0.1:"
         << nginx_port << ";\n    root " << dir << "/www;\n    location = /healthz { add_header Cache-Control no-store; }\n  }\n"
         // The floor of one more HTTP hop: nginx proxying to the server above over kept-alive
         // upstream connections (what any reverse proxy in front of a backend pays, here on the
         // same machine in the same run).
         << "  upstream static_ok { server 127.0.0.1:" << nginx_port << "; keepalive 64; }\n"
         << "  server {\n    listen 127.0.0.1:" << proxy_port << ";\n    location = /healthz {\n"
         << "      proxy_pass http://static_ok;\n      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
         << "      proxy_buffering off;\n    }\n  }\n}\n";
  }
  auto nginx_process = testing::Subprocess::Start({"/usr/sbin/nginx", "-c", dir + "/nginx.conf", "-p", dir}, {}, dir + "/out.log");
  if (!nginx_process.ok()) return std::fprintf(stderr, "nginx: %s\n", nginx_process.status().ToString().c_str()), 1;
  for (int port : {nginx_port, proxy_port}) {
    for (int i = 0; i < 50; ++i) {
      auto r = testing::HttpGetAs(port, "/healthz");
      if (r.ok() && r->status == 200) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  // Optionally the gateway of another build, for before/after figures from one run.
  std::unique_ptr<testing::GatewayProcess> baseline, baseline_limited;
  if (const std::string dir = absl::GetFlag(FLAGS_baseline_binary_dir); !dir.empty()) {
    const std::string ours = testing::BinaryDir();
    ::setenv("MELTINGDOC_BINARY_DIR", dir.c_str(), 1);
    auto started = start_gateway(false);
    auto started_limited = start_gateway(true);
    ::setenv("MELTINGDOC_BINARY_DIR", ours.c_str(), 1);
    if (!started.ok()) return std::fprintf(stderr, "baseline gateway: %s\n", started.status().ToString().c_str()), 1;
    if (!started_limited.ok()) {
      return std::fprintf(stderr, "baseline gateway: %s\n", started_limited.status().ToString().c_str()), 1;
    }
    baseline = *std::move(started);
    baseline_limited = *std::move(started_limited);
  }
  std::vector<int> gateway_ports = {(*gateway)->port(), (*limited)->port()};
  if (baseline != nullptr) gateway_ports.insert(gateway_ports.end(), {baseline->port(), baseline_limited->port()});
  // Check each party answers as expected before measuring.
  for (int port : gateway_ports) {
    auto check = testing::HttpGetAs(port, "/v1/profiles/" + profile_id, token);
    if (!check.ok() || check->status != 200) return std::fprintf(stderr, "gateway GetProfile is not 200\n"), 1;
  }
  const std::string gw_rl = absl::StrCat("http://127.0.0.1:", (*limited)->port());

  const std::string gw = absl::StrCat("http://127.0.0.1:", (*gateway)->port());
  std::printf("gateway %d I/O threads, nginx %d workers, wrk %d thread(s), %d s per row, %d round(s)%s, machine: %d "
              "cores\n\n",
              io_threads, io_threads, absl::GetFlag(FLAGS_wrk_threads), absl::GetFlag(FLAGS_seconds),
              std::max(1, absl::GetFlag(FLAGS_rounds)), absl::GetFlag(FLAGS_rounds) > 1 ? " (medians)" : "",
              static_cast<int>(std::thread::hardware_concurrency()));
  std::printf("| %-22s | %4s | %9s | %9s | %9s | %6s | %11s | %10s |\n", "what", "conc", "req/s", "p50 us", "p99 us",
              "errors", "gw CPU us/r", "gw sw/r");
  std::printf("|------------------------|-----:|----------:|----------:|----------:|-------:|------------:|-----------:|\n");
  std::map<int, std::map<std::string, Row>> rows;
  const std::vector<std::string> only = absl::GetFlag(FLAGS_rows);
  auto wanted = [&only](const std::string& name) {
    if (only.empty()) return true;
    for (const std::string& o : only) {
      if (!o.empty() && absl::StrContains(name, o)) return true;
    }
    return false;
  };
  const std::string nginx = absl::StrCat("http://127.0.0.1:", nginx_port);
  const std::string proxy = absl::StrCat("http://127.0.0.1:", proxy_port);
  const std::string bearer = "Authorization: Bearer " + token;
  for (int c : levels) {
    std::vector<std::pair<std::string, std::function<Row(const std::string&)>>> plan;
    if (baseline != nullptr) {
      plan.emplace_back("baseline GetProfile", [&](const std::string& n) {
        return RunWrk(n, absl::StrCat("http://127.0.0.1:", baseline->port(), "/v1/profiles/", profile_id), c, bearer,
                      baseline->process().pid());
      });
      plan.emplace_back("baseline+RL GetProfile", [&](const std::string& n) {
        return RunWrk(n, absl::StrCat("http://127.0.0.1:", baseline_limited->port(), "/v1/profiles/", profile_id), c,
                      bearer, baseline_limited->process().pid());
      });
    }
    plan.emplace_back("gateway GetProfile", [&](const std::string& n) {
      return RunWrk(n, gw + "/v1/profiles/" + profile_id, c, bearer, (*gateway)->process().pid());
    });
    plan.emplace_back("gateway+RL GetProfile", [&](const std::string& n) {
      return RunWrk(n, gw_rl + "/v1/profiles/" + profile_id, c, bearer, (*limited)->process().pid());
    });
    plan.emplace_back("grpc GetProfile", [&](const std::string&) { return RunGrpc((*profiles)->address(), token, profile_id, c); });
    plan.emplace_back("gateway /healthz", [&](const std::string& n) {
      return RunWrk(n, gw + "/healthz", c, "", (*gateway)->process().pid());
    });
    plan.emplace_back("nginx /healthz", [&](const std::string& n) { return RunWrk(n, nginx + "/healthz", c, ""); });
    plan.emplace_back("nginx proxy /healthz", [&](const std::string& n) { return RunWrk(n, proxy + "/healthz", c, ""); });
    // With --rounds, the whole plan again and again, so that the machine's drift hits every
    // row alike; each figure kept is the median of its rounds.
    std::map<std::string, std::vector<Row>> runs;
    const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
    for (int round = 0; round < rounds; ++round) {
      for (const auto& [name, run] : plan) {
        if (!wanted(name)) continue;
        const Row r = run(name);
        if (rounds == 1) Print(r);
        runs[name].push_back(r);
      }
    }
    for (const auto& [name, run] : plan) {
      if (runs.count(name) == 0) continue;
      const Row m = rounds == 1 ? runs[name][0] : Median(runs[name]);
      if (rounds > 1) Print(m);
      rows[c][name] = m;
    }
  }
  if (!only.empty()) {
    std::printf("\ngateway_bench done (--rows: no summary): %s", Uptime().c_str());
    (*nginx_process)->Signal(SIGQUIT);
    (void)(*nginx_process)->Wait(absl::Seconds(5));
    testing::RunCommand("rm -rf " + dir);
    return 0;
  }
  // "added": a gateway row's latency minus the direct gRPC call's; "floor": what one more
  // HTTP hop costs on this machine in this run (nginx proxying /healthz to nginx minus nginx
  // serving it), which any HTTP proxy in front of a backend pays; "over floor": added - floor.
  std::printf("\n| conc | what                   | gw/gRPC req/s | added p50 us | added p99 us | floor p50 us | floor p99 us | over floor p50 us | over floor p99 us |\n");
  std::printf("|-----:|------------------------|--------------:|-------------:|-------------:|-------------:|-------------:|------------------:|------------------:|\n");
  for (int c : levels) {
    auto& r = rows[c];
    const Row& d = r["grpc GetProfile"];
    const double floor_p50 = r["nginx proxy /healthz"].p50_us - r["nginx /healthz"].p50_us;
    const double floor_p99 = r["nginx proxy /healthz"].p99_us - r["nginx /healthz"].p99_us;
    for (const char* name :
         {"gateway GetProfile", "gateway+RL GetProfile", "baseline GetProfile", "baseline+RL GetProfile"}) {
      if (r.count(name) == 0) continue;
      const Row& g = r[name];
      std::printf("| %4d | %-22s | %13.2f | %12.0f | %12.0f | %12.0f | %12.0f | %17.0f | %17.0f |\n", c, name,
                  d.rps > 0 ? g.rps / d.rps : 0, g.p50_us - d.p50_us, g.p99_us - d.p99_us, floor_p50, floor_p99,
                  g.p50_us - d.p50_us - floor_p50, g.p99_us - d.p99_us - floor_p99);
    }
  }
  std::printf("\n| conc | /healthz gateway/nginx req/s | nginx proxy/nginx req/s |\n");
  std::printf("|-----:|-----------------------------:|------------------------:|\n");
  for (int c : levels) {
    auto& r = rows[c];
    const double n = r["nginx /healthz"].rps;
    std::printf("| %4d | %28.2f | %23.2f |\n", c, n > 0 ? r["gateway /healthz"].rps / n : 0,
                n > 0 ? r["nginx proxy /healthz"].rps / n : 0);
  }
  std::printf("\ngateway_bench done: %s", Uptime().c_str());
  (*nginx_process)->Signal(SIGQUIT);
  (void)(*nginx_process)->Wait(absl::Seconds(5));
  testing::RunCommand("rm -rf " + dir);
  return 0;
}

}  // namespace
}  // namespace meltingdoc::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  ::setenv("MELTINGDOC_BINARY_DIR", MELTINGDOC_DEFAULT_BINARY_DIR, /*overwrite=*/0);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::bench::Run();
}
