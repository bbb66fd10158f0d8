#include "bench/support/closed_loop.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::bench {
namespace {

using Clock = std::chrono::steady_clock;

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

}  // namespace

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

CpuTicks CpuMeter::Read() const {
  CpuTicks t;
  t.client = ProcessTicks("self");
  t.service = ProcessTicks(std::to_string(service_pid_));
  if (database_.empty()) return t;
  testing::CommandResult r = testing::RunCommand(absl::StrCat("pgrep -f 'postgres: .* ", database_, " '"));
  for (absl::string_view pid : absl::StrSplit(r.output, '\n', absl::SkipWhitespace())) {
    t.postgres += ProcessTicks(std::string(pid));
  }
  return t;
}

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * (sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

Result RunClosedLoop(const Scenario& scenario, int concurrency, int channels, absl::Duration warmup,
                     absl::Duration duration, const CpuMeter* meter, absl::Duration backoff) {
  struct Slot {
    std::unique_ptr<grpc::ClientContext> call;
    // The call whose completion callback issued `call`: freed one call later, never from
    // inside its own callback.
    std::unique_ptr<grpc::ClientContext> previous;
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
    slot.call = std::make_unique<grpc::ClientContext>();
    slot.call->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
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
  std::printf("| %-16s | %5s | %9s | %8s | %8s | %8s | %20s | %5s | %s\n", "scenario", "conc", "calls/s",
              "p50 ms", "p90 ms", "p99 ms", "CPU us/call cl/sv/pg", "cores", "other codes (count)");
  std::printf("|------------------|------:|----------:|---------:|---------:|---------:|---------------------:|------:|-----\n");
}

int64_t AllCalls(const Result& r) {
  int64_t calls = r.expected_calls;
  for (const auto& [code, n] : r.other_codes) calls += n;
  return calls;
}

double ServerCpuPerCall(const Result& r) {
  const int64_t calls = AllCalls(r);
  return calls > 0 ? (r.cpu.service + r.cpu.postgres) * 1e6 / ::sysconf(_SC_CLK_TCK) / calls : 0.0;
}

void PrintRow(const Result& r) {
  const int64_t calls = AllCalls(r);
  const double us_per_tick = 1e6 / ::sysconf(_SC_CLK_TCK);
  auto per_call = [&](int64_t ticks) { return calls > 0 ? ticks * us_per_tick / calls : 0.0; };
  const std::string cpu = absl::StrFormat("%.0f/%.0f/%.0f", per_call(r.cpu.client), per_call(r.cpu.service),
                                          per_call(r.cpu.postgres));
  const double cores = (r.cpu.client + r.cpu.service + r.cpu.postgres) * us_per_tick / 1e6 / r.seconds;
  std::printf("| %-16s | %5d | %9.0f | %8s | %8s | %8s | %20s | %5.2f | %s\n", r.scenario.c_str(), r.concurrency,
              r.calls_per_s(), Ms(Percentile(r.expected_us, 0.50)).c_str(),
              Ms(Percentile(r.expected_us, 0.90)).c_str(), Ms(Percentile(r.expected_us, 0.99)).c_str(),
              cpu.c_str(), cores, ErrorsText(r).c_str());
  std::fflush(stdout);
}

std::string Uptime() {
  testing::CommandResult r = testing::RunCommand("uptime");
  std::string s = r.output;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace meltingdoc::bench
