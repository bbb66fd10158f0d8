// identity's events as identity publishes them, for the tests and benchmarks of its consumers
// (profiles, and through profiles discussions and search).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"

namespace meltingdoc::testing {

// AccountVerified of a doctor (civility "Dr"), aggregate "account" at `version`, a new event
// id; `rpps` may be empty (a doctor verified by ADELI). Register sites and savoir-faire are the
// caller's to add.
events::v1::Event AccountVerifiedEvent(const std::string& account_id, const std::string& rpps,
                                       const std::string& given_name, const std::string& family_name,
                                       const std::string& specialty_code, int64_t version = 1);

// XADD on meltingdoc.identity, as identity's outbox relay writes it (fields event_id, payload).
absl::Status PublishIdentityEvent(redis::RedisClient& redis, const events::v1::Event& event);

}  // namespace meltingdoc::testing
