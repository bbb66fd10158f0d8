#include "gateway/bearer_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/json_log.h"

namespace meltingdoc::gateway {

struct BearerAuth::Keys {
  auth::KeySet set;
  std::unique_ptr<auth::TokenVerifier> verifier;
};

BearerAuth::BearerAuth(std::string path, const Clock* clock, absl::Duration reload_interval)
    : path_(std::move(path)), clock_(clock), reload_interval_(reload_interval) {}

BearerAuth::~BearerAuth() = default;

absl::StatusOr<std::unique_ptr<BearerAuth>> BearerAuth::Create(std::string public_keys_file,
                                                               const Clock* clock,
                                                               absl::Duration reload_interval) {
  std::unique_ptr<BearerAuth> auth(new BearerAuth(std::move(public_keys_file), clock, reload_interval));
  auto keys = std::make_shared<Keys>();
  if (!auth->path_.empty()) {
    auto set = auth::KeySet::LoadFromFile(auth->path_);
    if (!set.ok()) return set.status();
    keys->set = std::move(set).value();
  }
  keys->verifier = std::make_unique<auth::TokenVerifier>(&keys->set, clock);
  absl::MutexLock lock(&auth->mu_);
  auth->keys_ = std::move(keys);
  auth->last_load_ = clock->Now();
  return auth;
}

absl::StatusOr<absl::string_view> BearerAuth::TokenFromHeader(absl::string_view authorization) {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("the Authorization header must be \"Bearer <access token>\"");
  }
  absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  if (token.empty()) return absl::UnauthenticatedError("empty access token");
  return token;
}

std::shared_ptr<const BearerAuth::Keys> BearerAuth::CurrentKeys() {
  absl::MutexLock lock(&mu_);
  return keys_;
}

void BearerAuth::MaybeReload() {
  if (path_.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    if (clock_->Now() - last_load_ < reload_interval_) return;
    last_load_ = clock_->Now();
  }
  auto set = auth::KeySet::LoadFromFile(path_);
  if (!set.ok()) {
    LogJson({{"msg", "public keys reload failed"}, {"error", set.status().ToString()}});
    return;
  }
  auto keys = std::make_shared<Keys>();
  keys->set = std::move(set).value();
  keys->verifier = std::make_unique<auth::TokenVerifier>(&keys->set, clock_);
  absl::MutexLock lock(&mu_);
  keys_ = std::move(keys);
}

absl::StatusOr<auth::Principal> BearerAuth::Verify(absl::string_view token) {
  // The verifier remembers the tokens it verified (libs/auth/token_verifier.h); a reload makes
  // a new verifier, so a removed key does not keep its tokens alive.
  auto result = CurrentKeys()->verifier->Verify(token);
  if (!result.ok() && absl::StrContains(result.status().message(), "unknown signing key")) {
    MaybeReload();
    result = CurrentKeys()->verifier->Verify(token);
  }
  return result;
}

}  // namespace meltingdoc::gateway
