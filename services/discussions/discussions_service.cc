#include "services/discussions/discussions_service.h"

#include "absl/strings/str_cat.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/runtime/authenticate.h"
#include "libs/server/field_errors.h"
#include "libs/server/unary_call.h"

namespace meltingdoc::discussions {

namespace {
constexpr char kSpacesTokenKind[] = "spaces";
}  // namespace

grpc::ServerUnaryReactor* DiscussionsServiceImpl::ListSpaces(grpc::CallbackServerContext* context,
                                                             const v1::ListSpacesRequest* request,
                                                             v1::ListSpacesResponse* response) {
  return server::RunUnary(context, *executor_, [this, context, request, response] {
    return DoListSpaces(*context, *request, *response);
  });
}

absl::Status DiscussionsServiceImpl::DoListSpaces(const grpc::ServerContextBase& context,
                                                  const v1::ListSpacesRequest& request,
                                                  v1::ListSpacesResponse& response) {
  ASSIGN_OR_RETURN(const auth::Principal caller, runtime::Authenticate(context, *verifier_));
  RETURN_IF_ERROR(auth::RequireVerified(caller));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return server::InvalidField("page_size", absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
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

}  // namespace meltingdoc::discussions
