// The client's address for rate limits, logs and the services (x-forwarded-for): the TCP
// peer, unless the peer is one of the configured trusted proxies, in which case the
// X-Forwarded-For chain is walked from the right, skipping trusted proxies, and the first
// address that is not one is the client. Without trusted proxies X-Forwarded-For is ignored:
// anyone can write that header, and believing it would let a client pick its own rate-limit
// bucket (and its own throttling bucket at identity).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::gateway {

// An IPv4 or IPv6 network; IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n).
struct IpNetwork {
  std::array<uint8_t, 16> address{};
  int prefix_bits = 128;
};

// "10.0.0.0/8", "192.168.1.7" (one host), "fd00::/8". INVALID_ARGUMENT naming the entry.
absl::StatusOr<std::vector<IpNetwork>> ParseTrustedProxies(const std::vector<std::string>& entries);

// `peer`: the TCP peer address; `forwarded_for`: every X-Forwarded-For value of the request
// joined by ',' (empty when none). Returns a normalized address text (IPv4 as a.b.c.d).
std::string ClientIp(absl::string_view peer, absl::string_view forwarded_for,
                     const std::vector<IpNetwork>& trusted);

}  // namespace meltingdoc::gateway
