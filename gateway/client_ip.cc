#include "gateway/client_ip.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace meltingdoc::gateway {
namespace {

// The address as 16 bytes (IPv4 mapped), or nullopt when `text` is not an IP address.
// "[v6]" and a v4 "a.b.c.d:port" are accepted (some proxies write them).
std::optional<std::array<uint8_t, 16>> ParseIp(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() >= 2 && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == absl::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (text.find(':') != absl::string_view::npos && text.find(':') == text.rfind(':') &&
             text.find('.') != absl::string_view::npos) {
    text = text.substr(0, text.find(':'));  // a.b.c.d:port
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<uint8_t, 16> out{};
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsMappedV4(const std::array<uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i) {
    if (a[i] != 0) return false;
  }
  return a[10] == 0xff && a[11] == 0xff;
}

std::string Format(const std::array<uint8_t, 16>& a) {
  char buf[INET6_ADDRSTRLEN];
  if (IsMappedV4(a)) {
    inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
  }
  return buf;
}

bool Contains(const IpNetwork& n, const std::array<uint8_t, 16>& a) {
  int bits = n.prefix_bits;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((n.address[i] & mask) != (a[i] & mask)) return false;
  }
  return true;
}

bool Trusted(const std::vector<IpNetwork>& trusted, const std::array<uint8_t, 16>& a) {
  for (const IpNetwork& n : trusted) {
    if (Contains(n, a)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<IpNetwork>> ParseTrustedProxies(const std::vector<std::string>& entries) {
  std::vector<IpNetwork> out;
  for (const std::string& raw : entries) {
    absl::string_view entry = absl::StripAsciiWhitespace(raw);
    if (entry.empty()) continue;
    const size_t slash = entry.find('/');
    const absl::string_view address_text = entry.substr(0, slash);
    const bool is_v4 = address_text.find(':') == absl::string_view::npos;
    auto address = ParseIp(address_text);
    int bits = is_v4 ? 32 : 128;
    if (!address.has_value() ||
        (slash != absl::string_view::npos &&
         (!absl::SimpleAtoi(entry.substr(slash + 1), &bits) || bits < 0 || bits > (is_v4 ? 32 : 128)))) {
      return absl::InvalidArgumentError(
          absl::StrCat("trusted proxy \"", entry, "\": expected an address or address/prefix, e.g. 10.0.0.0/8"));
    }
    IpNetwork n;
    n.address = *address;
    n.prefix_bits = is_v4 ? 96 + bits : bits;
    out.push_back(n);
  }
  return out;
}

std::string ClientIp(absl::string_view peer, absl::string_view forwarded_for,
                     const std::vector<IpNetwork>& trusted) {
  auto peer_ip = ParseIp(peer);
  if (!peer_ip.has_value()) return std::string(peer.substr(0, 64));
  std::array<uint8_t, 16> client = *peer_ip;
  if (trusted.empty() || forwarded_for.empty()) return Format(client);
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',');
  // Right to left: each hop was appended by the proxy after it. Stop at the first address
  // that no trusted proxy vouches for; an entry that is not an address ends the walk too
  // (everything left of it was written by an untrusted party).
  for (auto it = hops.rbegin(); it != hops.rend() && Trusted(trusted, client); ++it) {
    auto hop = ParseIp(*it);
    if (!hop.has_value()) break;
    client = *hop;
  }
  return Format(client);
}

}  // namespace meltingdoc::gateway
