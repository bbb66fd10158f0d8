#include "services/identity/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace meltingdoc::identity {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

}  // namespace

std::string Hotp(absl::string_view key, uint64_t counter, int digits) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_len);
  const int offset = mac[mac_len - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return absl::StrFormat("%0*u", digits, binary % modulus);
}

int64_t TotpStep(absl::Time t) {
  const int64_t s = absl::ToUnixSeconds(t);
  return s >= 0 ? s / kTotpStepSeconds : (s - kTotpStepSeconds + 1) / kTotpStepSeconds;
}

std::string TotpCode(absl::string_view key, absl::Time t, int digits) {
  return Hotp(key, static_cast<uint64_t>(TotpStep(t)), digits);
}

std::optional<int64_t> MatchTotp(absl::string_view key, absl::string_view code, absl::Time now,
                                 int64_t last_used_step) {
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const int64_t current = TotpStep(now);
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, so the time does not depend on which matched.
  for (int64_t step = current - kTotpDriftSteps; step <= current + kTotpDriftSteps; ++step) {
    if (step < 0) continue;
    const std::string expected = Hotp(key, static_cast<uint64_t>(step));
    if (sodium_memcmp(expected.data(), code.data(), expected.size()) == 0 && !matched) matched = step;
  }
  if (!matched || *matched <= last_used_step) return std::nullopt;
  return matched;
}

std::string Base32Encode(absl::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(absl::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char raw : text) {
    if (raw == ' ' || raw == '=') continue;
    const char c = absl::ascii_toupper(static_cast<unsigned char>(raw));
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= '2' && c <= '7') {
      value = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string OtpauthUri(absl::string_view issuer, absl::string_view account_name,
                       absl::string_view key) {
  return absl::StrCat("otpauth://totp/", PercentEncode(issuer), ":", PercentEncode(account_name),
                      "?secret=", Base32Encode(key), "&issuer=", PercentEncode(issuer),
                      "&algorithm=SHA1&digits=", kTotpDigits, "&period=", kTotpStepSeconds);
}

}  // namespace meltingdoc::identity
