// PgDiscussionsStore, part three: private groups, invitations and membership.
#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_store.h"
#include "services/discussions/pg_discussions_store.h"
#include "services/discussions/pg_store_internal.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;
using namespace pgstore;  // NOLINT: the helpers of this store

namespace {

constexpr char kInvitationColumns[] =
    "i.invitation_id::text, i.space_id::text, s.title, i.invitee_id::text, i.inviter_id::text, i.status, "
    "(extract(epoch FROM i.created_at) * 1000000)::int8";

v1::Invitation ReadInvitation(const pqxx::row& r) {
  v1::Invitation inv;
  inv.set_invitation_id(r[0].as<std::string>());
  inv.set_space_id(r[1].as<std::string>());
  inv.set_group_title(r[2].as<std::string>());
  inv.set_invitee_id(r[3].as<std::string>());
  inv.set_inviter_id(r[4].as<std::string>());
  const std::string status = r[5].as<std::string>();
  inv.set_status(status == "pending"     ? v1::INVITATION_STATUS_PENDING
                 : status == "accepted"  ? v1::INVITATION_STATUS_ACCEPTED
                 : status == "cancelled" ? v1::INVITATION_STATUS_CANCELLED
                                         : v1::INVITATION_STATUS_DECLINED);
  *inv.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[6].as<int64_t>());
  return inv;
}

v1::Invitation SelectInvitation(pqxx::transaction_base& txn, const std::string& invitation_id) {
  return ReadInvitation(txn.exec_params1(std::string("SELECT ") + kInvitationColumns +
                                             " FROM group_invitations i JOIN spaces s ON s.space_id = i.space_id "
                                             "WHERE i.invitation_id = $1::uuid",
                                         invitation_id));
}

// Bumps the group's version and appends the membership event.
absl::Status MembershipChanged(pqxx::transaction_base& txn, const std::string& space_id,
                               const std::string& account_id, bool member) {
  const pqxx::row r = txn.exec_params1(
      "UPDATE spaces SET version = version + 1 WHERE space_id = $1::uuid RETURNING version, title", space_id);
  events::v1::Event e = NewEvent("space", space_id, r[0].as<int64_t>());
  events::v1::GroupMembershipChanged* p = e.mutable_group_membership_changed();
  p->set_space_id(space_id);
  p->set_account_id(account_id);
  p->set_member(member);
  p->set_group_title(r[1].as<std::string>());
  return outbox::AppendEvent(txn, e);
}

// The caller's role in a private group ("owner", "member"), locking the group row; empty
// when the group does not exist or the caller is not a member.
std::string LockGroupRole(pqxx::transaction_base& txn, const std::string& account_id, const std::string& space_id) {
  const pqxx::result r = txn.exec_params(
      "SELECT m.role FROM spaces s JOIN space_members m ON m.space_id = s.space_id AND m.account_id = $1::uuid "
      "WHERE s.space_id = $2::uuid AND s.kind = 'private_group' FOR UPDATE OF s",
      account_id, space_id);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

absl::Status GroupNotFound() { return absl::NotFoundError("group not found"); }

}  // namespace

absl::StatusOr<v1::Space> PgDiscussionsStore::CreateGroup(const std::string& owner, const std::string& title) {
  return pg::InTransaction<v1::Space>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Space> {
    const std::string space_id = NewUuid();
    const pqxx::row r = txn.exec_params1(
        "INSERT INTO spaces (space_id, kind, title, owner_id) VALUES ($1::uuid, 'private_group', $2, $3::uuid) "
        "RETURNING (extract(epoch FROM created_at) * 1000000)::int8",
        space_id, title, owner);
    txn.exec_params("INSERT INTO space_members (space_id, account_id, role) VALUES ($1::uuid, $2::uuid, 'owner')",
                    space_id, owner);
    RETURN_IF_ERROR(MembershipChanged(txn, space_id, owner, true));
    v1::Space s;
    s.set_space_id(space_id);
    s.set_kind(v1::SPACE_KIND_PRIVATE_GROUP);
    s.set_title(title);
    *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[0].as<int64_t>());
    return s;
  });
}

absl::StatusOr<v1::Invitation> PgDiscussionsStore::InviteToGroup(const std::string& inviter,
                                                                 const std::string& space_id,
                                                                 const std::string& invitee) {
  return pg::InTransaction<v1::Invitation>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Invitation> {
        const std::string role = LockGroupRole(txn, inviter, space_id);
        if (role.empty()) return GroupNotFound();
        if (role != "owner") return absl::PermissionDeniedError("only the owner of the group may invite");
        if (!txn.exec_params("SELECT 1 FROM space_members WHERE space_id = $1::uuid AND account_id = $2::uuid",
                             space_id, invitee)
                 .empty()) {
          return absl::AlreadyExistsError("already a member of the group");
        }
        const pqxx::result pending = txn.exec_params(
            "SELECT invitation_id::text FROM group_invitations "
            "WHERE space_id = $1::uuid AND invitee_id = $2::uuid AND status = 'pending'",
            space_id, invitee);
        if (!pending.empty()) return SelectInvitation(txn, pending[0][0].as<std::string>());
        const std::string invitation_id = NewUuid();
        txn.exec_params(
            "INSERT INTO group_invitations (invitation_id, space_id, invitee_id, inviter_id, status) "
            "VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, 'pending')",
            invitation_id, space_id, invitee, inviter);
        return SelectInvitation(txn, invitation_id);
      });
}

absl::StatusOr<std::vector<v1::Invitation>> PgDiscussionsStore::ListInvitations(const std::string& invitee,
                                                                                int limit) {
  return pg::InTransaction<std::vector<v1::Invitation>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Invitation>> {
        const pqxx::result rows = txn.exec_params(
            std::string("SELECT ") + kInvitationColumns +
                " FROM group_invitations i JOIN spaces s ON s.space_id = i.space_id "
                "WHERE i.invitee_id = $1::uuid AND i.status = 'pending' "
                "ORDER BY i.created_at DESC, i.invitation_id DESC LIMIT $2",
            invitee, limit);
        std::vector<v1::Invitation> out;
        for (const pqxx::row& r : rows) out.push_back(ReadInvitation(r));
        return out;
      });
}

absl::StatusOr<v1::Invitation> PgDiscussionsStore::RespondToInvitation(const std::string& invitee,
                                                                       const std::string& invitation_id,
                                                                       bool accept) {
  return pg::InTransaction<v1::Invitation>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Invitation> {
        const pqxx::result r = txn.exec_params(
            "SELECT space_id::text FROM group_invitations "
            "WHERE invitation_id = $1::uuid AND invitee_id = $2::uuid AND status = 'pending' FOR UPDATE",
            invitation_id, invitee);
        if (r.empty()) return absl::NotFoundError("invitation not found");
        const std::string space_id = r[0][0].as<std::string>();
        txn.exec_params("SELECT 1 FROM spaces WHERE space_id = $1::uuid FOR UPDATE", space_id);
        txn.exec_params(
            "UPDATE group_invitations SET status = $2, responded_at = clock_timestamp() WHERE invitation_id = $1::uuid",
            invitation_id, accept ? "accepted" : "declined");
        if (accept) {
          txn.exec_params(
              "INSERT INTO space_members (space_id, account_id, role) VALUES ($1::uuid, $2::uuid, 'member') "
              "ON CONFLICT DO NOTHING",
              space_id, invitee);
          RETURN_IF_ERROR(MembershipChanged(txn, space_id, invitee, true));
        }
        return SelectInvitation(txn, invitation_id);
      });
}

absl::StatusOr<std::vector<v1::Invitation>> PgDiscussionsStore::ListGroupInvitations(
    const std::string& reader, const std::string& space_id, const std::optional<InvitationCursor>& after, int limit) {
  return pg::InTransaction<std::vector<v1::Invitation>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Invitation>> {
        const pqxx::result role = txn.exec_params(
            "SELECT m.role FROM spaces s JOIN space_members m ON m.space_id = s.space_id AND m.account_id = $1::uuid "
            "WHERE s.space_id = $2::uuid AND s.kind = 'private_group'",
            reader, space_id);
        if (role.empty()) return GroupNotFound();
        if (role[0][0].as<std::string>() != "owner") {
          return absl::PermissionDeniedError("only the owner of the group sees its invitations");
        }
        const pqxx::result rows = txn.exec_params(
            std::string("SELECT ") + kInvitationColumns +
                " FROM group_invitations i JOIN spaces s ON s.space_id = i.space_id "
                "WHERE i.space_id = $1::uuid AND i.status = 'pending' "
                "  AND ($2::int8 IS NULL OR (i.created_at, i.invitation_id) < "
                "       ('epoch'::timestamptz + $2::int8 * interval '1 microsecond', $3::uuid)) "
                "ORDER BY i.created_at DESC, i.invitation_id DESC LIMIT $4",
            space_id, after ? std::optional<int64_t>(after->time_micros) : std::nullopt,
            after ? std::optional<std::string>(after->invitation_id) : std::nullopt, limit);
        std::vector<v1::Invitation> out;
        for (const pqxx::row& r : rows) out.push_back(ReadInvitation(r));
        return out;
      });
}

absl::StatusOr<v1::Invitation> PgDiscussionsStore::CancelInvitation(const std::string& actor,
                                                                    const std::string& invitation_id) {
  return pg::InTransaction<v1::Invitation>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Invitation> {
        // The invitation row first, then the group's, as RespondToInvitation does (no deadlock
        // between an owner cancelling and the invitee answering).
        const pqxx::result found = txn.exec_params(
            "SELECT space_id::text FROM group_invitations WHERE invitation_id = $1::uuid FOR UPDATE", invitation_id);
        // Not a member of the invitation's group (the invitee included): as if it did not exist.
        if (found.empty()) return absl::NotFoundError("invitation not found");
        const std::string role = LockGroupRole(txn, actor, found[0][0].as<std::string>());
        if (role.empty()) return absl::NotFoundError("invitation not found");
        if (role != "owner") return absl::PermissionDeniedError("only the owner of the group may cancel an invitation");
        const pqxx::result cancelled = txn.exec_params(
            "UPDATE group_invitations SET status = 'cancelled', responded_at = clock_timestamp() "
            "WHERE invitation_id = $1::uuid AND status = 'pending' RETURNING 1",
            invitation_id);
        if (cancelled.empty()) return absl::FailedPreconditionError("the invitation was already answered or cancelled");
        return SelectInvitation(txn, invitation_id);
      });
}

absl::Status PgDiscussionsStore::LeaveGroup(const std::string& member, const std::string& space_id) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const std::string role = LockGroupRole(txn, member, space_id);
    if (role.empty()) return GroupNotFound();
    if (role == "owner") {
      const int64_t members =
          txn.exec_params1("SELECT count(*) FROM space_members WHERE space_id = $1::uuid", space_id)[0].as<int64_t>();
      if (members > 1) {
        return absl::FailedPreconditionError("the owner may leave only as the last member of the group");
      }
    }
    txn.exec_params("DELETE FROM space_members WHERE space_id = $1::uuid AND account_id = $2::uuid", space_id,
                    member);
    return MembershipChanged(txn, space_id, member, false);
  });
}

absl::StatusOr<std::vector<v1::GroupMember>> PgDiscussionsStore::ListGroupMembers(
    const std::string& reader, const std::string& space_id, const std::optional<MemberCursor>& after, int limit) {
  return pg::InTransaction<std::vector<v1::GroupMember>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::GroupMember>> {
        if (txn.exec_params("SELECT 1 FROM space_members m JOIN spaces s ON s.space_id = m.space_id "
                            "WHERE m.space_id = $2::uuid AND m.account_id = $1::uuid AND s.kind = 'private_group'",
                            reader, space_id)
                .empty()) {
          return GroupNotFound();
        }
        const pqxx::result rows = txn.exec_params(
            "SELECT account_id::text, role, (extract(epoch FROM joined_at) * 1000000)::int8 "
            "FROM space_members WHERE space_id = $1::uuid "
            "  AND ($2::int8 IS NULL OR (joined_at, account_id) > "
            "       ('epoch'::timestamptz + $2::int8 * interval '1 microsecond', $3::uuid)) "
            "ORDER BY joined_at, account_id LIMIT $4",
            space_id, after ? std::optional<int64_t>(after->time_micros) : std::nullopt,
            after ? std::optional<std::string>(after->account_id) : std::nullopt, limit);
        std::vector<v1::GroupMember> out;
        for (const pqxx::row& r : rows) {
          v1::GroupMember& m = out.emplace_back();
          m.set_account_id(r[0].as<std::string>());
          m.set_role(r[1].as<std::string>() == "owner" ? v1::MEMBER_ROLE_OWNER : v1::MEMBER_ROLE_MEMBER);
          *m.mutable_join_time() = TimeUtil::MicrosecondsToTimestamp(r[2].as<int64_t>());
        }
        return out;
      });
}

}  // namespace meltingdoc::discussions
