#include "tests/support/test_tokens.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "libs/auth/base64url.h"
#include "libs/common/uuid.h"
#include "tests/support/subprocess.h"

namespace meltingdoc::testing {

TestTokens::TestTokens() {
  char tmpl[] = "/tmp/meltingdoc-keys-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  public_keys_file_ = dir_ + "/public_keys";
  auth::KeyPair pair = auth::GenerateKeyPair();
  signer_ = std::make_unique<auth::TokenSigner>("test-key", pair.secret_key, &Clock::Real());
  std::ofstream(public_keys_file_) << "test-key " << auth::Base64UrlEncode(pair.public_key) << "\n";
  signing_key_file_ = dir_ + "/signing_key";
  std::ofstream(signing_key_file_) << "test-key " << auth::Base64UrlEncode(pair.secret_key) << "\n";
  ::chmod(signing_key_file_.c_str(), 0600);
}

TestTokens::~TestTokens() { RunCommand("rm -rf " + dir_); }

std::string TestTokens::Token(const auth::Principal& p, absl::Duration ttl) const {
  return signer_->Sign(p, ttl);
}

std::string TestTokens::WithRole(const std::string& account_id, auth::Role role) const {
  auth::Principal p;
  p.account_id = account_id;
  p.session_id = NewUuid();
  p.role = role;
  p.status = auth::VerificationStatus::kVerified;
  return Token(p);
}

std::string TestTokens::VerifiedDoctor(const std::string& account_id) const {
  return WithRole(account_id, auth::Role::kDoctor);
}

std::string TestTokens::Pending(const std::string& account_id) const {
  auth::Principal p;
  p.account_id = account_id;
  p.session_id = NewUuid();
  p.status = auth::VerificationStatus::kPendingVerification;
  return Token(p);
}

}  // namespace meltingdoc::testing
