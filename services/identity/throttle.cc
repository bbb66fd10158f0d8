#include "services/identity/throttle.h"

#include <algorithm>

namespace meltingdoc::identity {

absl::Duration DelayAfterFailures(const DelayPolicy& policy, int64_t failures) {
  if (failures < policy.free_failures) return absl::ZeroDuration();
  const int64_t doublings = failures - policy.free_failures;
  // 2^30 seconds is decades: any cap is reached long before, and the shift cannot overflow.
  if (doublings >= 30) return policy.max_delay;
  return std::min(policy.max_delay, policy.base_delay * (int64_t{1} << doublings));
}

absl::Duration RemainingWait(const DelayPolicy& policy, int64_t failures, absl::Time last_failure,
                             absl::Time now) {
  const absl::Time allowed = last_failure + DelayAfterFailures(policy, failures);
  return allowed > now ? allowed - now : absl::ZeroDuration();
}

int64_t HourWindow(absl::Time now) { return absl::ToUnixSeconds(now) / 3600; }

absl::Time HourWindowEnd(int64_t window) { return absl::FromUnixSeconds((window + 1) * 3600); }

}  // namespace meltingdoc::identity
