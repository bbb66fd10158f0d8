#include "services/identity/secrets.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "libs/auth/base64url.h"
#include "libs/auth/sodium_init.h"

namespace meltingdoc::identity {

std::string NewOpaqueToken() {
  auth::EnsureSodiumInitialized();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string token = auth::Base64UrlEncode(absl::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
  sodium_memzero(bytes, sizeof bytes);
  return token;
}

std::string SecretHash(absl::string_view purpose, absl::string_view secret) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size());
  const unsigned char separator = 0;
  crypto_hash_sha256_update(&state, &separator, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string NewEmailCode() {
  auth::EnsureSodiumInitialized();
  return absl::StrFormat("%06u", randombytes_uniform(1000000));
}

std::vector<std::string> NewRecoveryCodes(int count) {
  auth::EnsureSodiumInitialized();
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // 31 letters
  static constexpr uint32_t kLetters = sizeof kAlphabet - 1;
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    std::string code;
    for (int k = 0; k < 10; ++k) {
      if (k == 5) code.push_back('-');
      code.push_back(kAlphabet[randombytes_uniform(kLetters)]);
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string NormalizeRecoveryCode(absl::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace meltingdoc::identity
