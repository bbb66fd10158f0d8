// Issues access tokens (see token_format.h). Used by identity; tests use it with a key pair
// from GenerateKeyPair().
#pragma once

#include <array>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"

namespace meltingdoc::auth {

struct KeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes (libsodium layout: seed followed by the public key)
};

// A fresh Ed25519 key pair from libsodium's CSPRNG.
KeyPair GenerateKeyPair();

struct SigningKey {
  std::string kid;
  std::string secret_key;  // 64 bytes
};

// Reads a signing key file written by meltingdoc-keygen: one line "<kid> <base64url secret
// key>". INVALID_ARGUMENT (naming the file, never showing the key) unless it holds exactly one
// well-formed, self-consistent key; NOT_FOUND when the file does not exist.
absl::StatusOr<SigningKey> LoadSigningKey(const std::string& path);

class TokenSigner {
 public:
  // Preconditions (checked; a violation aborts, as it is a wiring bug, not bad input):
  // IsValidKeyId(kid), secret_key is 64 bytes, clock is not null and outlives the signer.
  TokenSigner(std::string kid, absl::string_view secret_key, const Clock* clock);
  ~TokenSigner();  // wipes the secret key from memory
  TokenSigner(const TokenSigner&) = delete;
  TokenSigner& operator=(const TokenSigner&) = delete;

  // A token for `p` (account_id, session_id, role, status; p.expires is ignored), issued now
  // and expiring `ttl` later (whole seconds).
  std::string Sign(const Principal& p, absl::Duration ttl) const;

  const std::string& kid() const { return kid_; }
  // The matching 32-byte public key, to publish to verifiers.
  std::string PublicKey() const;

 private:
  std::string kid_;
  // crypto_sign_SECRETKEYBYTES (static_assert in the .cc; sodium.h stays out of this header).
  std::array<unsigned char, 64> secret_key_;
  const Clock* clock_;
};

}  // namespace meltingdoc::auth
