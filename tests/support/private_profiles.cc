#include "tests/support/private_profiles.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace meltingdoc::testing {

absl::StatusOr<std::unique_ptr<PrivateProfiles>> PrivateProfiles::Start(int pg_port, const TestTokens& tokens) {
  auto p = std::make_unique<PrivateProfiles>();
  auto db = ScratchDatabase::Create(pg_port);
  if (!db.ok()) return db.status();
  p->db = std::move(db).value();
  auto redis = LocalRedis::Create();
  if (!redis.ok()) return redis.status();
  p->redis = std::move(redis).value();
  auto sp = ServiceProcess::Start({.service = "profiles",
                                   .pg_url = p->db->Url("profiles"),
                                   .redis_port = p->redis->port(),
                                   .public_keys_file = tokens.public_keys_file(),
                                   .extra_env = {}});
  if (!sp.ok()) return sp.status();
  p->service = std::move(sp).value();
  if (absl::Status s = p->service->WaitForHealth(true, absl::Seconds(60)); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "\n", p->service->ReadLog()));
  }
  return p;
}

}  // namespace meltingdoc::testing
