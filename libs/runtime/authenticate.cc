#include "libs/runtime/authenticate.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::runtime {

absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase& context,
                                             const auth::TokenVerifier& verifier) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing authorization: sign in first");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return absl::UnauthenticatedError("authorization must be `Bearer <access token>`");
  }
  value.remove_prefix(kBearer.size());
  absl::StatusOr<auth::Principal> principal = verifier.Verify(value);
  if (!principal.ok()) return principal;
  if (const auth::SessionCheck* sessions = verifier.session_check(); sessions != nullptr) {
    if (absl::Status live = sessions->CheckLive(*principal, value); !live.ok()) return live;
  }
  return principal;
}

std::string AuthorizationOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace meltingdoc::runtime
