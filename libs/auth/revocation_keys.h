// Where identity mirrors revoked sessions in Redis, for every process that checks tokens
// (identity itself, the gateway). Written by identity (services/identity/revocation.h, which
// explains the protocol); read with one `MGET kRevokedReadyKey <kRevokedKeyPrefix><sid>`:
//   - ready marker missing: the mirror is incomplete (Redis restarted, a write was lost):
//     the answer must come from somewhere else (identity / PostgreSQL);
//   - otherwise the session key exists exactly when the session is revoked.
#pragma once

namespace meltingdoc::auth {

inline constexpr char kRevokedKeyPrefix[] = "meltingdoc:revoked:";
inline constexpr char kRevokedReadyKey[] = "meltingdoc:revoked:ready";

}  // namespace meltingdoc::auth
