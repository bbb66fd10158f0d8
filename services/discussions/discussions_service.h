// gRPC handlers of meltingdoc.discussions.v1.DiscussionsService: validate, authorize, call
// the store, map errors. Blocking work runs on the server's executor (libs/server/unary_call.h).
// Every RPC requires a verified doctor (pending accounts get PERMISSION_DENIED), and every
// text written goes through the patient-data guard before the store sees it.
#pragma once

#include "libs/auth/token_verifier.h"
#include "libs/redis/redis_client.h"
#include "libs/server/executor.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "services/discussions/author_names.h"
#include "services/discussions/discussions_store.h"
#include "services/discussions/unread_counts.h"

namespace meltingdoc::discussions {

// Page sizes of every list: 0 means the default; more than the maximum is refused.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 100;
// ExportCases: events per message (0 means the default), and the size past which a message
// stops growing (one event is at most ~200 KB: a case's four texts at their limits).
inline constexpr int kDefaultExportEvents = 200;
inline constexpr int kMaxExportEvents = 500;
inline constexpr size_t kExportMessageBytes = 1 << 20;

class DiscussionsServiceImpl : public v1::DiscussionsService::CallbackService {
 public:
  // `redis` (may be null) caches unread notification counts; `names` (may be null) gives
  // authors' names from profiles.
  DiscussionsServiceImpl(DiscussionsStore* store, const auth::TokenVerifier* verifier,
                         server::BoundedExecutor* executor, redis::RedisClient* redis = nullptr,
                         AuthorNames* names = nullptr)
      : store_(store), verifier_(verifier), executor_(executor), unread_(redis, store), names_(names) {}

#define MELTINGDOC_DISCUSSIONS_RPC(Name)                                                            \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context, const v1::Name##Request* request, \
                                 v1::Name##Response* response) override;                           \
  absl::Status Do##Name(const grpc::ServerContextBase& context, const v1::Name##Request& request,     \
                        v1::Name##Response& response);
  MELTINGDOC_DISCUSSIONS_RPC(ListSpaces)
  MELTINGDOC_DISCUSSIONS_RPC(CheckText)
  MELTINGDOC_DISCUSSIONS_RPC(CreateCase)
  MELTINGDOC_DISCUSSIONS_RPC(GetCase)
  MELTINGDOC_DISCUSSIONS_RPC(ListCases)
  MELTINGDOC_DISCUSSIONS_RPC(UpdateCase)
  MELTINGDOC_DISCUSSIONS_RPC(DeleteCase)
  MELTINGDOC_DISCUSSIONS_RPC(ListCaseRevisions)
  MELTINGDOC_DISCUSSIONS_RPC(AddReply)
  MELTINGDOC_DISCUSSIONS_RPC(ListReplies)
  MELTINGDOC_DISCUSSIONS_RPC(EditReply)
  MELTINGDOC_DISCUSSIONS_RPC(VoteReplyHelpful)
  MELTINGDOC_DISCUSSIONS_RPC(AcceptReply)
  MELTINGDOC_DISCUSSIONS_RPC(CreateGroup)
  MELTINGDOC_DISCUSSIONS_RPC(InviteToGroup)
  MELTINGDOC_DISCUSSIONS_RPC(ListInvitations)
  MELTINGDOC_DISCUSSIONS_RPC(RespondToInvitation)
  MELTINGDOC_DISCUSSIONS_RPC(ListGroupInvitations)
  MELTINGDOC_DISCUSSIONS_RPC(CancelInvitation)
  MELTINGDOC_DISCUSSIONS_RPC(LeaveGroup)
  MELTINGDOC_DISCUSSIONS_RPC(ListGroupMembers)
  MELTINGDOC_DISCUSSIONS_RPC(ListCaseAudit)
  MELTINGDOC_DISCUSSIONS_RPC(ReportContent)
  MELTINGDOC_DISCUSSIONS_RPC(ListReports)
  MELTINGDOC_DISCUSSIONS_RPC(HideContent)
  MELTINGDOC_DISCUSSIONS_RPC(UnhideContent)
  MELTINGDOC_DISCUSSIONS_RPC(FollowCase)
  MELTINGDOC_DISCUSSIONS_RPC(UnfollowCase)
  MELTINGDOC_DISCUSSIONS_RPC(ListNotifications)
  MELTINGDOC_DISCUSSIONS_RPC(MarkNotificationsRead)
  MELTINGDOC_DISCUSSIONS_RPC(GetUnreadCount)
#undef MELTINGDOC_DISCUSSIONS_RPC

  grpc::ServerWriteReactor<v1::ExportCasesResponse>* ExportCases(grpc::CallbackServerContext* context,
                                                                 const v1::ExportCasesRequest* request) override;

 private:
  // Sets author_name on each case or reply: one lookup (one BatchGetProfiles at most) per
  // response, never one per item.
  template <typename Message>
  void NameAuthors(const grpc::ServerContextBase& context, const std::vector<Message*>& items);

  DiscussionsStore* const store_;
  const auth::TokenVerifier* const verifier_;
  server::BoundedExecutor* const executor_;
  UnreadCounts unread_;
  AuthorNames* const names_;
};

}  // namespace meltingdoc::discussions
