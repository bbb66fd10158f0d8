#include "services/discussions/unread_counts.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc::discussions {

absl::StatusOr<int64_t> UnreadCounts::Get(const std::string& account) {
  if (redis_ != nullptr) {
    absl::StatusOr<redis::RedisReply> cached = redis_->Command({"GET", KeyOf(account)});
    int64_t n = 0;
    if (cached.ok() && cached->type == redis::RedisReply::Type::kString && absl::SimpleAtoi(cached->str, &n)) {
      return n;
    }
  }
  absl::StatusOr<int64_t> counted = store_->CountUnread(account);
  if (!counted.ok()) return counted.status();
  if (redis_ != nullptr) {
    (void)redis_->Command({"SET", KeyOf(account), absl::StrCat(*counted), "EX", "60"});
  }
  return *counted;
}

void UnreadCounts::Forget(const std::vector<std::string>& accounts) {
  if (redis_ == nullptr || accounts.empty()) return;
  std::vector<std::string> argv{"DEL"};
  for (const std::string& a : accounts) argv.push_back(KeyOf(a));
  (void)redis_->Command(argv);
}

}  // namespace meltingdoc::discussions
