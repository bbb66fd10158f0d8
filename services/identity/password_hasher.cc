#include "services/identity/password_hasher.h"

#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libs/auth/sodium_init.h"

namespace meltingdoc::identity {

absl::StatusOr<PasswordHasher> PasswordHasher::Create(Argon2Params params) {
  auth::EnsureSodiumInitialized();
  if (params.opslimit < 2 || params.memlimit < 19u * 1024 * 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("argon2id parameters below the floor (t >= 2, m >= 19 MiB): t=",
                     params.opslimit, " m=", params.memlimit));
  }
  // The dummy hash has the real parameters, so VerifyDummy costs what Verify costs.
  char out[crypto_pwhash_STRBYTES];
  const char kDummy[] = "not a password: timing equalizer";
  if (crypto_pwhash_str_alg(out, kDummy, sizeof kDummy - 1, params.opslimit, params.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("argon2id: out of memory");
  }
  return PasswordHasher(params, std::string(out));
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  LowerThreadPriorityOnce();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit,
                            params_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("argon2id: out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(absl::string_view stored_hash, absl::string_view password) const {
  LowerThreadPriorityOnce();
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  stored_hash.copy(stored, stored_hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyDummy(absl::string_view password) const {
  (void)Verify(dummy_hash_, password);
}

void LowerThreadPriorityOnce() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value only.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
}

}  // namespace meltingdoc::identity
