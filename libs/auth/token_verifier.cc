#include "libs/auth/token_verifier.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"
#include "libs/auth/sodium_init.h"
#include "libs/auth/token_format.h"
#include "libs/common/uuid.h"

namespace meltingdoc::auth {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::Status Reject(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("invalid access token: ", reason));
}

bool ParseJsonObject(absl::string_view json, Struct* out) {
  return google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(json.data(), json.size()), out)
      .ok();
}

// The member's string value, or nullptr when absent or not a string.
const std::string* StringMember(const Struct& object, const char* name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() || it->second.kind_case() != Value::kStringValue) {
    return nullptr;
  }
  return &it->second.string_value();
}

// JSON numbers arrive as doubles: accept only whole seconds in the range where a double is
// exact and absl::FromUnixSeconds cannot overflow.
bool SecondsMember(const Struct& object, const char* name, int64_t* out) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() || it->second.kind_case() != Value::kNumberValue) return false;
  const double v = it->second.number_value();
  constexpr double kMaxExactSeconds = 9007199254740992.0;  // 2^53
  if (!std::isfinite(v) || v < 0 || v > kMaxExactSeconds || std::floor(v) != v) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// RFC 7519 allows "aud" to be a string or an array of strings.
bool AudienceMatches(const Struct& claims) {
  auto it = claims.fields().find("aud");
  if (it == claims.fields().end()) return false;
  const Value& aud = it->second;
  if (aud.kind_case() == Value::kStringValue) return aud.string_value() == kTokenAudience;
  if (aud.kind_case() == Value::kListValue) {
    for (const Value& v : aud.list_value().values()) {
      if (v.kind_case() == Value::kStringValue && v.string_value() == kTokenAudience) return true;
    }
  }
  return false;
}

}  // namespace

TokenVerifier::TokenVerifier(const KeySet* keys, const Clock* clock)
    : keys_(keys), clock_(clock) {
  EnsureSodiumInitialized();
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = verified_.find(token);
    // The limit VerifyUncached applies: refused on or after exp + skew.
    if (it != verified_.end() && clock_->Now() < it->second.expires + kTokenClockSkew) return it->second;
  }
  absl::StatusOr<Principal> result = VerifyUncached(token);
  if (result.ok()) {
    absl::MutexLock lock(&mu_);
    if (verified_.size() >= kMaxRemembered) verified_.clear();
    verified_.insert_or_assign(std::string(token), *result);
  }
  return result;
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(absl::string_view token) const {
  // Bound the work an attacker can cause before anything is decoded.
  if (token.size() > kMaxTokenLength) return Reject("too long");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return Reject("malformed");
  }

  // The header must be read before the signature can be checked: it names the key.
  std::string header_json;
  Struct header;
  if (!Base64UrlDecode(parts[0], &header_json) || !ParseJsonObject(header_json, &header)) {
    return Reject("malformed header");
  }
  // Only EdDSA: never let the token choose a weaker algorithm ("none", HS256 with the public
  // key as HMAC secret, ...).
  const std::string* alg = StringMember(header, "alg");
  if (alg == nullptr || *alg != kTokenAlgorithm) return Reject("unsupported algorithm");
  if (header.fields().count("typ") != 0) {
    const std::string* typ = StringMember(header, "typ");
    if (typ == nullptr || *typ != "JWT") return Reject("unsupported type");
  }
  // RFC 7515 §4.1.11: a "crit" extension we do not understand must be rejected.
  if (header.fields().count("crit") != 0) return Reject("unsupported critical header");
  const std::string* kid = StringMember(header, "kid");
  if (kid == nullptr) return Reject("missing key id");
  const std::string* public_key = keys_->Find(*kid);
  if (public_key == nullptr) return Reject("unknown signing key");

  std::string signature;
  if (!Base64UrlDecode(parts[2], &signature) || signature.size() != crypto_sign_BYTES) {
    return Reject("malformed signature");
  }
  const absl::string_view signed_part = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                  reinterpret_cast<const unsigned char*>(signed_part.data()),
                                  signed_part.size(),
                                  reinterpret_cast<const unsigned char*>(public_key->data())) !=
      0) {
    return Reject("bad signature");
  }

  // From here on the claims were written by identity; they are still validated strictly, so
  // a signer bug cannot grant more than the claims say.
  std::string claims_json;
  Struct claims;
  if (!Base64UrlDecode(parts[1], &claims_json) || !ParseJsonObject(claims_json, &claims)) {
    return Reject("malformed claims");
  }
  const std::string* iss = StringMember(claims, "iss");
  if (iss == nullptr || *iss != kTokenIssuer) return Reject("wrong issuer");
  if (!AudienceMatches(claims)) return Reject("wrong audience");

  int64_t iat = 0;
  int64_t exp = 0;
  if (!SecondsMember(claims, "iat", &iat)) return Reject("missing or invalid iat");
  if (!SecondsMember(claims, "exp", &exp)) return Reject("missing or invalid exp");
  if (exp < iat) return Reject("exp before iat");
  const absl::Time now = clock_->Now();
  const absl::Time expires = absl::FromUnixSeconds(exp);
  // RFC 7519: the token must not be accepted on or after exp.
  if (now >= expires + kTokenClockSkew) return Reject("expired");
  if (absl::FromUnixSeconds(iat) > now + kTokenClockSkew) return Reject("issued in the future");

  Principal p;
  const std::string* sub = StringMember(claims, "sub");
  if (sub == nullptr || !IsValidUuid(*sub)) return Reject("missing or invalid sub");
  const std::string* sid = StringMember(claims, "sid");
  if (sid == nullptr || !IsValidUuid(*sid)) return Reject("missing or invalid sid");
  const std::string* role_name = StringMember(claims, "role");
  std::optional<Role> role = role_name ? ParseRole(*role_name) : std::nullopt;
  if (!role.has_value()) return Reject("missing or invalid role");
  // `vst`, the claim's name before `verification`, is read only when `verification` is absent,
  // for one release (why: kLegacyVerificationClaim); identity never writes both.
  const bool has_new = claims.fields().count(kVerificationClaim) > 0;
  const bool has_legacy = claims.fields().count(kLegacyVerificationClaim) > 0;
  if (has_new && has_legacy) return Reject("both verification and vst claims");
  const std::string* status_name =
      StringMember(claims, has_legacy ? kLegacyVerificationClaim : kVerificationClaim);
  std::optional<VerificationStatus> status =
      status_name ? ParseVerificationStatus(*status_name) : std::nullopt;
  if (!status.has_value()) return Reject("missing or invalid verification");

  p.account_id = *sub;
  p.session_id = *sid;
  p.role = *role;
  p.status = *status;
  p.expires = expires;
  return p;
}

}  // namespace meltingdoc::auth
