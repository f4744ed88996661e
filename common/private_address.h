// The private-network policy: which addresses a scan may not reach.
// Scans can be triggered from a queue and pages control every URL they load,
// so the browser's connections to loopback, private, link-local, CGNAT,
// multicast, reserved and unspecified space (and the IPv6 forms that embed
// such an IPv4 address) are refused unless the user opened that network.
// The address checked must be the address connected to: the egress guard
// (worker/egress/) applies this at the connection; CheckPublicHost is only an
// early, friendlier refusal of an entry URL. Pure and thread-safe.
#pragma once

#include <netinet/in.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sockaddr;

namespace common {

// The special-purpose range `address` lies in ("loopback 127.0.0.0/8", ...),
// or "" for a public address. Unknown families count as special: the policy
// fails closed.
std::string SpecialRange(const sockaddr* address);
bool IsPrivateAddress(const sockaddr* address);
std::string AddressText(const sockaddr* address);

// One network a user opened with --allow-network ("10.0.0.0/8", "::1/128",
// or a bare address for one host).
class IpNetwork {
 public:
  static Result<IpNetwork> Parse(std::string_view cidr);
  bool Contains(const sockaddr* address) const;
  std::string ToString() const;

 private:
  int family_ = 0;
  unsigned char bytes_[16] = {};
  int prefix_bits_ = 0;
};

struct AddressPolicy {
  bool allow_private = false;         // --allow-private-targets: nothing is refused
  std::vector<IpNetwork> allowed;     // --allow-network, each
  // Why `address` may not be reached ("127.0.0.1 (loopback 127.0.0.0/8)"),
  // or "" when it may.
  std::string Refusal(const sockaddr* address) const;
  bool guards() const { return !allow_private; }
};

// Resolves `host` (a literal address is not looked up). kInvalidArgument
// naming the address when any resolved address is refused by `policy`;
// kUnavailable when the name does not resolve here (the guard decides then,
// at the connection).
common::Status CheckPublicHost(std::string_view host, const AddressPolicy& policy = {});

}  // namespace common
