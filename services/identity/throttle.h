// Brute-force throttling arithmetic (pure; the counters live in a ThrottleStore).
//
// Growing delays, never a permanent lockout (which would let anyone lock a doctor out):
// after `free_failures` consecutive failures, the next attempt must wait base_delay x 2^(n -
// free_failures), capped at max_delay, counted from the last failure. A success on the account
// clears its failures. Failures are forgotten `failure_memory` after the last one.
// Independently, every password check (success or not) of an address counts towards a hard
// cap per hour (fixed one-hour windows).
#pragma once

#include <cstdint>

#include "absl/time/time.h"

namespace meltingdoc::identity {

struct DelayPolicy {
  int free_failures = 5;
  absl::Duration base_delay = absl::Seconds(1);
  absl::Duration max_delay = absl::Minutes(15);
};

struct ThrottlePolicy {
  DelayPolicy account{5, absl::Seconds(1), absl::Minutes(15)};
  DelayPolicy ip{20, absl::Seconds(1), absl::Minutes(15)};
  int max_checks_per_hour = 100;
  absl::Duration failure_memory = absl::Hours(24);
};

// The wait imposed after `failures` consecutive failures (zero while under free_failures).
absl::Duration DelayAfterFailures(const DelayPolicy& policy, int64_t failures);

// How long from `now` an attempt must still wait, given the failures and the time of the last
// one; zero when it may proceed.
absl::Duration RemainingWait(const DelayPolicy& policy, int64_t failures, absl::Time last_failure,
                             absl::Time now);

// The one-hour window `now` falls in (Unix hours) and the time it ends.
int64_t HourWindow(absl::Time now);
absl::Time HourWindowEnd(int64_t window);

}  // namespace meltingdoc::identity
