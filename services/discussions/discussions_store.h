// Everything the discussions service keeps, behind an interface so that handler logic is
// unit-tested with a fake; the real one is PgDiscussionsStore.
//
// Visibility rule, applied by every method that takes a caller: a case or space in a private
// group exists only for the group's members (others get NOT_FOUND, never PERMISSION_DENIED,
// so that a group's cases cannot be discovered by id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "meltingdoc/discussions/v1/discussions_service.pb.h"

namespace meltingdoc::discussions {

// Where a page of spaces starts: strictly after this (title, space_id).
struct SpaceCursor {
  std::string title;
  std::string space_id;
};

// The writable content of a case, validated and checked by the guard before it gets here.
// A case keeps at most this many revisions (UpdateCase refuses more).
inline constexpr int64_t kMaxCaseRevisions = 100;

struct CaseContent {
  std::string title;
  std::string context;
  std::string examination;
  std::string investigations;
  std::string question;
  std::vector<std::string> specialty_codes;
  std::vector<std::string> competence_tags;
};

struct NewCase {
  std::string space_id;
  std::string author_id;
  std::string request_id;  // empty: no idempotency key
  CaseContent content;
};

struct CaseFilter {
  std::string space_id;   // empty: every readable space
  std::string tag;        // empty: any
  std::string author_id;  // empty: any
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  v1::CaseOrder order = v1::CASE_ORDER_NEWEST;
};

// Where a page of cases starts: strictly after this (order time, case_id), descending.
struct CaseCursor {
  int64_t time_micros = 0;
  std::string case_id;
};

struct NewReply {
  std::string case_id;
  std::string parent_reply_id;  // empty: a reply to the case
  std::string author_id;
  std::string request_id;  // empty: no idempotency key
  std::string text;
};

// Where a page of replies starts: strictly after this (created time, reply_id), ascending.
struct ReplyCursor {
  int64_t time_micros = 0;
  std::string reply_id;
};

// Where a page of group members starts: strictly after this (join time, account_id).
struct MemberCursor {
  int64_t time_micros = 0;
  std::string account_id;
};

// Where a page of a group's invitations starts: strictly before this (creation time,
// invitation_id), newest first.
struct InvitationCursor {
  int64_t time_micros = 0;
  std::string invitation_id;
};

// The content a report or a moderation decision is about.
struct ContentRef {
  bool is_case = true;  // else a reply
  std::string id;
};

// A position in ExportCases' order: the members of private groups by (space_id, account_id),
// then the cases by case_id, each followed by its replies by (creation time, reply_id).
struct ExportPosition {
  enum class Phase { kMembers, kCases };
  Phase phase = Phase::kMembers;
  std::string id;          // space_id or case_id of the last item; empty: the phase's start
  std::string sub_id;      // account_id, or reply_id (empty: the case's own event)
  int64_t sub_micros = 0;  // the reply's creation time
};

struct ExportPage {
  std::vector<events::v1::Event> events;
  ExportPosition last;  // of the last event (the position asked for when there is none)
  bool done = false;    // nothing follows `last`
};

class DiscussionsStore {
 public:
  virtual ~DiscussionsStore() = default;

  // Up to `limit` spaces readable by `account_id`, ordered by (title, space_id), after `after`.
  virtual absl::StatusOr<std::vector<v1::Space>> ListSpaces(const std::string& account_id,
                                                             const std::optional<SpaceCursor>& after,
                                                             int limit) = 0;

  // Creates the case and its revision 1 and appends CaseChanged to the outbox, in one
  // transaction. NOT_FOUND when the space does not exist for the author. With a request_id
  // already used by this author, returns the first case and creates nothing (`*created`
  // false), also when the two requests run concurrently.
  virtual absl::StatusOr<v1::Case> CreateCase(const NewCase& new_case, bool* created) = 0;

  // The case as `reader` may see it (a tombstone keeps no text; a hidden case only for its
  // author and moderators). When `audit_request_id` is set, appends (reader, case, now,
  // request id) to the read audit in the same transaction.
  virtual absl::StatusOr<v1::Case> GetCase(const std::string& reader, bool moderator, const std::string& case_id,
                                           const std::optional<std::string>& audit_request_id) = 0;

  // Up to `limit` live, visible cases readable by `reader`, in filter.order, after `after`.
  virtual absl::StatusOr<std::vector<v1::Case>> ListCases(const std::string& reader, const CaseFilter& filter,
                                                           const std::optional<CaseCursor>& after, int limit) = 0;

  // Replaces the content of a live case whose version is `expected_version` (ABORTED
  // otherwise), stores it as a new revision and appends CaseChanged. Authorization is the
  // caller's job; NOT_FOUND for a missing or deleted case.
  virtual absl::StatusOr<v1::Case> UpdateCase(const std::string& editor, const std::string& case_id,
                                              int64_t expected_version, const CaseContent& content) = 0;

  // Tombstones a case: erases the text of the case and of its revisions, appends
  // CaseDeleted. PERMISSION_DENIED unless `actor` is the author or `moderator`. Deleting a
  // deleted case succeeds and changes nothing.
  virtual absl::Status DeleteCase(const std::string& actor, bool moderator, const std::string& case_id) = 0;

  // Every revision of a case visible to `reader` (as for GetCase), oldest first.
  virtual absl::StatusOr<std::vector<v1::CaseRevision>> ListCaseRevisions(const std::string& reader, bool moderator,
                                                                          const std::string& case_id) = 0;

  // Writes in the thread of a hidden case (AddReply, EditReply, VoteReplyHelpful,
  // AcceptReply): NOT_FOUND for whoever may not see the case (as GetCase), FAILED_PRECONDITION
  // for its author and moderators (the thread is frozen until the case is shown again).

  // Adds a reply (revision 1), bumps the case's reply count, activity time and version, and
  // appends ReplyChanged and CaseChanged, in one transaction. NOT_FOUND when the case does not
  // exist for the author; FAILED_PRECONDITION on a deleted case; INVALID_ARGUMENT (naming
  // parent_reply_id) when the parent is not a top-level reply of the case. Idempotent on
  // (author, request_id) like CreateCase.
  // `notified` receives the followers who got a notification (to refresh their unread count).
  virtual absl::StatusOr<v1::Reply> AddReply(const NewReply& reply, bool moderator, bool* created,
                                             std::vector<std::string>* notified) = 0;

  // Up to `limit` visible replies of a case visible to `reader` (as for GetCase: a hidden
  // case only for its author and moderators), oldest first, after `after`.
  virtual absl::StatusOr<std::vector<v1::Reply>> ListReplies(const std::string& reader, bool moderator,
                                                             const std::string& case_id,
                                                             const std::optional<ReplyCursor>& after, int limit) = 0;

  // Replaces a reply's text (author only: PERMISSION_DENIED otherwise; ABORTED when
  // `expected_version` is set and differs), keeps the revision, appends ReplyChanged.
  virtual absl::StatusOr<v1::Reply> EditReply(const std::string& editor, bool moderator, const std::string& reply_id,
                                              int64_t expected_version, const std::string& text) = 0;

  // Sets or withdraws `voter`'s helpful mark; FAILED_PRECONDITION on one's own reply.
  virtual absl::StatusOr<v1::Reply> VoteReplyHelpful(const std::string& voter, bool moderator,
                                                     const std::string& reply_id, bool helpful) = 0;

  // The case author accepts a reply: case RESOLVED, events for the case and the replies whose
  // accepted flag changed. PERMISSION_DENIED for anyone else; FAILED_PRECONDITION on a
  // deleted case.
  virtual absl::StatusOr<v1::Case> AcceptReply(const std::string& actor, bool moderator, const std::string& reply_id,
                                               std::vector<std::string>* notified) = 0;

  // --- Private groups. Each membership change appends GroupMembershipChanged. ---

  // A new private group owned by `owner`, its first member.
  virtual absl::StatusOr<v1::Space> CreateGroup(const std::string& owner, const std::string& title) = 0;
  // NOT_FOUND unless `inviter` is a member; PERMISSION_DENIED unless the owner;
  // ALREADY_EXISTS when the invitee is a member; a pending invitation is returned as is.
  virtual absl::StatusOr<v1::Invitation> InviteToGroup(const std::string& inviter, const std::string& space_id,
                                                       const std::string& invitee) = 0;
  // Pending invitations of `invitee`, newest first.
  virtual absl::StatusOr<std::vector<v1::Invitation>> ListInvitations(const std::string& invitee, int limit) = 0;
  // NOT_FOUND unless `invitee` is the invitee of a pending invitation.
  virtual absl::StatusOr<v1::Invitation> RespondToInvitation(const std::string& invitee,
                                                             const std::string& invitation_id, bool accept) = 0;
  // A group's pending invitations, newest first. NOT_FOUND unless `reader` is a member;
  // PERMISSION_DENIED unless the owner.
  virtual absl::StatusOr<std::vector<v1::Invitation>> ListGroupInvitations(
      const std::string& reader, const std::string& space_id, const std::optional<InvitationCursor>& after,
      int limit) = 0;
  // The owner withdraws a pending invitation. NOT_FOUND unless `actor` is a member of the
  // invitation's group; PERMISSION_DENIED unless its owner; FAILED_PRECONDITION when no longer
  // pending.
  virtual absl::StatusOr<v1::Invitation> CancelInvitation(const std::string& actor,
                                                          const std::string& invitation_id) = 0;
  // NOT_FOUND unless a member; FAILED_PRECONDITION for an owner who is not the last member.
  virtual absl::Status LeaveGroup(const std::string& member, const std::string& space_id) = 0;
  // NOT_FOUND unless `reader` is a member.
  virtual absl::StatusOr<std::vector<v1::GroupMember>> ListGroupMembers(const std::string& reader,
                                                                        const std::string& space_id,
                                                                        const std::optional<MemberCursor>& after,
                                                                        int limit) = 0;

  // --- Audit and moderation. ---

  // Reads of a case, newest first, before the audit row id `before` (0: from the newest).
  // The case author or a moderator; PERMISSION_DENIED for other readers, NOT_FOUND when the
  // case is not readable.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseRead>>> ListCaseAudit(
      const std::string& actor, bool moderator, const std::string& case_id, int64_t before, int limit) = 0;
  // NOT_FOUND unless the reporter may read the content; an open report by the same reporter
  // on the same content is returned as is.
  virtual absl::StatusOr<v1::Report> ReportContent(const std::string& reporter, const ContentRef& target,
                                                   v1::ReportReason reason, const std::string& details) = 0;
  // Open reports, oldest first, after (created µs, report id).
  virtual absl::StatusOr<std::vector<v1::Report>> ListReports(const std::optional<std::pair<int64_t, std::string>>& after,
                                                              int limit) = 0;
  // Hides or shows content, records the decision, closes open reports when hiding, appends
  // the content's event. NOT_FOUND when the content does not exist.
  virtual absl::Status SetHidden(const std::string& moderator, const ContentRef& target, bool hidden,
                                 const std::string& reason) = 0;

  // --- Follows and notifications. ---

  // Follows or unfollows a case visible to `account` as for GetCase (NOT_FOUND otherwise).
  // Idempotent.
  virtual absl::Status SetFollow(const std::string& account, bool moderator, const std::string& case_id,
                                 bool follow) = 0;
  // Notifications of `account`, newest first, with ids below `before_id` (0: from the newest).
  virtual absl::StatusOr<std::vector<v1::Notification>> ListNotifications(const std::string& account,
                                                                          int64_t before_id, int limit) = 0;
  // Marks read the unread notifications with id <= up_to_id (0: all); returns how many.
  virtual absl::StatusOr<int64_t> MarkNotificationsRead(const std::string& account, int64_t up_to_id) = 0;
  virtual absl::StatusOr<int64_t> CountUnread(const std::string& account) = 0;

  // --- Export for search's rebuild. ---

  // The events after `after` in export order, read in one snapshot: at most `max_events`,
  // and no more once their encoded size reaches `max_bytes` (at least one event is returned
  // unless the export is done). Members as GroupMembershipChanged (the group's version),
  // live and hidden cases as CaseChanged, tombstones as CaseDeleted (their replies are not
  // exported), replies as ReplyChanged, with current versions.
  virtual absl::StatusOr<ExportPage> ExportEvents(const ExportPosition& after, int max_events,
                                                  size_t max_bytes) = 0;
};

}  // namespace meltingdoc::discussions
