// Password hashing with argon2id (libsodium crypto_pwhash), in the PHC string format that
// records its own parameters, so that stronger parameters later still verify older hashes.
//
// Each hash needs `memlimit` bytes while it runs. Callers run it only on the identity
// service's hashing executor (a few threads, a bounded queue), so that a flood of logins costs
// at most threads x memlimit of memory and queues or is refused, instead of exhausting memory.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::identity {

struct Argon2Params {
  // OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1 (libsodium uses one lane).
  unsigned long long opslimit = 2;
  size_t memlimit = 19 * 1024 * 1024;
};

class PasswordHasher {
 public:
  // INVALID_ARGUMENT below the floor (t >= 2, m >= 19 MiB).
  static absl::StatusOr<PasswordHasher> Create(Argon2Params params);

  // "$argon2id$v=19$m=...,t=...,p=1$<salt>$<hash>" with a fresh random salt. The whole
  // password is hashed (argon2 has no length cut-off). RESOURCE_EXHAUSTED if memory is short.
  absl::StatusOr<std::string> Hash(absl::string_view password) const;

  // Constant-time check of `password` against a stored PHC string.
  bool Verify(absl::string_view stored_hash, absl::string_view password) const;

  // Does the same work as a Verify that fails, for an address with no account: the answer
  // and its timing must not tell whether the address is registered.
  void VerifyDummy(absl::string_view password) const;

  const Argon2Params& params() const { return params_; }

 private:
  explicit PasswordHasher(Argon2Params params, std::string dummy)
      : params_(params), dummy_hash_(std::move(dummy)) {}
  Argon2Params params_;
  std::string dummy_hash_;
};

// Lowers the calling thread's CPU priority (nice +10) once per thread: password hashing is
// heavy and can wait a few milliseconds; reads on the main executor should not. Hash and
// Verify call it, so it lands on the hashing executor's threads.
void LowerThreadPriorityOnce();

}  // namespace meltingdoc::identity
