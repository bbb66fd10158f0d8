#include "libs/auth/token_signer.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "libs/auth/base64url.h"
#include "libs/auth/json_text.h"
#include "libs/auth/key_file.h"
#include "libs/auth/key_set.h"
#include "libs/auth/sodium_init.h"
#include "libs/auth/token_format.h"

namespace meltingdoc::auth {

static_assert(crypto_sign_SECRETKEYBYTES == 64, "TokenSigner::secret_key_ size");

namespace {

[[noreturn]] void Die(const char* why) {
  std::fprintf(stderr, "TokenSigner: %s\n", why);
  std::abort();
}

// The last 32 bytes of a libsodium secret key are its public key; they must match the one
// derived from the seed, or the key is corrupt and every token would fail verification.
bool SecretKeyIsConsistent(absl::string_view secret_key) {
  unsigned char derived[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(derived, reinterpret_cast<const unsigned char*>(secret_key.data()));
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(secret_key.data()));
  const bool ok = sodium_memcmp(pk, derived, sizeof(pk)) == 0;
  sodium_memzero(sk, sizeof(sk));
  return ok;
}

}  // namespace

KeyPair GenerateKeyPair() {
  EnsureSodiumInitialized();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair pair;
  pair.public_key.assign(reinterpret_cast<const char*>(pk), sizeof(pk));
  pair.secret_key.assign(reinterpret_cast<const char*>(sk), sizeof(sk));
  sodium_memzero(sk, sizeof(sk));
  return pair;
}

absl::StatusOr<SigningKey> LoadSigningKey(const std::string& path) {
  EnsureSodiumInitialized();
  absl::StatusOr<std::string> text = ReadKeyFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<KeyLine>> lines =
      ParseKeyLines(*text, path, crypto_sign_SECRETKEYBYTES);
  sodium_memzero(text->data(), text->size());
  if (!lines.ok()) return lines.status();
  if (lines->size() != 1) {
    for (KeyLine& l : *lines) sodium_memzero(l.key.data(), l.key.size());
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected exactly one signing key, found ", lines->size()));
  }
  SigningKey key;
  key.kid = std::move((*lines)[0].kid);
  key.secret_key = std::move((*lines)[0].key);
  if (!SecretKeyIsConsistent(key.secret_key)) {
    sodium_memzero(key.secret_key.data(), key.secret_key.size());
    return absl::InvalidArgumentError(absl::StrCat(path, ": signing key is corrupt"));
  }
  return key;
}

TokenSigner::TokenSigner(std::string kid, absl::string_view secret_key, const Clock* clock)
    : kid_(std::move(kid)), clock_(clock) {
  EnsureSodiumInitialized();
  if (!IsValidKeyId(kid_)) Die("invalid key id");
  if (secret_key.size() != secret_key_.size()) Die("secret key must be 64 bytes");
  if (clock_ == nullptr) Die("null clock");
  std::copy(secret_key.begin(), secret_key.end(), secret_key_.begin());
}

TokenSigner::~TokenSigner() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string TokenSigner::PublicKey() const {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, secret_key_.data());
  return std::string(reinterpret_cast<const char*>(pk), sizeof(pk));
}

std::string TokenSigner::Sign(const Principal& p, absl::Duration ttl) const {
  const int64_t iat = absl::ToUnixSeconds(clock_->Now());
  const int64_t exp = iat + absl::ToInt64Seconds(ttl);
  const std::string header = absl::StrCat("{\"alg\":", JsonQuote(kTokenAlgorithm),
                                          ",\"typ\":\"JWT\",\"kid\":", JsonQuote(kid_), "}");
  const std::string claims = absl::StrCat(
      "{\"iss\":", JsonQuote(kTokenIssuer), ",\"aud\":", JsonQuote(kTokenAudience),
      ",\"sub\":", JsonQuote(p.account_id), ",\"sid\":", JsonQuote(p.session_id),
      ",\"role\":", JsonQuote(RoleName(p.role)),
      ",\"", kVerificationClaim, "\":", JsonQuote(VerificationStatusName(p.status)), ",\"iat\":", iat,
      ",\"exp\":", exp, "}");
  std::string token = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(claims));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), secret_key_.data());
  absl::StrAppend(&token, ".",
                  Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(sig),
                                                    sizeof(sig))));
  return token;
}

}  // namespace meltingdoc::auth
