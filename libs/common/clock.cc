#include "libs/common/clock.h"

namespace meltingdoc {
namespace {
class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};
}  // namespace

Clock& Clock::Real() {
  static RealClock* clock = new RealClock();  // never destroyed: used until exit
  return *clock;
}

}  // namespace meltingdoc
