#include "common/private_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

bool InPrefix(uint32_t address, uint32_t prefix, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (address & mask) == (prefix & mask);
}

// `address` in host byte order.
bool IsPrivateV4(uint32_t address) {
  struct Range { uint32_t prefix; int bits; };
  static constexpr Range kPrivate[] = {
      {0x00000000, 8},   // "this network", 0.0.0.0 reaches the local host
      {0x0A000000, 8},   // 10/8
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // link-local, incl. cloud metadata 169.254.169.254
      {0xAC100000, 12},  // 172.16/12
      {0xC0A80000, 16},  // 192.168/16
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, incl. broadcast 255.255.255.255
  };
  for (const Range& r : kPrivate) {
    if (InPrefix(address, r.prefix, r.bits)) return true;
  }
  return false;
}

bool IsPrivateV6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {  // ::ffff:a.b.c.d is IPv4 on the wire
    return IsPrivateV4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 | b[15]);
  }
  static constexpr uint8_t kZero[15] = {};
  if (std::memcmp(b, kZero, 15) == 0 && b[15] <= 1) return true;  // :: and ::1
  if ((b[0] & 0xfe) == 0xfc) return true;                         // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;          // fe80::/10 link-local
  return b[0] == 0xff;                                             // ff00::/8 multicast
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
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

// Unknown families count as private: the guard fails closed.
bool IsPrivateAddress(const sockaddr* address) {
  if (address == nullptr) return true;
  if (address->sa_family == AF_INET) {
    return IsPrivateV4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    return IsPrivateV6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return true;
}

common::Status CheckPublicHost(std::string_view host) {
  std::string name(host);
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
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
    if (IsPrivateAddress(a->ai_addr)) {
      return common::Status::InvalidArgument("host '" + name + "' resolves to private address " +
                                             AddressText(a->ai_addr));
    }
  }
  return common::Status::Ok();
}

}  // namespace common
