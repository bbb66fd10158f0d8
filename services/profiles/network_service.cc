// Network handlers of ProfilesServiceImpl: connections, suggestions, endorsements. Verified
// doctors only.
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/text/utf8.h"
#include "services/profiles/profile_validation.h"
#include "services/profiles/profiles_service.h"

namespace meltingdoc::profiles {
namespace {

// The colleague's id in PostgreSQL's lower-case form.
absl::StatusOr<std::string> ColleagueId(const std::string& requested, const std::string& caller) {
  if (!IsValidUuid(requested)) {
    return server::InvalidField("profile_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  std::string id = absl::AsciiStrToLower(requested);
  if (id == caller) return server::InvalidField("profile_id", "cannot be your own profile");
  return id;
}

absl::StatusOr<ListCursor> DecodeCursor(absl::string_view kind, const std::string& token) {
  ListCursor cursor;
  if (token.empty()) return cursor;
  ASSIGN_OR_RETURN(const std::vector<std::string> keys, DecodePageToken(kind, token, 2));
  if (!absl::SimpleAtoi(keys[0], &cursor.micros) || !IsValidUuid(keys[1])) {
    return server::InvalidField("page_token", "invalid page token");
  }
  cursor.set = true;
  cursor.profile_id = keys[1];
  return cursor;
}

std::string EncodeCursor(absl::string_view kind, const ListCursor& cursor) {
  if (!cursor.set) return "";
  return EncodePageToken(kind, {absl::StrCat(cursor.micros), cursor.profile_id});
}

absl::Status CheckCompetenceKey(const std::string& key) {
  if (key.empty() || key.size() > 100 || !text::IsCleanText(key, false)) {
    return server::InvalidField("competence_key", "required: the key of a competence on the profile");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<auth::Principal> ProfilesServiceImpl::VerifiedCaller(const grpc::ServerContextBase& context) {
  ASSIGN_OR_RETURN(auth::Principal caller, Caller(context));
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  return caller;
}

absl::Status ProfilesServiceImpl::DoRequestConnection(const grpc::ServerContextBase& context,
                                                      const v1::RequestConnectionRequest& request,
                                                      v1::RequestConnectionResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  if (!text::IsCleanText(request.message(), true)) {
    return server::InvalidField("message", "must be valid UTF-8 without control characters");
  }
  if (text::CodePointCount(request.message()) > ProfileLimits::kConnectionMessage) {
    return server::InvalidField("message", absl::StrCat("at most ", ProfileLimits::kConnectionMessage, " characters"));
  }
  return store_->RequestConnection(caller.account_id, colleague, request.message());
}

absl::Status ProfilesServiceImpl::DoRespondToConnection(const grpc::ServerContextBase& context,
                                                        const v1::RespondToConnectionRequest& request,
                                                        v1::RespondToConnectionResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  return store_->RespondToConnection(caller.account_id, colleague, request.accept());
}

absl::Status ProfilesServiceImpl::DoWithdrawConnectionRequest(const grpc::ServerContextBase& context,
                                                              const v1::WithdrawConnectionRequestRequest& request,
                                                              v1::WithdrawConnectionRequestResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  return store_->WithdrawConnectionRequest(caller.account_id, colleague);
}

absl::Status ProfilesServiceImpl::DoRemoveConnection(const grpc::ServerContextBase& context,
                                                     const v1::RemoveConnectionRequest& request,
                                                     v1::RemoveConnectionResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  return store_->RemoveConnection(caller.account_id, colleague);
}

absl::Status ProfilesServiceImpl::DoListConnections(const grpc::ServerContextBase& context,
                                                    const v1::ListConnectionsRequest& request,
                                                    v1::ListConnectionsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const int limit, PageSize(request.page_size(), 50, 100));
  ASSIGN_OR_RETURN(const ListCursor after, DecodeCursor("connections", request.page_token()));
  ASSIGN_OR_RETURN(ConnectionsPage page, store_->ListConnections(caller.account_id, after, limit));
  for (auto& c : page.connections) *response.add_connections() = std::move(c);
  response.set_next_page_token(EncodeCursor("connections", page.next));
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoListConnectionRequests(const grpc::ServerContextBase& context,
                                                           const v1::ListConnectionRequestsRequest& request,
                                                           v1::ListConnectionRequestsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const int limit, PageSize(request.page_size(), 50, 100));
  const std::string kind = request.sent() ? "requests_sent" : "requests_received";
  ASSIGN_OR_RETURN(const ListCursor after, DecodeCursor(kind, request.page_token()));
  ASSIGN_OR_RETURN(RequestsPage page,
                   store_->ListConnectionRequests(caller.account_id, request.sent(), after, limit));
  for (auto& r : page.requests) *response.add_requests() = std::move(r);
  response.set_next_page_token(EncodeCursor(kind, page.next));
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoListSuggestedColleagues(const grpc::ServerContextBase& context,
                                                            const v1::ListSuggestedColleaguesRequest& request,
                                                            v1::ListSuggestedColleaguesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const int limit, PageSize(request.page_size(), 20, 50));
  ASSIGN_OR_RETURN(std::vector<v1::Suggestion> suggestions, store_->SuggestColleagues(caller.account_id, limit));
  for (auto& s : suggestions) *response.add_suggestions() = std::move(s);
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoEndorseCompetence(const grpc::ServerContextBase& context,
                                                      const v1::EndorseCompetenceRequest& request,
                                                      v1::EndorseCompetenceResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  RETURN_IF_ERROR(CheckCompetenceKey(request.competence_key()));
  ASSIGN_OR_RETURN(const int32_t count,
                   store_->Endorse(caller.account_id, colleague, request.competence_key()));
  response.set_endorsement_count(count);
  return absl::OkStatus();
}

absl::Status ProfilesServiceImpl::DoRetractEndorsement(const grpc::ServerContextBase& context,
                                                       const v1::RetractEndorsementRequest& request,
                                                       v1::RetractEndorsementResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context));
  ASSIGN_OR_RETURN(const std::string colleague, ColleagueId(request.profile_id(), caller.account_id));
  RETURN_IF_ERROR(CheckCompetenceKey(request.competence_key()));
  ASSIGN_OR_RETURN(const int32_t count,
                   store_->RetractEndorsement(caller.account_id, colleague, request.competence_key()));
  response.set_endorsement_count(count);
  return absl::OkStatus();
}

}  // namespace meltingdoc::profiles
