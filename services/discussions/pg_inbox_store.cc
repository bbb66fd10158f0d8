// The SQL of the events discussions consumes (identity's stream).
#include <pqxx/pqxx>

#include "libs/common/uuid.h"
#include "services/discussions/pg_discussions_store.h"

namespace meltingdoc::discussions {

absl::Status ApplyIdentityEvent(pqxx::transaction_base& txn, const events::v1::Event& event) {
  if (!event.has_account_deleted()) return absl::OkStatus();
  const std::string& account = event.account_deleted().account_id();
  if (!IsValidUuid(account)) return absl::OkStatus();  // nothing to forget; never retried forever
  // Idempotent: a redelivered event changes nothing.
  txn.exec_params("INSERT INTO deleted_accounts (account_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING", account);
  txn.exec_params("DELETE FROM case_follows WHERE account_id = $1::uuid", account);
  txn.exec_params("DELETE FROM notifications WHERE account_id = $1::uuid", account);
  txn.exec_params("DELETE FROM group_invitations WHERE invitee_id = $1::uuid AND status = 'pending'", account);
  txn.exec_params("DELETE FROM space_members WHERE account_id = $1::uuid", account);
  return absl::OkStatus();
}

}  // namespace meltingdoc::discussions
