// libFuzzer target: keyset page tokens (libs/common/page_token), which every list RPC decodes
// from client input. Two properties on each input:
//   - decoding arbitrary text either succeeds or is INVALID_ARGUMENT naming page_token; a token
//     that decodes re-encodes to a token that decodes to the same keys;
//   - any keys (split from the input) encode to a token that decodes back to exactly those keys
//     and is refused for another kind or another key count.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/common/page_token.h"

namespace {

using meltingdoc::DecodePageToken;
using meltingdoc::EncodePageToken;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void CheckRefusal(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) Fail("refusal is not INVALID_ARGUMENT");
  if (!absl::StartsWith(status.message(), "page_token")) Fail("refusal does not name page_token");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t expected_keys = data[0] % 4;
  const absl::string_view kinds[] = {"cases", "replies", "cases/space", ""};
  const absl::string_view kind = kinds[(data[0] >> 2) % 4];
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  // Arbitrary text as a token.
  absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(kind, rest, expected_keys);
  if (!decoded.ok()) {
    CheckRefusal(decoded.status());
  } else {
    if (decoded->size() != expected_keys) Fail("decoded key count differs from the expected");
    absl::StatusOr<std::vector<std::string>> again =
        DecodePageToken(kind, EncodePageToken(kind, *decoded), expected_keys);
    if (!again.ok() || *again != *decoded) Fail("re-encoded token does not decode to the same keys");
  }

  // Arbitrary keys (the input split on '|'), encoded then decoded.
  std::vector<std::string> keys;
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == '|') {
      keys.emplace_back(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  const std::string token = EncodePageToken(kind, keys);
  if (token.size() <= meltingdoc::kMaxPageTokenLength) {
    absl::StatusOr<std::vector<std::string>> round = DecodePageToken(kind, token, keys.size());
    if (!round.ok() || *round != keys) Fail("encoded keys do not decode back");
  }
  absl::StatusOr<std::vector<std::string>> other_kind =
      DecodePageToken(absl::StrCat(kind, "#"), token, keys.size());
  if (other_kind.ok()) Fail("a token of one kind decoded for another");
  CheckRefusal(other_kind.status());
  absl::StatusOr<std::vector<std::string>> other_count = DecodePageToken(kind, token, keys.size() + 1);
  if (other_count.ok()) Fail("a token decoded with another key count");
  CheckRefusal(other_count.status());
  return 0;
}
