// A throwaway Ed25519 key pair for tests: writes the public key file services load with
// --public_keys_file, and signs access tokens for any principal.
#pragma once

#include <memory>
#include <string>

#include "libs/auth/principal.h"
#include "libs/auth/token_signer.h"
#include "libs/common/clock.h"

namespace meltingdoc::testing {

class TestTokens {
 public:
  TestTokens();  // generates the pair, writes the public key file in a temp dir
  ~TestTokens();

  const std::string& public_keys_file() const { return public_keys_file_; }
  // The same key as identity's --signing_key_file (mode 0600): tokens from a real Login and
  // from Token() are then verified alike.
  const std::string& signing_key_file() const { return signing_key_file_; }
  std::string Token(const auth::Principal& p, absl::Duration ttl = absl::Minutes(5)) const;
  // A verified doctor / a moderator / an admin / a pending account, with fresh ids.
  std::string VerifiedDoctor(const std::string& account_id) const;
  std::string WithRole(const std::string& account_id, auth::Role role) const;
  std::string Pending(const std::string& account_id) const;

 private:
  std::string dir_;
  std::string public_keys_file_;
  std::string signing_key_file_;
  std::unique_ptr<auth::TokenSigner> signer_;
};

}  // namespace meltingdoc::testing
