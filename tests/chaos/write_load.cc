#include "tests/chaos/write_load.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/common/uuid.h"
#include "tests/support/http_client.h"

namespace meltingdoc::testing {
namespace {

constexpr char kGeneralSpace[] = "00000000-0000-4000-8000-000000000001";

// The value of the first `"<name>":"..."` in a JSON text, or "".
std::string JsonString(const std::string& body, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t at = body.find(key);
  if (at == std::string::npos) return "";
  const size_t from = at + key.size();
  const size_t to = body.find('"', from);
  return to == std::string::npos ? "" : body.substr(from, to - from);
}

// One lap of the mix: 2 new cases, 3 replies, 5 reads (every service; the search is for the
// words of the cases the load writes).
constexpr LoadOp kCycle[] = {LoadOp::kCreateCase, LoadOp::kAddReply,   LoadOp::kGetCase,
                             LoadOp::kGetAccount, LoadOp::kAddReply,   LoadOp::kCreateCase,
                             LoadOp::kGetProfile, LoadOp::kAddReply,   LoadOp::kSearch,
                             LoadOp::kGetCase};

}  // namespace

const char* LoadOpName(LoadOp op) {
  switch (op) {
    case LoadOp::kCreateCase: return "CreateCase";
    case LoadOp::kAddReply: return "AddReply";
    case LoadOp::kGetCase: return "GetCase";
    case LoadOp::kGetAccount: return "GetAccount";
    case LoadOp::kGetProfile: return "GetProfile";
    case LoadOp::kSearch: return "Search";
  }
  return "?";
}

const char* ServiceOf(LoadOp op) {
  switch (op) {
    case LoadOp::kCreateCase:
    case LoadOp::kAddReply:
    case LoadOp::kGetCase: return "discussions";
    case LoadOp::kGetAccount: return "identity";
    case LoadOp::kGetProfile: return "profiles";
    case LoadOp::kSearch: return "search";
  }
  return "?";
}

std::string FaultFigures::ToString() const {
  std::string by_status;
  for (const auto& [status, n] : failed_by_status) absl::StrAppend(&by_status, " ", status, ":", n);
  std::string by_op;
  for (const auto& [op, n] : failed_by_op) absl::StrAppend(&by_op, " ", op, ":", n);
  return absl::StrFormat(
      "requests=%d failed=%d recovery_ms=%.0f last_failure_ms=%.0f max_latency_ms=%.0f failed_by_status={%s } "
      "failed_by_op={%s }",
      requests, failed, recovery_ms, last_failure_ms, max_latency_ms, by_status, by_op);
}

struct WriteLoad::Worker {
  int index = 0;
  std::vector<LoadDoctor> doctors;
  std::vector<WriteRecord> cases;
  std::vector<WriteRecord> replies;
  std::vector<std::string> acked_case_ids;
  std::mt19937 rng;
  size_t step = 0;
  int next_id = 0;
};

WriteLoad::WriteLoad(LoadOptions options) : options_(std::move(options)) {
  const int n = std::max(1, std::min<int>(options_.workers, static_cast<int>(options_.doctors.size())));
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    w->rng.seed(static_cast<unsigned>(i * 7919 + 17));
    workers_.push_back(std::move(w));
  }
  for (size_t d = 0; d < options_.doctors.size(); ++d) workers_[d % n]->doctors.push_back(options_.doctors[d]);
}

WriteLoad::~WriteLoad() { Stop(absl::ZeroDuration()); }

void WriteLoad::Start() {
  for (auto& w : workers_) threads_.emplace_back([this, wp = w.get()] { Run(wp); });
}

void WriteLoad::Stop(absl::Duration settle) {
  if (threads_.empty()) return;
  settle_deadline_ = absl::Now() + settle;
  settle_only_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WriteLoad::Record(LoadOp op, absl::Time start, int status, bool ok) {
  absl::MutexLock lock(&mu_);
  records_.push_back({op, start, absl::Now(), status, ok});
}

bool WriteLoad::Attempt(Worker* w, WriteRecord* write, bool is_case) {
  HttpCall call;
  call.method = "POST";
  call.timeout = options_.request_timeout;
  const LoadDoctor* doctor = nullptr;
  for (const LoadDoctor& d : w->doctors) {
    if (d.account_id == write->author_id) doctor = &d;
  }
  call.headers = {{"Authorization", "Bearer " + doctor->access_token}, {"Content-Type", "application/json"}};
  if (is_case) {
    call.target = absl::StrCat("/v1/cases?requestId=", write->request_id);
    call.body = absl::StrCat(
        R"({"spaceId":")", kGeneralSpace, R"(","title":"Fièvre prolongée )", write->request_id,
        R"(","body":{"context":"Adulte jeune, fièvre depuis trois semaines, bilan infectieux initial négatif.",)",
        R"("question":"Quels examens proposer ensuite ?"},"competenceTags":["chaos"]})");
  } else {
    call.target = absl::StrCat("/v1/cases/", write->case_id, "/replies");
    call.body = absl::StrCat(R"({"text":"Je proposerais un TEP-scanner et des hémocultures répétées.","requestId":")",
                             write->request_id, R"("})");
  }
  ++write->attempts;
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResult> r = HttpRequest(options_.gateway_port, call);
  const int status = r.ok() ? r->status : 0;
  const bool ok = status == 200;
  Record(is_case ? LoadOp::kCreateCase : LoadOp::kAddReply, start, status, ok);
  if (!ok) return false;
  if (is_case) {
    write->case_id = JsonString(r->body, "caseId");
    w->acked_case_ids.push_back(write->case_id);
  } else {
    write->reply_id = JsonString(r->body, "replyId");
  }
  write->acknowledged = true;
  return true;
}

void WriteLoad::Read(Worker* w, LoadOp op) {
  const LoadDoctor& doctor = w->doctors[w->rng() % w->doctors.size()];
  std::string target;
  std::string token = doctor.access_token;
  switch (op) {
    case LoadOp::kGetCase:
      if (w->acked_case_ids.empty()) return;
      target = absl::StrCat("/v1/cases/", w->acked_case_ids[w->rng() % w->acked_case_ids.size()]);
      break;
    case LoadOp::kGetAccount:
      target = absl::StrCat("/v1/accounts/", doctor.account_id);
      break;
    case LoadOp::kGetProfile:
      target = absl::StrCat("/v1/profiles/", NewUuid());  // 404 from profiles: it answered
      break;
    case LoadOp::kSearch:
      target = "/v1/search/cases?query=fievre%20prolongee&pageSize=10";
      break;
    default:
      return;
  }
  HttpCall call;
  call.target = target;
  call.timeout = options_.request_timeout;
  call.headers = {{"Authorization", "Bearer " + token}};
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResult> r = HttpRequest(options_.gateway_port, call);
  const int status = r.ok() ? r->status : 0;
  const bool ok = status == 200 || (op == LoadOp::kGetProfile && status == 404);
  Record(op, start, status, ok);
}

void WriteLoad::Run(Worker* w) {
  const absl::Duration interval =
      absl::Seconds(static_cast<double>(workers_.size()) / options_.requests_per_second);
  // Workers start spread over one interval, so the load is even.
  absl::Time next = absl::Now() + interval * w->index / static_cast<double>(workers_.size());
  WriteRecord* pending = nullptr;  // an unacknowledged write, retried before any new write
  bool pending_is_case = false;
  absl::Time retry_at;
  absl::Duration backoff;
  auto attempt = [&](WriteRecord* write, bool is_case) {
    if (Attempt(w, write, is_case)) {
      pending = nullptr;
      return;
    }
    // Safe to keep: nothing is added to either list until this write is acknowledged.
    if (pending == nullptr) backoff = absl::Milliseconds(100);
    pending = write;
    pending_is_case = is_case;
    retry_at = absl::Now() + backoff;
    backoff = std::min(backoff * 2, absl::Seconds(1));
  };
  while (true) {
    if (settle_only_) {
      if (pending == nullptr || absl::Now() >= settle_deadline_) return;
    }
    const absl::Time now = absl::Now();
    if (next > now) absl::SleepFor(next - now);
    next += interval;
    if (next < absl::Now() - interval) next = absl::Now();  // fell behind: no burst to catch up
    if (pending != nullptr && (settle_only_ || absl::Now() >= retry_at)) {
      attempt(pending, pending_is_case);
      continue;
    }
    if (settle_only_) continue;
    LoadOp op = kCycle[w->step++ % (sizeof(kCycle) / sizeof(kCycle[0]))];
    if (op == LoadOp::kAddReply && w->acked_case_ids.empty()) op = LoadOp::kCreateCase;
    const bool write = op == LoadOp::kCreateCase || op == LoadOp::kAddReply;
    if (!write || pending != nullptr) {
      // A client waits for its write before the next one, and reads meanwhile.
      static constexpr LoadOp kReads[] = {LoadOp::kGetCase, LoadOp::kGetAccount, LoadOp::kGetProfile,
                                          LoadOp::kSearch};
      Read(w, write ? kReads[w->step % 4] : op);
      continue;
    }
    const bool is_case = op == LoadOp::kCreateCase;
    WriteRecord record;
    record.author_id = w->doctors[w->rng() % w->doctors.size()].account_id;
    record.request_id = absl::StrCat("chaos-", w->index, "-", w->next_id++, "-", NewUuid().substr(0, 8));
    if (!is_case) record.case_id = w->acked_case_ids[w->rng() % w->acked_case_ids.size()];
    std::vector<WriteRecord>& list = is_case ? w->cases : w->replies;
    list.push_back(std::move(record));
    attempt(&list.back(), is_case);
  }
}

std::vector<RequestRecord> WriteLoad::Records() const {
  absl::MutexLock lock(&mu_);
  return records_;
}

std::vector<WriteRecord> WriteLoad::Cases() const {
  std::vector<WriteRecord> out;
  for (const auto& w : workers_) out.insert(out.end(), w->cases.begin(), w->cases.end());
  return out;
}

std::vector<WriteRecord> WriteLoad::Replies() const {
  std::vector<WriteRecord> out;
  for (const auto& w : workers_) out.insert(out.end(), w->replies.begin(), w->replies.end());
  return out;
}

FaultFigures WriteLoad::Figures(absl::Time from, absl::Time to, const std::set<std::string>& services) const {
  FaultFigures f;
  absl::Time first_ok = absl::InfiniteFuture();
  for (const RequestRecord& r : Records()) {
    if (r.start < from || r.start >= to) continue;
    if (!services.empty() && services.count(ServiceOf(r.op)) == 0) continue;
    ++f.requests;
    f.max_latency_ms = std::max(f.max_latency_ms, absl::ToDoubleMilliseconds(r.end - r.start));
    if (!r.ok) {
      ++f.failed;
      ++f.failed_by_status[r.status];
      ++f.failed_by_op[LoadOpName(r.op)];
      f.last_failure_ms = std::max(f.last_failure_ms, absl::ToDoubleMilliseconds(r.end - from));
    } else if (r.end < first_ok) {
      first_ok = r.end;
    }
  }
  if (first_ok != absl::InfiniteFuture()) f.recovery_ms = absl::ToDoubleMilliseconds(first_ok - from);
  return f;
}

int WriteLoad::TotalRequests() const { return static_cast<int>(Records().size()); }

int WriteLoad::TotalFailed() const {
  int n = 0;
  for (const RequestRecord& r : Records()) n += r.ok ? 0 : 1;
  return n;
}

}  // namespace meltingdoc::testing
