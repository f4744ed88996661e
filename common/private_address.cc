#include "common/private_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace common {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

bool InPrefix(const uint8_t* address, const uint8_t* prefix, int bits) {
  int whole = bits / 8;
  if (std::memcmp(address, prefix, whole) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[whole] & mask) == (prefix[whole] & mask);
}

struct Range {
  uint8_t prefix[16];
  int bits;
  const char* name;
};

// IANA's special-purpose registries, the entries not globally reachable.
constexpr Range kV4Ranges[] = {
    {{0, 0, 0, 0}, 8, "\"this network\" 0.0.0.0/8"},
    {{10, 0, 0, 0}, 8, "private 10.0.0.0/8"},
    {{100, 64, 0, 0}, 10, "carrier-grade NAT 100.64.0.0/10"},
    {{127, 0, 0, 0}, 8, "loopback 127.0.0.0/8"},
    {{169, 254, 0, 0}, 16, "link-local 169.254.0.0/16"},
    {{172, 16, 0, 0}, 12, "private 172.16.0.0/12"},
    {{192, 0, 0, 0}, 24, "IETF protocol assignments 192.0.0.0/24"},
    {{192, 0, 2, 0}, 24, "documentation 192.0.2.0/24"},
    {{192, 88, 99, 0}, 24, "6to4 relay anycast 192.88.99.0/24"},
    {{192, 168, 0, 0}, 16, "private 192.168.0.0/16"},
    {{198, 18, 0, 0}, 15, "benchmarking 198.18.0.0/15"},
    {{198, 51, 100, 0}, 24, "documentation 198.51.100.0/24"},
    {{203, 0, 113, 0}, 24, "documentation 203.0.113.0/24"},
    {{224, 0, 0, 0}, 4, "multicast 224.0.0.0/4"},
    {{240, 0, 0, 0}, 4, "reserved 240.0.0.0/4"},
};

constexpr Range kV6Ranges[] = {
    {{}, 128, "unspecified ::/128"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback ::1/128"},
    {{}, 96, "IPv4-compatible ::/96"},
    {{0, 0x64, 0xff, 0x9b, 0, 1}, 48, "local-use NAT64 64:ff9b:1::/48"},
    {{0x01, 0x00}, 64, "discard-only 100::/64"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation 2001:db8::/32"},
    {{0x20, 0x01}, 23, "IETF protocol assignments (incl. Teredo) 2001::/23"},
    {{0x3f, 0xff}, 20, "documentation 3fff::/20"},
    {{0xfc}, 7, "unique local fc00::/7"},
    {{0xfe, 0x80}, 10, "link-local fe80::/10"},
    {{0xfe, 0xc0}, 10, "site-local fec0::/10"},
    {{0xff}, 8, "multicast ff00::/8"},
};

struct Embedded {
  uint8_t prefix[16];
  int bits;
  int v4_offset;  // where the IPv4 address sits
  const char* name;
};

// IPv6 forms that carry an IPv4 address to the wire: judged by that address.
constexpr Embedded kEmbeddedV4[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 12, "IPv4-mapped"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}, 96, 12, "IPv4-translated"},
    {{0, 0x64, 0xff, 0x9b}, 96, 12, "NAT64"},
    {{0x20, 0x02}, 16, 2, "6to4"},
};

const char* V4Range(const uint8_t* a) {
  for (const Range& r : kV4Ranges) {
    if (InPrefix(a, r.prefix, r.bits)) return r.name;
  }
  return nullptr;
}

// The IPv4 address an IPv6 one carries to the wire, if any; `form` names how.
bool EmbeddedV4(const uint8_t* a, uint8_t v4[4], const char** form) {
  for (const Embedded& e : kEmbeddedV4) {
    if (!InPrefix(a, e.prefix, e.bits)) continue;
    std::memcpy(v4, a + e.v4_offset, 4);
    *form = e.name;
    return true;
  }
  return false;
}

std::string V6Range(const uint8_t* a) {
  uint8_t v4[4];
  const char* form = nullptr;
  if (EmbeddedV4(a, v4, &form)) {
    const char* inner = V4Range(v4);
    return inner ? std::string(form) + " " + inner : "";
  }
  for (const Range& r : kV6Ranges) {
    if (InPrefix(a, r.prefix, r.bits)) return r.name;
  }
  return "";
}

const uint8_t* V4Bytes(const sockaddr* a) {
  return reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(a)->sin_addr);
}
const uint8_t* V6Bytes(const sockaddr* a) {
  return reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr.s6_addr;
}

// getaddrinfo with `flags`; nullptr and `*error` set on failure.
AddrInfoList Resolve(const std::string& host, int flags, int* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not per socket type
  hints.ai_flags = flags;
  addrinfo* list = nullptr;
  *error = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  return AddrInfoList(*error == 0 ? list : nullptr);
}

}  // namespace

std::string SpecialRange(const sockaddr* address) {
  if (address == nullptr) return "no address";
  if (address->sa_family == AF_INET) {
    const char* name = V4Range(V4Bytes(address));
    return name ? name : "";
  }
  if (address->sa_family == AF_INET6) return V6Range(V6Bytes(address));
  return "unknown address family";
}

bool IsPrivateAddress(const sockaddr* address) { return !SpecialRange(address).empty(); }

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address == nullptr) return text;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, V4Bytes(address), text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, V6Bytes(address), text, sizeof text);
  }
  return text;
}

Result<IpNetwork> IpNetwork::Parse(std::string_view cidr) {
  std::string_view text = cidr, bits_text;
  if (size_t slash = cidr.find('/'); slash != std::string_view::npos) {
    text = cidr.substr(0, slash);
    bits_text = cidr.substr(slash + 1);
  }
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  IpNetwork n;
  std::string address(text);
  if (inet_pton(AF_INET, address.c_str(), n.bytes_) == 1) {
    n.family_ = AF_INET;
  } else if (inet_pton(AF_INET6, address.c_str(), n.bytes_) == 1) {
    n.family_ = AF_INET6;
  } else {
    return Status::InvalidArgument("'" + std::string(cidr) + "' is not an address or CIDR network (e.g. 10.0.0.0/8)");
  }
  int max_bits = n.family_ == AF_INET ? 32 : 128;
  n.prefix_bits_ = max_bits;
  if (!bits_text.empty() || cidr.find('/') != std::string_view::npos) {
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), n.prefix_bits_);
    if (ec != std::errc() || end != bits_text.data() + bits_text.size() || n.prefix_bits_ < 0 ||
        n.prefix_bits_ > max_bits) {
      return Status::InvalidArgument("'" + std::string(cidr) + "': prefix length must be 0-" +
                                     std::to_string(max_bits));
    }
  }
  return n;
}

bool IpNetwork::Contains(const sockaddr* address) const {
  if (address == nullptr || address->sa_family != family_) return false;
  const uint8_t* a = family_ == AF_INET ? V4Bytes(address) : V6Bytes(address);
  return InPrefix(a, bytes_, prefix_bits_);
}

std::string IpNetwork::ToString() const {
  char text[INET6_ADDRSTRLEN] = "?";
  inet_ntop(family_, bytes_, text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix_bits_);
}

std::string AddressPolicy::Refusal(const sockaddr* address) const {
  if (allow_private) return "";
  std::string range = SpecialRange(address);
  if (range.empty()) return "";
  sockaddr_in inner{};
  const sockaddr* as_v4 = nullptr;
  const char* form = nullptr;
  if (address->sa_family == AF_INET6 &&
      EmbeddedV4(V6Bytes(address), reinterpret_cast<uint8_t*>(&inner.sin_addr), &form)) {
    inner.sin_family = AF_INET;
    as_v4 = reinterpret_cast<const sockaddr*>(&inner);
  }
  for (const IpNetwork& n : allowed) {
    if (n.Contains(address) || (as_v4 && n.Contains(as_v4))) return "";
  }
  return AddressText(address) + " (" + range + ")";
}

common::Status CheckPublicHost(std::string_view host, const AddressPolicy& policy) {
  std::string name(host);
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  if (name.size() > 1 && name.back() == '.') name.pop_back();  // "127.0.0.1." is 127.0.0.1
  if (name.empty()) return common::Status::InvalidArgument("empty host");
  int error = 0;
  // A literal address is parsed without any DNS traffic.
  AddrInfoList list = Resolve(name, AI_NUMERICHOST, &error);
  if (!list) list = Resolve(name, 0, &error);
  if (!list) {
    return common::Status::Unavailable("host '" + name + "' does not resolve: " +
                                       gai_strerror(error));
  }
  for (const addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    std::string refusal = policy.Refusal(a->ai_addr);
    if (!refusal.empty()) {
      return common::Status::InvalidArgument("host '" + name + "' resolves to private address " + refusal);
    }
  }
  return common::Status::Ok();
}

}  // namespace common
