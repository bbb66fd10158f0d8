// Closed-loop gRPC load for the benchmarks (bench/*): N slots each keep exactly one call
// outstanding and issue the next as soon as the previous answers; calls that finish during
// the warm-up are not counted. CPU of the client, the server process and the PostgreSQL
// backends of one database is read from /proc at the window's edges. Shared by grpc_load and
// profiles_bench (moved out of grpc_load.cc).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace meltingdoc::bench {

// What a scenario issues: start one async call on `context` (channel index `channel`) and call
// `done` with its status when it ends. Requests and responses are the scenario's to keep
// alive until then (e.g. in a shared_ptr captured by the completion lambda).
struct Scenario {
  std::string name;
  std::string what;
  // The status code this scenario is supposed to produce; anything else counts as an error.
  grpc::StatusCode expected = grpc::StatusCode::OK;
  std::function<void(int channel, grpc::ClientContext& context, std::function<void(grpc::Status)> done)> start;
};

// CPU time (user + system, in clock ticks) of the three parties.
struct CpuTicks {
  int64_t client = 0, service = 0, postgres = 0;
};

struct Result {
  std::string scenario;
  int concurrency = 0;
  double seconds = 0;
  int64_t expected_calls = 0;          // finished with the expected code, in the window
  std::map<int, int64_t> other_codes;  // every other code, in the window
  std::vector<int64_t> expected_us;    // latencies of expected-code calls, sorted
  std::vector<int64_t> other_us;       // latencies of the rest, sorted
  CpuTicks cpu;                        // CPU used during the measured window
  double calls_per_s() const { return expected_calls / seconds; }
};

// utime + stime of /proc/<pid>/stat ("self" for this process), 0 when unreadable.
int64_t ProcessTicks(const std::string& pid);

// This client, a server process, and the PostgreSQL backends serving `database` (their
// command line names it; empty: none).
class CpuMeter {
 public:
  CpuMeter(pid_t service_pid, std::string database) : service_pid_(service_pid), database_(std::move(database)) {}
  CpuTicks Read() const;

 private:
  pid_t service_pid_;
  std::string database_;
};

// Runs `concurrency` slots in a closed loop for warm-up + duration, then waits for the
// outstanding calls. Only calls that start after the warm-up and end before the stop count.
// With a `backoff`, a slot whose call was refused (RESOURCE_EXHAUSTED) waits backoff x0.5-1.5
// before its next call, as a well-behaved client would. Every call has a 30 s deadline.
Result RunClosedLoop(const Scenario& scenario, int concurrency, int channels, absl::Duration warmup,
                     absl::Duration duration, const CpuMeter* meter = nullptr,
                     absl::Duration backoff = absl::ZeroDuration());

// Nearest-rank percentile of sorted values (0 when empty).
int64_t Percentile(const std::vector<int64_t>& sorted, double p);
std::string CodeName(int code);
std::string ErrorsText(const Result& r);  // "0" or "NOT_FOUND=3 ..."
std::string Ms(int64_t us);               // "1.25"
int64_t AllCalls(const Result& r);
// Microseconds of CPU per call in the server process and the PostgreSQL backends together.
double ServerCpuPerCall(const Result& r);

// A markdown table: scenario, concurrency, calls/s, p50/p90/p99, CPU per call (client /
// server / PostgreSQL), cores used, other codes.
void PrintHeader();
void PrintRow(const Result& r);

// `uptime`'s line (load averages), without the newline.
std::string Uptime();

}  // namespace meltingdoc::bench
