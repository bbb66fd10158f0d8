// A steady load through the gateway, as doctors make it: new cases, replies, and reads that
// reach every service. Open loop at a fixed rate (a slow answer does not slow the schedule
// down, other workers keep sending). Every write carries a request_id; a write that was not
// acknowledged (non-2xx, timeout, connection error) is retried with the same request_id, as
// a well-behaved client does, until acknowledged or the load stops. Everything is recorded:
// each request's route, times and status, each write's request_id and acknowledged id.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace meltingdoc::testing {

enum class LoadOp { kCreateCase, kAddReply, kGetCase, kGetAccount, kGetProfile, kSearch };
const char* LoadOpName(LoadOp op);
// The backend service a route reaches ("discussions"...).
const char* ServiceOf(LoadOp op);

struct LoadDoctor {
  std::string account_id;
  std::string access_token;
};

struct LoadOptions {
  int gateway_port = 0;
  double requests_per_second = 50;
  int workers = 4;  // doctors are spread over the workers
  std::vector<LoadDoctor> doctors;
  absl::Duration request_timeout = absl::Seconds(3);
};

struct RequestRecord {
  LoadOp op;
  absl::Time start;
  absl::Time end;
  int status = 0;  // HTTP status; 0: no answer (connection refused, reset, timeout)
  bool ok = false;
};

struct WriteRecord {
  std::string author_id;
  std::string request_id;
  std::string case_id;   // the case created, or the case replied to
  std::string reply_id;  // replies only
  bool acknowledged = false;
  int attempts = 0;
};

// Figures of one fault, for the routes of the affected services.
struct FaultFigures {
  int requests = 0;       // started at or after the fault
  int failed = 0;         // of which not ok
  // From the fault to the end of the first ok request started after it; -1 when none.
  double recovery_ms = -1;
  // From the fault to the end of the last failed request; -1 when none failed.
  double last_failure_ms = -1;
  double max_latency_ms = 0;
  std::map<int, int> failed_by_status;
  std::map<std::string, int> failed_by_op;  // LoadOpName -> count
  std::string ToString() const;
};

class WriteLoad {
 public:
  explicit WriteLoad(LoadOptions options);
  ~WriteLoad();  // Stop()s

  void Start();
  // Stops sending new work, then retries unacknowledged writes for up to `settle` (the
  // stack is whole again by then), and joins the workers.
  void Stop(absl::Duration settle = absl::Seconds(20));

  std::vector<RequestRecord> Records() const;
  std::vector<WriteRecord> Cases() const;
  std::vector<WriteRecord> Replies() const;

  // Requests of `services` ("" = all) started in [from, to).
  FaultFigures Figures(absl::Time from, absl::Time to, const std::set<std::string>& services) const;
  int TotalRequests() const;
  int TotalFailed() const;

 private:
  struct Worker;
  void Run(Worker* w);
  bool Attempt(Worker* w, WriteRecord* write, bool is_case);
  void Read(Worker* w, LoadOp op);
  void Record(LoadOp op, absl::Time start, int status, bool ok);

  LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> settle_only_{false};
  absl::Time settle_deadline_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  mutable absl::Mutex mu_;
  std::vector<RequestRecord> records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meltingdoc::testing
