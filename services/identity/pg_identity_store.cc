#include "services/identity/pg_identity_store.h"

#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"

namespace meltingdoc::identity {
namespace {

v1::AccountStatus StatusFromText(const std::string& s) {
  if (s == "pending_email") return v1::ACCOUNT_STATUS_PENDING_EMAIL;
  if (s == "pending_verification") return v1::ACCOUNT_STATUS_PENDING_VERIFICATION;
  if (s == "verified") return v1::ACCOUNT_STATUS_VERIFIED;
  if (s == "rejected") return v1::ACCOUNT_STATUS_REJECTED;
  if (s == "suspended") return v1::ACCOUNT_STATUS_SUSPENDED;
  return v1::ACCOUNT_STATUS_UNSPECIFIED;
}

v1::Role RoleFromText(const std::string& s) {
  if (s == "doctor") return v1::ROLE_DOCTOR;
  if (s == "moderator") return v1::ROLE_MODERATOR;
  if (s == "admin") return v1::ROLE_ADMIN;
  return v1::ROLE_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<v1::Account> PgIdentityStore::GetAccount(const std::string& account_id) {
  return pg::ReadOneStatement<v1::Account>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Account> {
        const pqxx::result rows = txn.exec_params(
            "SELECT account_id::text, email, civility, given_name, family_name, status, role, "
            "       (extract(epoch FROM created_at) * 1000000)::int8, "
            "       (extract(epoch FROM updated_at) * 1000000)::int8 "
            "FROM accounts WHERE account_id = $1::uuid",
            account_id);
        if (rows.empty()) return absl::NotFoundError("account not found");
        const pqxx::row& r = rows[0];
        v1::Account a;
        a.set_account_id(r[0].as<std::string>());
        a.set_email(r[1].as<std::string>());
        a.set_civility(r[2].as<std::string>());
        a.set_given_name(r[3].as<std::string>());
        a.set_family_name(r[4].as<std::string>());
        a.set_status(StatusFromText(r[5].as<std::string>()));
        a.set_role(RoleFromText(r[6].as<std::string>()));
        *a.mutable_create_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[7].as<int64_t>());
        *a.mutable_update_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[8].as<int64_t>());
        return a;
      });
}

}  // namespace meltingdoc::identity
