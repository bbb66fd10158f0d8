// PgDiscussionsStore, part five: follows and notifications.
#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;
using namespace pgstore;  // NOLINT: the helpers of this store

absl::Status PgDiscussionsStore::SetFollow(const std::string& account, bool moderator, const std::string& case_id,
                                           bool follow) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    if (!SelectVisibleCase(txn, account, moderator, case_id)) return CaseNotFound();
    if (follow) {
      txn.exec_params(
          "INSERT INTO case_follows (case_id, account_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
          case_id, account);
    } else {
      txn.exec_params("DELETE FROM case_follows WHERE case_id = $1::uuid AND account_id = $2::uuid", case_id,
                      account);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Notification>> PgDiscussionsStore::ListNotifications(const std::string& account,
                                                                                    int64_t before_id, int limit) {
  return pg::InTransaction<std::vector<v1::Notification>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Notification>> {
        const pqxx::result rows = txn.exec_params(
            "SELECT notification_id, kind, case_id::text, coalesce(reply_id::text, ''), actor_id::text, "
            "  read_at IS NOT NULL, (extract(epoch FROM created_at) * 1000000)::int8 "
            "FROM notifications WHERE account_id = $1::uuid AND ($2::int8 = 0 OR notification_id < $2::int8) "
            "ORDER BY notification_id DESC LIMIT $3",
            account, before_id, limit);
        std::vector<v1::Notification> out;
        for (const pqxx::row& r : rows) {
          v1::Notification& n = out.emplace_back();
          n.set_notification_id(r[0].as<int64_t>());
          n.set_kind(r[1].as<std::string>() == "new_reply" ? v1::NOTIFICATION_KIND_NEW_REPLY
                                                           : v1::NOTIFICATION_KIND_REPLY_ACCEPTED);
          n.set_case_id(r[2].as<std::string>());
          n.set_reply_id(r[3].as<std::string>());
          n.set_actor_id(r[4].as<std::string>());
          n.set_read(r[5].as<bool>());
          *n.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[6].as<int64_t>());
        }
        return out;
      });
}

absl::StatusOr<int64_t> PgDiscussionsStore::MarkNotificationsRead(const std::string& account, int64_t up_to_id) {
  return pg::InTransaction<int64_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
    const pqxx::result r = txn.exec_params(
        "UPDATE notifications SET read_at = clock_timestamp() "
        "WHERE account_id = $1::uuid AND read_at IS NULL AND ($2::int8 = 0 OR notification_id <= $2::int8)",
        account, up_to_id);
    return static_cast<int64_t>(r.affected_rows());
  });
}

absl::StatusOr<int64_t> PgDiscussionsStore::CountUnread(const std::string& account) {
  return pg::InTransaction<int64_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
    return txn
        .exec_params1("SELECT count(*) FROM notifications WHERE account_id = $1::uuid AND read_at IS NULL", account)[0]
        .as<int64_t>();
  });
}

}  // namespace meltingdoc::discussions
