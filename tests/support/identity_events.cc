#include "tests/support/identity_events.h"

#include "libs/common/uuid.h"

namespace meltingdoc::testing {

events::v1::Event AccountVerifiedEvent(const std::string& account_id, const std::string& rpps,
                                       const std::string& given_name, const std::string& family_name,
                                       const std::string& specialty_code, int64_t version) {
  events::v1::Event e;
  e.set_event_id(NewUuid());
  e.set_aggregate_type("account");
  e.set_aggregate_id(account_id);
  e.set_aggregate_version(version);
  events::v1::AccountVerified* v = e.mutable_account_verified();
  v->set_account_id(account_id);
  v->set_rpps(rpps);
  v->set_civility("Dr");
  v->set_given_name(given_name);
  v->set_family_name(family_name);
  v->set_specialty_code(specialty_code);
  return e;
}

absl::Status PublishIdentityEvent(redis::RedisClient& redis, const events::v1::Event& event) {
  std::string payload;
  if (!event.SerializeToString(&payload)) return absl::InternalError("event does not serialize");
  return redis.Command({"XADD", "meltingdoc.identity", "*", "event_id", event.event_id(), "payload", payload})
      .status();
}

}  // namespace meltingdoc::testing
