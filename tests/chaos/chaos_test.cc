// Faults under a steady load through the gateway (tests/chaos/write_load.h). Each test ends
// with the same checks (ChaosTest::StopLoadAndCheck): every acknowledged write exists exactly
// once, nothing exists that was not asked for, every committed change was published, and
// search's index holds exactly discussions' state (every case and reply at its version).
// Figures are printed as "CHAOS <test> <what> requests=... failed=... recovery_ms=..." lines
// (recorded in docs/operations.md and bench/README.md).
#include <signal.h>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/chaos/chaos_harness.h"
#include "tests/support/http_client.h"
#include "tests/support/local_postgres.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

// kill -9 of each process in turn, restarted at once by the harness (as a supervisor would):
// only the killed process's routes fail, and only until it is back.
TEST_F(ChaosTest, KillNineEachProcessInTurn) {
  StartLoad(50);
  absl::SleepFor(absl::Seconds(2));
  std::vector<std::string> order = SuiteStack::ServiceNames();
  order.push_back("gateway");
  for (const std::string& name : order) {
    const absl::Time killed = absl::Now();
    absl::Status restarted = name == "gateway" ? stack_->RestartGateway() : stack_->RestartService(name, SIGKILL);
    ASSERT_TRUE(restarted.ok()) << name << ": " << restarted;
    const absl::Duration restart = absl::Now() - killed;
    absl::SleepFor(absl::Seconds(3));
    const std::set<std::string> affected = name == "gateway" ? std::set<std::string>{} : std::set<std::string>{name};
    FaultFigures f = load_->Figures(killed, absl::Now(), affected);
    Report(absl::StrCat("kill-9 ", name, " restart_ms=", absl::ToInt64Milliseconds(restart)), f);
    EXPECT_GE(f.recovery_ms, 0) << name << ": its routes never answered again";
    EXPECT_LT(f.recovery_ms, 8000) << name;
    // The other services' routes did not notice.
    if (name != "gateway") {
      std::set<std::string> others;
      for (const std::string& s : SuiteStack::ServiceNames()) {
        if (s != name) others.insert(s);
      }
      FaultFigures o = load_->Figures(killed, absl::Now(), others);
      EXPECT_EQ(o.failed, 0) << name << " killed, other routes: " << o.ToString();
    }
  }
  StopLoadAndCheck();
}

// Redis killed (SIGKILL) and restarted from its append-only file. While it is away, reads,
// writes and logins go on, a session revoked before the crash or during the outage stays
// revoked, and nothing is lost: events wait in the outbox.
TEST_F(ChaosTest, RedisKilledAndRestarted) {
  const int port = stack_->gateway_port();
  const std::string& email = emails_[0];
  const std::string account_path = "/v1/accounts/" + doctors_[0].account_id;
  auto before = LoginThroughGateway(port, email, kDoctorPassword);
  ASSERT_TRUE(before.ok()) << before.status();
  auto during = LoginThroughGateway(port, email, kDoctorPassword);
  ASSERT_TRUE(during.ok()) << during.status();
  HttpCall logout{.method = "POST", .target = "/v1/sessions:logout",
                  .headers = {{"Authorization", "Bearer " + before->access_token}, {"Content-Type", "application/json"}},
                  .body = "{}"};
  auto out = HttpRequest(port, logout);
  ASSERT_TRUE(out.ok() && out->status == 200) << (out.ok() ? out->body : out.status().ToString());

  StartLoad(50);
  absl::SleepFor(absl::Seconds(2));
  const absl::Time killed = absl::Now();
  redis_->Kill();
  absl::SleepFor(absl::Milliseconds(500));
  // Revoked before the crash: still refused.
  auto r = HttpGetAs(port, account_path, before->access_token);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401) << r->body;
  // Logins work.
  const absl::Time login_start = absl::Now();
  auto fresh = LoginThroughGateway(port, email, kDoctorPassword);
  EXPECT_TRUE(fresh.ok()) << fresh.status();
  std::printf("CHAOS RedisKilledAndRestarted login during outage: %s in %lld ms\n", fresh.ok() ? "ok" : "failed",
              static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - login_start)));
  if (fresh.ok()) {
    r = HttpGetAs(port, account_path, fresh->access_token);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
  }
  // Revoked during the outage (only PostgreSQL knows): refused now and after Redis returns.
  logout.headers[0].second = "Bearer " + during->access_token;
  out = HttpRequest(port, logout);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, 200) << out->body;
  r = HttpGetAs(port, account_path, during->access_token);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401) << r->body;
  absl::SleepFor(absl::Seconds(2));
  const absl::Time back = absl::Now();
  ASSERT_TRUE(redis_->Start().ok());
  FaultFigures outage = load_->Figures(killed, back, {});
  Report("redis-down", outage);
  EXPECT_EQ(outage.failed, 0) << "requests failed while Redis was down";
  absl::SleepFor(absl::Seconds(3));
  FaultFigures after = load_->Figures(back, absl::Now(), {});
  Report("redis-back", after);
  EXPECT_EQ(after.failed, 0);
  for (const std::string* token : {&before->access_token, &during->access_token}) {
    r = HttpGetAs(port, account_path, *token);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401) << "a revoked session came back after Redis restarted: " << r->body;
  }
  auto again = LoginThroughGateway(port, email, kDoctorPassword);
  EXPECT_TRUE(again.ok()) << again.status();
  StopLoadAndCheck();
}

// A rolling restart: each service in turn gets a replacement on its port, then SIGTERM
// (drain). At 50 requests/s not one request fails.
TEST_F(ChaosTest, RollingRestartWithSigtermFailsNothing) {
  StartLoad(50);
  absl::SleepFor(absl::Seconds(2));
  const absl::Time from = absl::Now();
  for (const std::string& name : SuiteStack::ServiceNames()) {
    const absl::Time t = absl::Now();
    absl::StatusOr<int> code = stack_->ReplaceService(name);
    ASSERT_TRUE(code.ok()) << name << ": " << code.status();
    EXPECT_EQ(*code, 0) << name << " did not exit cleanly after SIGTERM";
    std::printf("CHAOS RollingRestartWithSigtermFailsNothing replaced %s in %lld ms\n", name.c_str(),
                static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - t)));
    absl::SleepFor(absl::Seconds(1));
  }
  FaultFigures f = load_->Figures(from, absl::Now(), {});
  Report("rolling-restart", f);
  for (const std::string& name : SuiteStack::ServiceNames()) {
    Report("rolling-restart " + name, load_->Figures(from, absl::Now(), {name}));
  }
  if (f.failed > 0) {
    for (absl::string_view line : absl::StrSplit(stack_->gateway().ReadLog(), '\n')) {
      if (absl::StrContains(line, "\"status\":5")) std::printf("gateway: %s\n", std::string(line).c_str());
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - from);
  EXPECT_EQ(f.failed, 0) << f.ToString();
  EXPECT_GE(f.requests, 0.9 * 50 * seconds) << "the load did not keep its rate";
  StopLoadAndCheck();
}

// A frozen backend (SIGSTOP): its routes answer 504 within the gateway deadline (1 s) plus
// 100 ms, the other routes are untouched, and it serves again as soon as it thaws (SIGCONT).
TEST_F(ChaosTest, FrozenBackendAnswers504InTimeAndRecovers) {
  StartLoad(50, 8);
  absl::SleepFor(absl::Seconds(2));
  ServiceProcess& discussions = stack_->service("discussions");
  const absl::Time frozen = absl::Now();
  ASSERT_TRUE(discussions.process().Signal(SIGSTOP));
  absl::SleepFor(absl::Seconds(4));
  const absl::Time thawed = absl::Now();
  ASSERT_TRUE(discussions.process().Signal(SIGCONT));
  absl::SleepFor(absl::Seconds(3));

  int answered = 0, late = 0, not_504 = 0;
  double slowest_ms = 0;
  for (const RequestRecord& r : load_->Records()) {
    if (std::string(ServiceOf(r.op)) != "discussions") continue;
    // Requests whose whole deadline fell inside the freeze.
    if (r.start < frozen || r.start + absl::Seconds(1) >= thawed) continue;
    ++answered;
    const double ms = absl::ToDoubleMilliseconds(r.end - r.start);
    slowest_ms = std::max(slowest_ms, ms);
    if (r.status != 504) ++not_504;
    if (ms > 1100) ++late;
  }
  std::printf("CHAOS FrozenBackendAnswers504InTimeAndRecovers frozen: requests=%d not_504=%d over_1100ms=%d slowest_ms=%.0f\n",
              answered, not_504, late, slowest_ms);
  EXPECT_GT(answered, 10);
  EXPECT_EQ(not_504, 0);
  EXPECT_EQ(late, 0) << "slowest " << slowest_ms << " ms";
  FaultFigures others = load_->Figures(frozen, absl::Now(), {"identity", "profiles", "search"});
  Report("frozen-others", others);
  EXPECT_EQ(others.failed, 0);
  FaultFigures recovered = load_->Figures(thawed, absl::Now(), {"discussions"});
  Report("thawed", recovered);
  EXPECT_GE(recovered.recovery_ms, 0);
  EXPECT_LT(recovered.recovery_ms, 2000);
  StopLoadAndCheck();
}

// PostgreSQL stopped with `pg_ctl stop -m immediate` (no checkpoint: a crash) and started
// again: the services stay up, refuse calls quickly while it is away, and serve again within
// seconds of its return; every acknowledged write survived.
class ChaosPostgresTest : public ChaosTest {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto pg = LocalPostgres::Create();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(pg).value();
    pg_port_ = pg_->port();
    ChaosTest::SetUp();
  }
  void TearDown() override {
    ChaosTest::TearDown();
    pg_.reset();
  }
  std::unique_ptr<LocalPostgres> pg_;
};

TEST_F(ChaosPostgresTest, ImmediateStopAndRestart) {
  StartLoad(50);
  absl::SleepFor(absl::Seconds(2));
  const absl::Time stopped = absl::Now();
  ASSERT_TRUE(pg_->StopImmediate().ok());
  absl::SleepFor(absl::Seconds(3));
  FaultFigures down = load_->Figures(stopped + absl::Seconds(1), absl::Now(), {});
  Report("postgres-down", down);
  // Away: calls are refused quickly (no 1 s deadline waits piling up).
  EXPECT_LT(down.max_latency_ms, 1100);
  const absl::Time started = absl::Now();
  ASSERT_TRUE(pg_->Start().ok());
  const absl::Time back = absl::Now();
  absl::SleepFor(absl::Seconds(4));
  FaultFigures up = load_->Figures(back, absl::Now(), {});
  Report(absl::StrCat("postgres-back start_ms=", absl::ToInt64Milliseconds(back - started)), up);
  EXPECT_GE(up.recovery_ms, 0);
  EXPECT_LT(up.recovery_ms, 5000);
  for (const std::string& name : SuiteStack::ServiceNames()) {
    EXPECT_TRUE(stack_->service(name).process().Running()) << name << " exited while PostgreSQL was away";
  }
  // Once recovered, nothing fails any more.
  FaultFigures settled = load_->Figures(back + absl::Milliseconds(up.recovery_ms) + absl::Seconds(1), absl::Now(), {});
  EXPECT_EQ(settled.failed, 0) << settled.ToString();
  StopLoadAndCheck();
}

}  // namespace
}  // namespace meltingdoc::testing
