#include "libs/common/page_token.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace meltingdoc {
namespace {

constexpr char kFormatVersion = 1;

void AppendPart(std::string& out, absl::string_view part) {
  // Length as a little-endian base-128 varint, then the bytes.
  uint64_t n = part.size();
  do {
    uint8_t byte = n & 0x7f;
    n >>= 7;
    if (n != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n != 0);
  out.append(part.data(), part.size());
}

bool ReadPart(absl::string_view& in, std::string& part) {
  uint64_t n = 0;
  for (int shift = 0;; shift += 7) {
    if (in.empty() || shift > 21) return false;  // parts are short; refuse absurd lengths
    const uint8_t byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (n > in.size()) return false;
  part.assign(in.data(), n);
  in.remove_prefix(n);
  return true;
}

absl::Status Invalid() {
  return absl::InvalidArgumentError(
      "page_token: not a token returned by this list; start again without page_token");
}

}  // namespace

std::string EncodePageToken(absl::string_view kind, const std::vector<std::string>& keys) {
  std::string raw(1, kFormatVersion);
  AppendPart(raw, kind);
  for (const std::string& key : keys) AppendPart(raw, key);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view kind,
                                                         absl::string_view token,
                                                         size_t expected_keys) {
  if (token.size() > kMaxPageTokenLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: longer than ", kMaxPageTokenLength, " characters"));
  }
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return Invalid();
  absl::string_view in = raw;
  if (in.empty() || in.front() != kFormatVersion) return Invalid();
  in.remove_prefix(1);
  std::string token_kind;
  if (!ReadPart(in, token_kind) || token_kind != kind) return Invalid();
  std::vector<std::string> keys(expected_keys);
  for (std::string& key : keys) {
    if (!ReadPart(in, key)) return Invalid();
  }
  if (!in.empty()) return Invalid();
  return keys;
}

}  // namespace meltingdoc
