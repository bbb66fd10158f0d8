#include "services/identity/revocation.h"

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace meltingdoc::identity {

absl::Status RevocationMirror::Write(const std::vector<RevokedSession>& revoked) {
  const absl::Time now = clock_->Now();
  for (const RevokedSession& r : revoked) {
    const absl::Duration left = r.revoked_at + keep_ - now;
    if (left <= absl::ZeroDuration()) continue;
    const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(left));
    RETURN_IF_ERROR(redis_->Command({"SET", absl::StrCat(kRevokedKeyPrefix, r.session_id), "1", "PX",
                                     absl::StrCat(ms)})
                        .status());
  }
  return absl::OkStatus();
}

bool RevocationMirror::Add(const std::vector<RevokedSession>& revoked) {
  if (!Write(revoked).ok()) {
    lost_write_ = true;
    dirty_ = true;
    return false;
  }
  return true;
}

std::optional<bool> RevocationMirror::IsRevoked(const std::string& session_id) {
  if (dirty_.load()) return std::nullopt;
  absl::StatusOr<redis::RedisReply> reply =
      redis_->Command({"MGET", kRevokedReadyKey, absl::StrCat(kRevokedKeyPrefix, session_id)});
  if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != 2) {
    return std::nullopt;
  }
  if (reply->elements[0].type == redis::RedisReply::Type::kNil) {
    dirty_ = true;  // Redis lost the mirror (restart): resync before trusting it again
    return std::nullopt;
  }
  return reply->elements[1].type != redis::RedisReply::Type::kNil;
}

absl::Status RevocationMirror::Resync(
    const std::function<absl::StatusOr<std::vector<RevokedSession>>(absl::Time since)>& load) {
  if (!dirty_.load()) {
    // Still complete? A Redis restart removes the marker.
    ASSIGN_OR_RETURN(redis::RedisReply reply, redis_->Command({"EXISTS", kRevokedReadyKey}));
    if (reply.integer == 1) return absl::OkStatus();
    dirty_ = true;
  }
  if (lost_write_.load()) {
    // Other processes must stop trusting the mirror too, until it is complete again.
    RETURN_IF_ERROR(redis_->Command({"DEL", kRevokedReadyKey}).status());
    lost_write_ = false;
  }
  ASSIGN_OR_RETURN(std::vector<RevokedSession> recent, load(clock_->Now() - keep_));
  RETURN_IF_ERROR(Write(recent));
  RETURN_IF_ERROR(redis_->Command({"SET", kRevokedReadyKey, "1"}).status());
  // A write that failed while we were loading set lost_write_ again: stay dirty then.
  if (!lost_write_.load()) dirty_ = false;
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
