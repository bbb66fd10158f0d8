// DiscussionsStore over PostgreSQL (schema discussions). All of the service's SQL is here.
#pragma once

#include "libs/pg/pool.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "services/discussions/discussions_store.h"

namespace meltingdoc::discussions {

// Applies an event of identity's stream (meltingdoc.identity) inside the consumer's
// transaction: AccountDeleted records the account as deleted (its cases and replies stay,
// shown as from a deleted account) and forgets its follows, notifications, group memberships
// and pending invitations. Other events are ignored.
absl::Status ApplyIdentityEvent(pqxx::transaction_base& txn, const events::v1::Event& event);

class PgDiscussionsStore final : public DiscussionsStore {
 public:
  explicit PgDiscussionsStore(pg::Pool* pool) : pool_(pool) {}

  // Keeps the specialty spaces in step with the suite's one list of specialties
  // (libs/taxonomy, TRE_R38), at start-up: one space per canonical specialty, id
  // 00000000-0000-4000-8001-0000000000NN for SMNN, titled with its label (added or renamed
  // as the list says). The space of a code that is not canonical (SM26, SM53: general
  // practice) is merged into the canonical one: its cases move there, each with a
  // CaseChanged, and the space is removed. Idempotent; under an advisory lock, so that
  // replicas starting together do it once.
  absl::Status SyncSpecialtySpaces();
  absl::StatusOr<std::vector<v1::Space>> ListSpaces(const std::string& account_id,
                                                     const std::optional<SpaceCursor>& after,
                                                     int limit) override;
  absl::StatusOr<v1::Case> CreateCase(const NewCase& new_case, bool* created) override;
  absl::StatusOr<v1::Case> GetCase(const std::string& reader, bool moderator, const std::string& case_id,
                                   const std::optional<std::string>& audit_request_id) override;
  absl::StatusOr<std::vector<v1::Case>> ListCases(const std::string& reader, const CaseFilter& filter,
                                                   const std::optional<CaseCursor>& after, int limit) override;
  absl::StatusOr<v1::Case> UpdateCase(const std::string& editor, const std::string& case_id,
                                      int64_t expected_version, const CaseContent& content) override;
  absl::Status DeleteCase(const std::string& actor, bool moderator, const std::string& case_id) override;
  absl::StatusOr<std::vector<v1::CaseRevision>> ListCaseRevisions(const std::string& reader, bool moderator,
                                                                  const std::string& case_id) override;
  absl::StatusOr<v1::Reply> AddReply(const NewReply& reply, bool moderator, bool* created,
                                     std::vector<std::string>* notified) override;
  absl::StatusOr<std::vector<v1::Reply>> ListReplies(const std::string& reader, bool moderator, const std::string& case_id,
                                                     const std::optional<ReplyCursor>& after, int limit) override;
  absl::StatusOr<v1::Reply> EditReply(const std::string& editor, bool moderator, const std::string& reply_id,
                                      int64_t expected_version, const std::string& text) override;
  absl::StatusOr<v1::Reply> VoteReplyHelpful(const std::string& voter, bool moderator, const std::string& reply_id,
                                             bool helpful) override;
  absl::StatusOr<v1::Case> AcceptReply(const std::string& actor, bool moderator, const std::string& reply_id,
                                       std::vector<std::string>* notified) override;
  absl::StatusOr<v1::Space> CreateGroup(const std::string& owner, const std::string& title) override;
  absl::StatusOr<v1::Invitation> InviteToGroup(const std::string& inviter, const std::string& space_id,
                                               const std::string& invitee) override;
  absl::StatusOr<std::vector<v1::Invitation>> ListInvitations(const std::string& invitee, int limit) override;
  absl::StatusOr<v1::Invitation> RespondToInvitation(const std::string& invitee, const std::string& invitation_id,
                                                     bool accept) override;
  absl::StatusOr<std::vector<v1::Invitation>> ListGroupInvitations(const std::string& reader,
                                                                   const std::string& space_id,
                                                                   const std::optional<InvitationCursor>& after,
                                                                   int limit) override;
  absl::StatusOr<v1::Invitation> CancelInvitation(const std::string& actor, const std::string& invitation_id) override;
  absl::Status LeaveGroup(const std::string& member, const std::string& space_id) override;
  absl::StatusOr<std::vector<v1::GroupMember>> ListGroupMembers(const std::string& reader,
                                                                const std::string& space_id,
                                                                const std::optional<MemberCursor>& after,
                                                                int limit) override;
  absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseRead>>> ListCaseAudit(const std::string& actor,
                                                                              bool moderator,
                                                                              const std::string& case_id,
                                                                              int64_t before, int limit) override;
  absl::StatusOr<v1::Report> ReportContent(const std::string& reporter, const ContentRef& target,
                                           v1::ReportReason reason, const std::string& details) override;
  absl::StatusOr<std::vector<v1::Report>> ListReports(const std::optional<std::pair<int64_t, std::string>>& after,
                                                      int limit) override;
  absl::Status SetHidden(const std::string& moderator, const ContentRef& target, bool hidden,
                         const std::string& reason) override;
  absl::Status SetFollow(const std::string& account, bool moderator, const std::string& case_id,
                         bool follow) override;
  absl::StatusOr<std::vector<v1::Notification>> ListNotifications(const std::string& account, int64_t before_id,
                                                                  int limit) override;
  absl::StatusOr<int64_t> MarkNotificationsRead(const std::string& account, int64_t up_to_id) override;
  absl::StatusOr<int64_t> CountUnread(const std::string& account) override;
  absl::StatusOr<ExportPage> ExportEvents(const ExportPosition& after, int max_events, size_t max_bytes) override;

 private:
  pg::Pool* const pool_;
};

}  // namespace meltingdoc::discussions
