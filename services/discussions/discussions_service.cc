#include "services/discussions/discussions_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/call_observer.h"
#include "libs/server/field_errors.h"
#include "libs/server/stream_call.h"
#include "libs/server/unary_call.h"
#include "libs/taxonomy/ordinal_specialties.h"
#include "libs/text/utf8.h"
#include "services/discussions/case_validation.h"

namespace meltingdoc::discussions {

namespace {

constexpr char kSpacesTokenKind[] = "spaces";
constexpr char kRepliesTokenKind[] = "replies";

#define MELTINGDOC_DISCUSSIONS_HANDLER(Name)                                                          \
  grpc::ServerUnaryReactor* DiscussionsServiceImpl::Name(                                            \
      grpc::CallbackServerContext* context, const v1::Name##Request* request, v1::Name##Response* response) { \
    return server::RunUnary(context, *executor_, [this, context, request, response] {                \
      return Do##Name(*context, *request, *response);                                                 \
    });                                                                                               \
  }

// Every RPC: an authenticated, verified doctor.
absl::StatusOr<auth::Principal> VerifiedCaller(const grpc::ServerContextBase& context,
                                               const auth::TokenVerifier& verifier) {
  ASSIGN_OR_RETURN(auth::Principal caller, runtime::Authenticate(context, verifier));
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  return caller;
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return server::InvalidField("page_size", absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

absl::Status RequireUuid(absl::string_view field, const std::string& value) {
  if (value.empty()) return server::InvalidField(field, "required");
  if (!IsValidUuid(value)) return server::InvalidField(field, "must be a UUID");
  return absl::OkStatus();
}

CaseContent ContentOf(const v1::Case& c) {
  CaseContent k;
  k.title = c.title();
  k.context = c.body().context();
  k.examination = c.body().examination();
  k.investigations = c.body().investigations();
  k.question = c.body().question();
  // General practice has three register codes (SM26, SM53, SM54): stored as the canonical
  // one, so that one tag finds them all. Unknown codes stay as given (validation refuses them).
  for (const std::string& code : c.specialty_codes()) {
    const taxonomy::OrdinalSpecialty* s = taxonomy::FindOrdinalSpecialty(code);
    std::string canonical = s == nullptr ? code : std::string(s->canonical_code);
    if (std::find(k.specialty_codes.begin(), k.specialty_codes.end(), canonical) == k.specialty_codes.end()) {
      k.specialty_codes.push_back(std::move(canonical));
    }
  }
  k.competence_tags.assign(c.competence_tags().begin(), c.competence_tags().end());
  return k;
}

// Limits first (a 1 MB title is refused without running the guard on it), then the guard.
absl::Status CheckContent(const CaseContent& k) {
  std::vector<server::FieldViolation> violations;
  ValidateCaseContent(k, violations);
  if (!violations.empty()) return server::InvalidArgument(violations);
  return CheckPatientData({{"case.title", &k.title},
                           {"case.body.context", &k.context},
                           {"case.body.examination", &k.examination},
                           {"case.body.investigations", &k.investigations},
                           {"case.body.question", &k.question}});
}

// The list token names the order and the filters, so that a token cannot be replayed
// against another list.
std::string CasesTokenKind(const v1::ListCasesRequest& r, v1::CaseOrder order) {
  return absl::StrCat("cases/", static_cast<int>(order), "/", r.space_id(), "/", r.tag(), "/", r.author_id(), "/",
                      static_cast<int>(r.status()));
}

// Length limit, then the guard, on a reply's text.
absl::Status CheckReplyText(const std::string& text) {
  if (absl::StripAsciiWhitespace(text).empty()) return server::InvalidField("text", "required");
  if (text::CodePointCount(text) > kMaxReplyText) {
    return server::InvalidField("text", absl::StrCat("at most ", kMaxReplyText, " characters"));
  }
  return CheckPatientData({{"text", &text}});
}

int64_t Micros(const google::protobuf::Timestamp& t) { return t.seconds() * 1000000 + t.nanos() / 1000; }

// The time key of a page or export token, as the lists write it: microseconds since 1970, up to
// 9999-12-31. Tokens are not signed, and a forged key outside that range made the store's
// 'epoch' + micros overflow in PostgreSQL (a 400 naming no field) instead of a page_token error.
bool ParseTokenMicros(const std::string& text, int64_t* micros) {
  constexpr int64_t kMaxTokenMicros = 253402300799999999;
  return absl::SimpleAtoi(text, micros) && *micros >= 0 && *micros <= kMaxTokenMicros;
}

// Exactly one of case_id, reply_id, as a UUID.
absl::StatusOr<ContentRef> TargetOf(const std::string& case_id, const std::string& reply_id) {
  if (case_id.empty() == reply_id.empty()) {
    return server::InvalidArgument({{"case_id", "exactly one of case_id and reply_id"},
                                    {"reply_id", "exactly one of case_id and reply_id"}});
  }
  const bool is_case = !case_id.empty();
  const std::string& id = is_case ? case_id : reply_id;
  RETURN_IF_ERROR(RequireUuid(is_case ? "case_id" : "reply_id", id));
  return ContentRef{is_case, absl::AsciiStrToLower(id)};
}

constexpr char kExportTokenKind[] = "export";

std::string EncodeExportPosition(const ExportPosition& p) {
  return EncodePageToken(kExportTokenKind, {p.phase == ExportPosition::Phase::kMembers ? "m" : "c", p.id,
                                            p.sub_id, absl::StrCat(p.sub_micros)});
}

absl::StatusOr<ExportPosition> DecodeExportPosition(const std::string& token) {
  ExportPosition p;
  if (token.empty()) return p;
  absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kExportTokenKind, token, 4);
  const auto bad = [] { return server::InvalidField("resume_token", "not a token of this export"); };
  if (!keys.ok()) return bad();
  const std::vector<std::string>& k = *keys;
  if (k[0] != "m" && k[0] != "c") return bad();
  p.phase = k[0] == "m" ? ExportPosition::Phase::kMembers : ExportPosition::Phase::kCases;
  p.id = k[1];
  p.sub_id = k[2];
  if ((!p.id.empty() && !IsValidUuid(p.id)) || (!p.sub_id.empty() && !IsValidUuid(p.sub_id)) ||
      (p.id.empty() && !p.sub_id.empty()) || !ParseTokenMicros(k[3], &p.sub_micros)) {
    return bad();
  }
  return p;
}

absl::Status CheckModerationReason(const std::string& reason) {
  if (absl::StripAsciiWhitespace(reason).empty()) return server::InvalidField("reason", "required");
  if (text::CodePointCount(reason) > kMaxModerationReason) {
    return server::InvalidField("reason", absl::StrCat("at most ", kMaxModerationReason, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace

template <typename Message>
void DiscussionsServiceImpl::NameAuthors(const grpc::ServerContextBase& context, const std::vector<Message*>& items) {
  if (names_ == nullptr || items.empty()) return;
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const Message* m : items) ids.push_back(m->author_id());
  const absl::flat_hash_map<std::string, std::string> found = names_->Lookup(ids, runtime::AuthorizationOf(context));
  for (Message* m : items) {
    auto it = found.find(m->author_id());
    if (it != found.end()) m->set_author_name(it->second);
  }
}

MELTINGDOC_DISCUSSIONS_HANDLER(ListSpaces)
MELTINGDOC_DISCUSSIONS_HANDLER(CheckText)
MELTINGDOC_DISCUSSIONS_HANDLER(CreateCase)
MELTINGDOC_DISCUSSIONS_HANDLER(GetCase)
MELTINGDOC_DISCUSSIONS_HANDLER(ListCases)
MELTINGDOC_DISCUSSIONS_HANDLER(UpdateCase)
MELTINGDOC_DISCUSSIONS_HANDLER(DeleteCase)
MELTINGDOC_DISCUSSIONS_HANDLER(ListCaseRevisions)
MELTINGDOC_DISCUSSIONS_HANDLER(AddReply)
MELTINGDOC_DISCUSSIONS_HANDLER(ListReplies)
MELTINGDOC_DISCUSSIONS_HANDLER(EditReply)
MELTINGDOC_DISCUSSIONS_HANDLER(VoteReplyHelpful)
MELTINGDOC_DISCUSSIONS_HANDLER(AcceptReply)
MELTINGDOC_DISCUSSIONS_HANDLER(CreateGroup)
MELTINGDOC_DISCUSSIONS_HANDLER(InviteToGroup)
MELTINGDOC_DISCUSSIONS_HANDLER(ListInvitations)
MELTINGDOC_DISCUSSIONS_HANDLER(RespondToInvitation)
MELTINGDOC_DISCUSSIONS_HANDLER(ListGroupInvitations)
MELTINGDOC_DISCUSSIONS_HANDLER(CancelInvitation)
MELTINGDOC_DISCUSSIONS_HANDLER(LeaveGroup)
MELTINGDOC_DISCUSSIONS_HANDLER(ListGroupMembers)
MELTINGDOC_DISCUSSIONS_HANDLER(ListCaseAudit)
MELTINGDOC_DISCUSSIONS_HANDLER(ReportContent)
MELTINGDOC_DISCUSSIONS_HANDLER(ListReports)
MELTINGDOC_DISCUSSIONS_HANDLER(HideContent)
MELTINGDOC_DISCUSSIONS_HANDLER(UnhideContent)
MELTINGDOC_DISCUSSIONS_HANDLER(FollowCase)
MELTINGDOC_DISCUSSIONS_HANDLER(UnfollowCase)
MELTINGDOC_DISCUSSIONS_HANDLER(ListNotifications)
MELTINGDOC_DISCUSSIONS_HANDLER(MarkNotificationsRead)
MELTINGDOC_DISCUSSIONS_HANDLER(GetUnreadCount)

grpc::ServerWriteReactor<v1::ExportCasesResponse>* DiscussionsServiceImpl::ExportCases(
    grpc::CallbackServerContext* context, const v1::ExportCasesRequest* request) {
  struct Export {
    bool started = false;
    bool done = false;
    int max_events = 0;
    ExportPosition position;
  };
  auto state = std::make_shared<Export>();
  return server::RunServerStream<v1::ExportCasesResponse>(
      context, *executor_,
      [this, context, request, state](v1::ExportCasesResponse& out) -> absl::StatusOr<bool> {
        Export& x = *state;
        if (!x.started) {
          ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(*context, *verifier_));
          RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kAdmin));
          if (request->max_events() < 0 || request->max_events() > kMaxExportEvents) {
            return server::InvalidField("max_events", absl::StrCat("must be between 0 and ", kMaxExportEvents));
          }
          x.max_events = request->max_events() == 0 ? kDefaultExportEvents : request->max_events();
          ASSIGN_OR_RETURN(x.position, DecodeExportPosition(request->resume_token()));
          x.started = true;
        }
        if (x.done) return false;
        ASSIGN_OR_RETURN(ExportPage page, store_->ExportEvents(x.position, x.max_events, kExportMessageBytes));
        x.done = page.done;
        x.position = page.last;
        if (page.events.empty()) {
          if (!page.done) return absl::InternalError("export page empty before the end");
          return false;
        }
        out.mutable_events()->Reserve(static_cast<int>(page.events.size()));
        for (events::v1::Event& e : page.events) *out.add_events() = std::move(e);
        out.set_resume_token(EncodeExportPosition(page.last));
        return true;
      });
}

absl::Status DiscussionsServiceImpl::DoListSpaces(const grpc::ServerContextBase& context,
                                                  const v1::ListSpacesRequest& request,
                                                  v1::ListSpacesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  std::optional<SpaceCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys =
        DecodePageToken(kSpacesTokenKind, request.page_token(), 2);
    if (!keys.ok()) return server::InvalidField("page_token", keys.status().message());
    after = SpaceCursor{(*keys)[0], (*keys)[1]};
  }
  // One row more than asked tells whether there is a next page without a COUNT.
  ASSIGN_OR_RETURN(std::vector<v1::Space> spaces,
                   store_->ListSpaces(caller.account_id, after, page_size + 1));
  const bool more = static_cast<int>(spaces.size()) > page_size;
  if (more) spaces.resize(page_size);
  for (v1::Space& s : spaces) *response.add_spaces() = std::move(s);
  if (more) {
    const v1::Space& last = response.spaces(response.spaces_size() - 1);
    response.set_next_page_token(EncodePageToken(kSpacesTokenKind, {last.title(), last.space_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoCheckText(const grpc::ServerContextBase& context,
                                                 const v1::CheckTextRequest& request,
                                                 v1::CheckTextResponse& response) {
  RETURN_IF_ERROR(VerifiedCaller(context, *verifier_).status());
  if (text::CodePointCount(request.text()) > kMaxCheckText) {
    return server::InvalidField("text", absl::StrCat("at most ", kMaxCheckText, " characters"));
  }
  if (text::CodePointCount(request.field()) > kMaxFieldName) {
    return server::InvalidField("field", absl::StrCat("at most ", kMaxFieldName, " characters"));
  }
  const std::string field = request.field().empty() ? "text" : request.field();
  for (v1::PatientDataFinding& f : PatientDataFindingsOf(field, request.text())) {
    *response.add_findings() = std::move(f);
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoCreateCase(const grpc::ServerContextBase& context,
                                                  const v1::CreateCaseRequest& request,
                                                  v1::CreateCaseResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  const v1::Case& c = request.case_();
  std::vector<server::FieldViolation> violations;
  if (c.space_id().empty()) {
    violations.push_back({"case.space_id", "required"});
  } else if (!IsValidUuid(c.space_id())) {
    violations.push_back({"case.space_id", "must be a UUID"});
  }
  if (!request.request_id().empty() && !IsRequestId(request.request_id())) {
    violations.push_back({"request_id", "1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'"});
  }
  NewCase n;
  n.space_id = c.space_id();
  n.author_id = caller.account_id;
  n.request_id = request.request_id();
  n.content = ContentOf(c);
  ValidateCaseContent(n.content, violations);
  if (!violations.empty()) return server::InvalidArgument(violations);
  RETURN_IF_ERROR(CheckContent(n.content));
  bool created = false;
  absl::StatusOr<v1::Case> stored = store_->CreateCase(n, &created);
  if (absl::IsNotFound(stored.status())) return server::InvalidField("case.space_id", "no such space");
  RETURN_IF_ERROR(stored.status());
  *response.mutable_case_() = std::move(*stored);
  NameAuthors(context, std::vector<v1::Case*>{response.mutable_case_()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoGetCase(const grpc::ServerContextBase& context,
                                               const v1::GetCaseRequest& request, v1::GetCaseResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  ASSIGN_OR_RETURN(v1::Case c, store_->GetCase(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id(),
                                                 server::RequestIdOf(context)));
  *response.mutable_case_() = std::move(c);
  NameAuthors(context, std::vector<v1::Case*>{response.mutable_case_()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListCases(const grpc::ServerContextBase& context,
                                                 const v1::ListCasesRequest& request,
                                                 v1::ListCasesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  std::vector<server::FieldViolation> violations;
  if (!request.space_id().empty() && !IsValidUuid(request.space_id())) {
    violations.push_back({"space_id", "must be a UUID"});
  }
  if (!request.author_id().empty() && !IsValidUuid(request.author_id())) {
    violations.push_back({"author_id", "must be a UUID"});
  }
  if (!request.tag().empty() && !IsSpecialtyCode(request.tag()) && !IsCompetenceTag(request.tag())) {
    violations.push_back({"tag", "a specialty code (SM20) or a competence tag (2 to 40 of a-z, 0-9, '-')"});
  }
  if (!v1::CaseStatus_IsValid(request.status())) violations.push_back({"status", "unknown status"});
  if (!v1::CaseOrder_IsValid(request.order_by())) violations.push_back({"order_by", "unknown order"});
  if (!violations.empty()) return server::InvalidArgument(violations);

  CaseFilter filter;
  filter.space_id = request.space_id();
  filter.tag = request.tag();
  filter.author_id = request.author_id();
  filter.status = request.status();
  filter.order = request.order_by() == v1::CASE_ORDER_MOST_ACTIVE ? v1::CASE_ORDER_MOST_ACTIVE : v1::CASE_ORDER_NEWEST;
  const std::string kind = CasesTokenKind(request, filter.order);
  std::optional<CaseCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, request.page_token(), 2);
    int64_t micros = 0;
    if (!keys.ok() || !ParseTokenMicros((*keys)[0], &micros) || !IsValidUuid((*keys)[1])) {
      return server::InvalidField("page_token", "not a token of this list (same filters and order)");
    }
    after = CaseCursor{micros, (*keys)[1]};
  }
  ASSIGN_OR_RETURN(std::vector<v1::Case> cases, store_->ListCases(caller.account_id, filter, after, page_size + 1));
  const bool more = static_cast<int>(cases.size()) > page_size;
  if (more) cases.resize(page_size);
  for (v1::Case& c : cases) *response.add_cases() = std::move(c);
  NameAuthors(context, std::vector<v1::Case*>(response.mutable_cases()->pointer_begin(),
                                              response.mutable_cases()->pointer_end()));
  if (more) {
    const v1::Case& last = response.cases(response.cases_size() - 1);
    const auto& t = filter.order == v1::CASE_ORDER_MOST_ACTIVE ? last.last_activity_time() : last.create_time();
    const int64_t micros = t.seconds() * 1000000 + t.nanos() / 1000;
    response.set_next_page_token(EncodePageToken(kind, {absl::StrCat(micros), last.case_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoUpdateCase(const grpc::ServerContextBase& context,
                                                  const v1::UpdateCaseRequest& request,
                                                  v1::UpdateCaseResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  const v1::Case& in = request.case_();
  RETURN_IF_ERROR(RequireUuid("case.case_id", in.case_id()));
  if (request.update_mask().paths_size() == 0) return server::InvalidField("update_mask", "required");
  ASSIGN_OR_RETURN(v1::Case current, store_->GetCase(caller.account_id, false, in.case_id(), std::nullopt));
  if (current.has_delete_time()) return absl::NotFoundError("case not found");
  if (current.author_id() != caller.account_id) {
    return absl::PermissionDeniedError("only the author may edit a case");
  }
  if (in.version() != 0 && in.version() != current.version()) {
    return absl::AbortedError("the case changed since it was read; read it again");
  }
  CaseContent k = ContentOf(current);
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      k.title = in.title();
    } else if (path == "body") {
      k.context = in.body().context();
      k.examination = in.body().examination();
      k.investigations = in.body().investigations();
      k.question = in.body().question();
    } else if (path == "body.context") {
      k.context = in.body().context();
    } else if (path == "body.examination") {
      k.examination = in.body().examination();
    } else if (path == "body.investigations") {
      k.investigations = in.body().investigations();
    } else if (path == "body.question") {
      k.question = in.body().question();
    } else if (path == "specialty_codes") {
      k.specialty_codes.assign(in.specialty_codes().begin(), in.specialty_codes().end());
    } else if (path == "competence_tags") {
      k.competence_tags.assign(in.competence_tags().begin(), in.competence_tags().end());
    } else {
      return server::InvalidField("update_mask", absl::StrCat("cannot update \"", path, "\""));
    }
  }
  RETURN_IF_ERROR(CheckContent(k));
  ASSIGN_OR_RETURN(v1::Case updated, store_->UpdateCase(caller.account_id, in.case_id(), current.version(), k));
  *response.mutable_case_() = std::move(updated);
  NameAuthors(context, std::vector<v1::Case*>{response.mutable_case_()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoDeleteCase(const grpc::ServerContextBase& context,
                                                  const v1::DeleteCaseRequest& request, v1::DeleteCaseResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  return store_->DeleteCase(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id());
}

absl::Status DiscussionsServiceImpl::DoListCaseRevisions(const grpc::ServerContextBase& context,
                                                         const v1::ListCaseRevisionsRequest& request,
                                                         v1::ListCaseRevisionsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  ASSIGN_OR_RETURN(std::vector<v1::CaseRevision> revisions,
                   store_->ListCaseRevisions(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id()));
  for (v1::CaseRevision& r : revisions) *response.add_revisions() = std::move(r);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoAddReply(const grpc::ServerContextBase& context,
                                                const v1::AddReplyRequest& request, v1::AddReplyResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  if (!request.parent_reply_id().empty() && !IsValidUuid(request.parent_reply_id())) {
    return server::InvalidField("parent_reply_id", "must be a UUID");
  }
  if (!request.request_id().empty() && !IsRequestId(request.request_id())) {
    return server::InvalidField("request_id", "1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'");
  }
  RETURN_IF_ERROR(CheckReplyText(request.text()));
  NewReply n{request.case_id(), request.parent_reply_id(), caller.account_id, request.request_id(), request.text()};
  bool created = false;
  std::vector<std::string> notified;
  ASSIGN_OR_RETURN(v1::Reply reply, store_->AddReply(n, caller.HasRole(auth::Role::kModerator), &created, &notified));
  unread_.Forget(notified);
  *response.mutable_reply() = std::move(reply);
  NameAuthors(context, std::vector<v1::Reply*>{response.mutable_reply()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListReplies(const grpc::ServerContextBase& context,
                                                   const v1::ListRepliesRequest& request,
                                                   v1::ListRepliesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  const std::string kind = absl::StrCat(kRepliesTokenKind, "/", request.case_id());
  std::optional<ReplyCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, request.page_token(), 2);
    int64_t micros = 0;
    if (!keys.ok() || !ParseTokenMicros((*keys)[0], &micros) || !IsValidUuid((*keys)[1])) {
      return server::InvalidField("page_token", "not a token of this list");
    }
    after = ReplyCursor{micros, (*keys)[1]};
  }
  ASSIGN_OR_RETURN(std::vector<v1::Reply> replies,
                   store_->ListReplies(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id(),
                                        after, page_size + 1));
  const bool more = static_cast<int>(replies.size()) > page_size;
  if (more) replies.resize(page_size);
  for (v1::Reply& r : replies) *response.add_replies() = std::move(r);
  NameAuthors(context, std::vector<v1::Reply*>(response.mutable_replies()->pointer_begin(),
                                                response.mutable_replies()->pointer_end()));
  if (more) {
    const v1::Reply& last = response.replies(response.replies_size() - 1);
    response.set_next_page_token(EncodePageToken(kind, {absl::StrCat(Micros(last.create_time())), last.reply_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoEditReply(const grpc::ServerContextBase& context,
                                                 const v1::EditReplyRequest& request, v1::EditReplyResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("reply_id", request.reply_id()));
  RETURN_IF_ERROR(CheckReplyText(request.text()));
  ASSIGN_OR_RETURN(v1::Reply reply,
                   store_->EditReply(caller.account_id, caller.HasRole(auth::Role::kModerator), request.reply_id(),
                                     request.version(), request.text()));
  *response.mutable_reply() = std::move(reply);
  NameAuthors(context, std::vector<v1::Reply*>{response.mutable_reply()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoVoteReplyHelpful(const grpc::ServerContextBase& context,
                                                        const v1::VoteReplyHelpfulRequest& request,
                                                        v1::VoteReplyHelpfulResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("reply_id", request.reply_id()));
  ASSIGN_OR_RETURN(v1::Reply reply, store_->VoteReplyHelpful(caller.account_id, caller.HasRole(auth::Role::kModerator),
                                                              request.reply_id(), request.helpful()));
  *response.mutable_reply() = std::move(reply);
  NameAuthors(context, std::vector<v1::Reply*>{response.mutable_reply()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoAcceptReply(const grpc::ServerContextBase& context,
                                                   const v1::AcceptReplyRequest& request,
                                                   v1::AcceptReplyResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("reply_id", request.reply_id()));
  std::vector<std::string> notified;
  ASSIGN_OR_RETURN(v1::Case c, store_->AcceptReply(caller.account_id, caller.HasRole(auth::Role::kModerator),
                                                     request.reply_id(), &notified));
  unread_.Forget(notified);
  *response.mutable_case_() = std::move(c);
  NameAuthors(context, std::vector<v1::Case*>{response.mutable_case_()});
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoCreateGroup(const grpc::ServerContextBase& context,
                                                   const v1::CreateGroupRequest& request,
                                                   v1::CreateGroupResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  if (absl::StripAsciiWhitespace(request.title()).empty()) return server::InvalidField("title", "required");
  if (text::CodePointCount(request.title()) > kMaxGroupTitle) {
    return server::InvalidField("title", absl::StrCat("at most ", kMaxGroupTitle, " characters"));
  }
  RETURN_IF_ERROR(CheckPatientData({{"title", &request.title()}}));
  ASSIGN_OR_RETURN(v1::Space space, store_->CreateGroup(caller.account_id, request.title()));
  *response.mutable_space() = std::move(space);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoInviteToGroup(const grpc::ServerContextBase& context,
                                                     const v1::InviteToGroupRequest& request,
                                                     v1::InviteToGroupResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("space_id", request.space_id()));
  RETURN_IF_ERROR(RequireUuid("account_id", request.account_id()));
  ASSIGN_OR_RETURN(v1::Invitation inv,
                   store_->InviteToGroup(caller.account_id, request.space_id(), absl::AsciiStrToLower(request.account_id())));
  *response.mutable_invitation() = std::move(inv);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListInvitations(const grpc::ServerContextBase& context,
                                                       const v1::ListInvitationsRequest&,
                                                       v1::ListInvitationsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(std::vector<v1::Invitation> invitations,
                   store_->ListInvitations(caller.account_id, kMaxInvitationsListed));
  for (v1::Invitation& i : invitations) *response.add_invitations() = std::move(i);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoRespondToInvitation(const grpc::ServerContextBase& context,
                                                           const v1::RespondToInvitationRequest& request,
                                                           v1::RespondToInvitationResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("invitation_id", request.invitation_id()));
  ASSIGN_OR_RETURN(v1::Invitation inv,
                   store_->RespondToInvitation(caller.account_id, request.invitation_id(), request.accept()));
  *response.mutable_invitation() = std::move(inv);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListGroupInvitations(const grpc::ServerContextBase& context,
                                                            const v1::ListGroupInvitationsRequest& request,
                                                            v1::ListGroupInvitationsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("space_id", request.space_id()));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  const std::string space_id = absl::AsciiStrToLower(request.space_id());
  const std::string kind = absl::StrCat("group-invitations/", space_id);
  std::optional<InvitationCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, request.page_token(), 2);
    int64_t micros = 0;
    if (!keys.ok() || !ParseTokenMicros((*keys)[0], &micros) || !IsValidUuid((*keys)[1])) {
      return server::InvalidField("page_token", "not a token of this list");
    }
    after = InvitationCursor{micros, (*keys)[1]};
  }
  ASSIGN_OR_RETURN(std::vector<v1::Invitation> invitations,
                   store_->ListGroupInvitations(caller.account_id, space_id, after, page_size + 1));
  const bool more = static_cast<int>(invitations.size()) > page_size;
  if (more) invitations.resize(page_size);
  for (v1::Invitation& i : invitations) *response.add_invitations() = std::move(i);
  if (more) {
    const v1::Invitation& last = response.invitations(response.invitations_size() - 1);
    response.set_next_page_token(
        EncodePageToken(kind, {absl::StrCat(Micros(last.create_time())), last.invitation_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoCancelInvitation(const grpc::ServerContextBase& context,
                                                        const v1::CancelInvitationRequest& request,
                                                        v1::CancelInvitationResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("invitation_id", request.invitation_id()));
  ASSIGN_OR_RETURN(v1::Invitation inv, store_->CancelInvitation(caller.account_id, request.invitation_id()));
  *response.mutable_invitation() = std::move(inv);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoLeaveGroup(const grpc::ServerContextBase& context,
                                                  const v1::LeaveGroupRequest& request, v1::LeaveGroupResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("space_id", request.space_id()));
  return store_->LeaveGroup(caller.account_id, request.space_id());
}

absl::Status DiscussionsServiceImpl::DoListGroupMembers(const grpc::ServerContextBase& context,
                                                        const v1::ListGroupMembersRequest& request,
                                                        v1::ListGroupMembersResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("space_id", request.space_id()));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  const std::string kind = absl::StrCat("members/", request.space_id());
  std::optional<MemberCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, request.page_token(), 2);
    int64_t micros = 0;
    if (!keys.ok() || !ParseTokenMicros((*keys)[0], &micros) || !IsValidUuid((*keys)[1])) {
      return server::InvalidField("page_token", "not a token of this list");
    }
    after = MemberCursor{micros, (*keys)[1]};
  }
  ASSIGN_OR_RETURN(std::vector<v1::GroupMember> members,
                   store_->ListGroupMembers(caller.account_id, request.space_id(), after, page_size + 1));
  const bool more = static_cast<int>(members.size()) > page_size;
  if (more) members.resize(page_size);
  for (v1::GroupMember& m : members) *response.add_members() = std::move(m);
  if (more) {
    const v1::GroupMember& last = response.members(response.members_size() - 1);
    response.set_next_page_token(EncodePageToken(kind, {absl::StrCat(Micros(last.join_time())), last.account_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListCaseAudit(const grpc::ServerContextBase& context,
                                                     const v1::ListCaseAuditRequest& request,
                                                     v1::ListCaseAuditResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  const std::string kind = absl::StrCat("audit/", request.case_id());
  int64_t before = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken(kind, request.page_token(), 1);
    if (!keys.ok() || !absl::SimpleAtoi((*keys)[0], &before) || before <= 0) {
      return server::InvalidField("page_token", "not a token of this list");
    }
  }
  ASSIGN_OR_RETURN(auto reads, store_->ListCaseAudit(caller.account_id, caller.HasRole(auth::Role::kModerator),
                                                     request.case_id(), before, page_size + 1));
  const bool more = static_cast<int>(reads.size()) > page_size;
  if (more) reads.resize(page_size);
  for (auto& [id, read] : reads) *response.add_reads() = std::move(read);
  if (more) response.set_next_page_token(EncodePageToken(kind, {absl::StrCat(reads.back().first)}));
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoReportContent(const grpc::ServerContextBase& context,
                                                     const v1::ReportContentRequest& request,
                                                     v1::ReportContentResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(const ContentRef target, TargetOf(request.case_id(), request.reply_id()));
  if (request.reason() == v1::REPORT_REASON_UNSPECIFIED || !v1::ReportReason_IsValid(request.reason())) {
    return server::InvalidField("reason", "required: one of the ReportReason values");
  }
  if (text::CodePointCount(request.details()) > kMaxReportDetails) {
    return server::InvalidField("details", absl::StrCat("at most ", kMaxReportDetails, " characters"));
  }
  RETURN_IF_ERROR(CheckPatientData({{"details", &request.details()}}));
  ASSIGN_OR_RETURN(v1::Report report,
                   store_->ReportContent(caller.account_id, target, request.reason(), request.details()));
  *response.mutable_report() = std::move(report);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoListReports(const grpc::ServerContextBase& context,
                                                   const v1::ListReportsRequest& request,
                                                   v1::ListReportsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  std::optional<std::pair<int64_t, std::string>> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken("reports", request.page_token(), 2);
    int64_t micros = 0;
    if (!keys.ok() || !ParseTokenMicros((*keys)[0], &micros) || !IsValidUuid((*keys)[1])) {
      return server::InvalidField("page_token", "not a token of this list");
    }
    after = std::make_pair(micros, (*keys)[1]);
  }
  ASSIGN_OR_RETURN(std::vector<v1::Report> reports, store_->ListReports(after, page_size + 1));
  const bool more = static_cast<int>(reports.size()) > page_size;
  if (more) reports.resize(page_size);
  for (v1::Report& r : reports) *response.add_reports() = std::move(r);
  if (more) {
    const v1::Report& last = response.reports(response.reports_size() - 1);
    response.set_next_page_token(
        EncodePageToken("reports", {absl::StrCat(Micros(last.create_time())), last.report_id()}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoHideContent(const grpc::ServerContextBase& context,
                                                   const v1::HideContentRequest& request, v1::HideContentResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  ASSIGN_OR_RETURN(const ContentRef target, TargetOf(request.case_id(), request.reply_id()));
  RETURN_IF_ERROR(CheckModerationReason(request.reason()));
  return store_->SetHidden(caller.account_id, target, true, request.reason());
}

absl::Status DiscussionsServiceImpl::DoUnhideContent(const grpc::ServerContextBase& context,
                                                     const v1::UnhideContentRequest& request,
                                                     v1::UnhideContentResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  ASSIGN_OR_RETURN(const ContentRef target, TargetOf(request.case_id(), request.reply_id()));
  RETURN_IF_ERROR(CheckModerationReason(request.reason()));
  return store_->SetHidden(caller.account_id, target, false, request.reason());
}

absl::Status DiscussionsServiceImpl::DoFollowCase(const grpc::ServerContextBase& context,
                                                  const v1::FollowCaseRequest& request, v1::FollowCaseResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  return store_->SetFollow(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id(), true);
}

absl::Status DiscussionsServiceImpl::DoUnfollowCase(const grpc::ServerContextBase& context,
                                                    const v1::UnfollowCaseRequest& request, v1::UnfollowCaseResponse&) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  RETURN_IF_ERROR(RequireUuid("case_id", request.case_id()));
  return store_->SetFollow(caller.account_id, caller.HasRole(auth::Role::kModerator), request.case_id(), false);
}

absl::Status DiscussionsServiceImpl::DoListNotifications(const grpc::ServerContextBase& context,
                                                         const v1::ListNotificationsRequest& request,
                                                         v1::ListNotificationsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size()));
  int64_t before = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> keys = DecodePageToken("notifications", request.page_token(), 1);
    if (!keys.ok() || !absl::SimpleAtoi((*keys)[0], &before) || before <= 0) {
      return server::InvalidField("page_token", "not a token of this list");
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::Notification> notifications,
                   store_->ListNotifications(caller.account_id, before, page_size + 1));
  const bool more = static_cast<int>(notifications.size()) > page_size;
  if (more) notifications.resize(page_size);
  for (v1::Notification& n : notifications) *response.add_notifications() = std::move(n);
  if (more) {
    response.set_next_page_token(EncodePageToken(
        "notifications", {absl::StrCat(response.notifications(response.notifications_size() - 1).notification_id())}));
  }
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoMarkNotificationsRead(const grpc::ServerContextBase& context,
                                                             const v1::MarkNotificationsReadRequest& request,
                                                             v1::MarkNotificationsReadResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  if (request.up_to_id() < 0) return server::InvalidField("up_to_id", "0 (all) or a notification id");
  ASSIGN_OR_RETURN(const int64_t marked, store_->MarkNotificationsRead(caller.account_id, request.up_to_id()));
  unread_.Forget({caller.account_id});
  response.set_marked(marked);
  return absl::OkStatus();
}

absl::Status DiscussionsServiceImpl::DoGetUnreadCount(const grpc::ServerContextBase& context,
                                                      const v1::GetUnreadCountRequest&,
                                                      v1::GetUnreadCountResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, VerifiedCaller(context, *verifier_));
  ASSIGN_OR_RETURN(const int64_t unread, unread_.Get(caller.account_id));
  response.set_unread(unread);
  return absl::OkStatus();
}

}  // namespace meltingdoc::discussions
