// Verification of doctors against the register: GetMe, StartVerification, and the
// moderators' ListPendingVerifications and DecideVerification. The decisions themselves are
// taken by verification_rules.h inside the store's transaction.
#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"
#include "libs/text/utf8.h"
#include "services/identity/identity_service.h"
#include "services/identity/rpps.h"

namespace meltingdoc::identity {
namespace {

constexpr absl::string_view kPendingPageKind = "identity.pending_verifications";

void FillMe(MeView me, v1::GetMeResponse& response) {
  *response.mutable_account() = std::move(me.account);
  if (me.verification.has_value()) *response.mutable_verification() = std::move(*me.verification);
  if (me.register_entry.has_value()) *response.mutable_register_entry() = std::move(*me.register_entry);
  *response.mutable_second_factor() = std::move(me.second_factor);
}

}  // namespace

#define MELTINGDOC_RUN_ON(Name)                                                                 \
  grpc::ServerUnaryReactor* IdentityServiceImpl::Name(grpc::CallbackServerContext* context,     \
                                                      const v1::Name##Request* request,         \
                                                      v1::Name##Response* response) {           \
    return server::RunUnary(context, *executor_, [this, context, request, response] {           \
      return Do##Name(*context, *request, *response);                                           \
    });                                                                                         \
  }
MELTINGDOC_RUN_ON(GetMe)
MELTINGDOC_RUN_ON(StartVerification)
MELTINGDOC_RUN_ON(ListPendingVerifications)
MELTINGDOC_RUN_ON(DecideVerification)
// The operators' RPCs (operator_rpcs.cc) run the same way.
MELTINGDOC_RUN_ON(ReopenVerification)
MELTINGDOC_RUN_ON(SetAccountRole)
MELTINGDOC_RUN_ON(SuspendAccount)
MELTINGDOC_RUN_ON(UnsuspendAccount)
#undef MELTINGDOC_RUN_ON

absl::Status IdentityServiceImpl::DoGetMe(const grpc::ServerContextBase& context, const v1::GetMeRequest&,
                                          v1::GetMeResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  ASSIGN_OR_RETURN(MeView me, store_->GetMe(caller.account_id));
  FillMe(std::move(me), response);
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoStartVerification(const grpc::ServerContextBase& context,
                                                      const v1::StartVerificationRequest& request,
                                                      v1::StartVerificationResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  const bool has_rpps = !request.rpps().empty();
  const bool has_adeli = !request.adeli().empty();
  if (has_rpps == has_adeli) {
    return server::InvalidArgument(
        {{"rpps", "give exactly one of rpps (11 digits) and adeli (9 characters)"},
         {"adeli", "give exactly one of rpps (11 digits) and adeli (9 characters)"}});
  }
  if (has_rpps) {
    const std::string& rpps = request.rpps();
    if (rpps.size() != kRppsLength || !absl::c_all_of(rpps, absl::ascii_isdigit)) {
      return server::InvalidField("rpps", "must be exactly 11 digits");
    }
    if (!LuhnValid(rpps)) {
      return server::InvalidField("rpps", "the last digit (Luhn check digit) does not match: check the number");
    }
  } else if (!IsValidAdeli(request.adeli())) {
    return server::InvalidField("adeli", "must be 9 characters: digits, the department may be 2A or 2B");
  }
  ASSIGN_OR_RETURN(*response.mutable_verification(),
                   store_->StartVerification(caller.account_id, has_rpps ? request.rpps() : request.adeli(),
                                             has_rpps ? v1::IDENTIFIER_TYPE_RPPS : v1::IDENTIFIER_TYPE_ADELI));
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoListPendingVerifications(const grpc::ServerContextBase& context,
                                                             const v1::ListPendingVerificationsRequest& request,
                                                             v1::ListPendingVerificationsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  if (request.page_size() < 0 || request.page_size() > kMaxPendingPageSize) {
    return server::InvalidField("page_size", "must be 0 to 200 (0 means 50)");
  }
  const int page_size = request.page_size() == 0 ? kDefaultPendingPageSize : request.page_size();
  std::optional<VerificationCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(kPendingPageKind, request.page_token(), 2);
    if (!decoded.ok()) return server::InvalidField("page_token", decoded.status().message());
    const std::vector<std::string>& keys = *decoded;
    VerificationCursor cursor;
    if (!absl::SimpleAtoi(keys[0], &cursor.created_micros) || !IsValidUuid(keys[1])) {
      return server::InvalidField("page_token", "is not a token returned by this list");
    }
    cursor.verification_id = keys[1];
    after = std::move(cursor);
  }
  ASSIGN_OR_RETURN(VerificationPage page, store_->ListPendingVerifications(page_size, after));
  for (v1::Verification& v : page.verifications) *response.add_verifications() = std::move(v);
  if (page.next.has_value()) {
    response.set_next_page_token(EncodePageToken(
        kPendingPageKind, {absl::StrCat(page.next->created_micros), page.next->verification_id}));
  }
  return absl::OkStatus();
}

absl::Status IdentityServiceImpl::DoDecideVerification(const grpc::ServerContextBase& context,
                                                       const v1::DecideVerificationRequest& request,
                                                       v1::DecideVerificationResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, AuthenticateLive(context));
  RETURN_IF_ERROR(auth::RequireRole(caller, auth::Role::kModerator));
  std::vector<server::FieldViolation> violations;
  if (!IsValidUuid(request.verification_id())) {
    violations.push_back({"verification_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
  }
  if (request.decision() != v1::DECISION_APPROVE && request.decision() != v1::DECISION_REJECT) {
    violations.push_back({"decision", "must be DECISION_APPROVE or DECISION_REJECT"});
  }
  const absl::string_view reason = absl::StripAsciiWhitespace(request.reason());
  const size_t reason_chars = text::CodePointCount(reason);
  if (reason_chars < kMinDecisionReasonChars || reason_chars > kMaxDecisionReasonChars) {
    violations.push_back({"reason", "required: 3 to 1000 characters saying why"});
  }
  if (!violations.empty()) return server::InvalidArgument(violations);
  ASSIGN_OR_RETURN(*response.mutable_verification(),
                   store_->DecideVerification(request.verification_id(), caller.account_id,
                                              request.decision() == v1::DECISION_APPROVE, std::string(reason)));
  return absl::OkStatus();
}

}  // namespace meltingdoc::identity
