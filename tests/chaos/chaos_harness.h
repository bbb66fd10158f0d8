// What every chaos test shares: the suite on a private Redis (append-only, as deployed), real
// doctors signed up and logged in through the gateway, the write load, and the checks that
// end every fault: each acknowledged write exists exactly once, read back from PostgreSQL and
// through the API, every committed change was published, and search's index matches its
// source (discussions) exactly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/chaos/write_load.h"
#include "tests/support/local_redis.h"
#include "tests/support/suite_stack.h"

namespace meltingdoc::testing {

inline constexpr char kDoctorPassword[] = "Un mot de passe de garde 2026";

struct LoginResult {
  std::string access_token;
  std::string session_id;
};

// POST /v1/sessions:login through the gateway.
absl::StatusOr<LoginResult> LoginThroughGateway(int port, const std::string& email,
                                                const std::string& password);

// Registers `n` doctors through the gateway, confirms their addresses with the mailed codes,
// marks them verified (SQL, standing in for the RPPS check done elsewhere in identity), and
// logs each in. `emails` receives their addresses.
absl::StatusOr<std::vector<LoadDoctor>> SignUpDoctors(SuiteStack& stack, int n,
                                                      std::vector<std::string>* emails = nullptr);

// Every acknowledged case and reply exists exactly once in PostgreSQL with the id the client
// was given; no row exists for a request the load never made; each case's reply_count equals
// its replies; every acknowledged case answers GetCase through the gateway. Returns the list
// of violations ("" when none).
std::string CheckWritesExactlyOnce(SuiteStack& stack, const WriteLoad& load, const std::string& token);

// Waits until discussions' outbox has no unpublished row.
absl::Status WaitForOutboxDrained(SuiteStack& stack, absl::Duration timeout);

// Waits until search's index holds exactly the sources' state for the load's authors: every
// case and reply at the version discussions has (reply counts included), nothing indexed
// that discussions does not have. Returns the last mismatch on timeout.
absl::Status WaitForSearchIndexToMatch(SuiteStack& stack, const WriteLoad& load, absl::Duration timeout);

// Runs `sql` as the superuser and returns the single value it prints ("" on error).
std::string SqlValue(SuiteStack& stack, const std::string& sql);

// One chaos test: a private Redis (append-only), the stack with the gateway (deadline 1 s,
// rate limits out of the way of the load) and four doctors.
class ChaosTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The load at `rate` requests/s, started.
  void StartLoad(double rate, int workers = 4);
  // Stops the load (retrying unacknowledged writes) and runs the end-of-fault checks.
  void StopLoadAndCheck();
  // Prints a figure line ("CHAOS <test> <what> <figures>") for docs/operations.md.
  static void Report(const std::string& what, const FaultFigures& f);

  std::unique_ptr<LocalRedis> redis_;
  std::unique_ptr<SuiteStack> stack_;
  std::vector<LoadDoctor> doctors_;
  std::vector<std::string> emails_;
  std::unique_ptr<WriteLoad> load_;
  // Set by a test that runs its own PostgreSQL cluster before calling SetUp().
  int pg_port_ = 0;
};

}  // namespace meltingdoc::testing
