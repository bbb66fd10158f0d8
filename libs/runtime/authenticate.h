// The caller of a gRPC call, from its `authorization: Bearer <access token>` metadata.
// Every service checks the token itself, so a call that bypasses the gateway is still
// checked. No token, or a bad one, is UNAUTHENTICATED; claims are checked by the handler
// with auth::RequireVerified / auth::RequireRole (PERMISSION_DENIED).
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
