// The caller of a gRPC call, from its `authorization: Bearer <access token>` metadata.
// Every service checks the token itself, so a call that bypasses the gateway is still
// checked: its signature, then (when the verifier has a session check, as ServiceRuntime
// sets up for profiles, discussions and search) that its session has not ended. No token, a
// bad one or an ended session is UNAUTHENTICATED; a session nobody can check for a moment
// (Redis and identity both unreachable) UNAVAILABLE. Claims are checked by the handler with
// auth::RequireVerified / auth::RequireRole (PERMISSION_DENIED).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_verifier.h"

namespace meltingdoc::runtime {

absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase& context,
                                             const auth::TokenVerifier& verifier);

// The call's `authorization` metadata as received ("" without one), to forward the caller's
// own credentials to another service.
std::string AuthorizationOf(const grpc::ServerContextBase& context);

}  // namespace meltingdoc::runtime
