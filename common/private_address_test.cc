#include "common/private_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

namespace common {
namespace {

bool IsPrivate(const char* text) {
  sockaddr_storage storage{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr) == 1) {
    storage.ss_family = AF_INET;
  } else {
    REQUIRE(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr) == 1);
    storage.ss_family = AF_INET6;
  }
  return IsPrivateAddress(reinterpret_cast<const sockaddr*>(&storage));
}

TEST_CASE("IsPrivateAddress covers the special ranges", "[worker][private_address]") {
  struct Case { const char* address; bool is_private; };
  const Case cases[] = {
      {"0.0.0.0", true}, {"10.1.2.3", true}, {"100.64.0.1", true}, {"100.127.255.255", true},
      {"100.128.0.1", false}, {"127.0.0.1", true}, {"169.254.169.254", true},
      {"172.16.0.1", true}, {"172.31.255.255", true}, {"172.32.0.1", false},
      {"192.168.0.1", true}, {"224.0.0.1", true}, {"240.0.0.1", true},
      {"255.255.255.255", true}, {"8.8.8.8", false}, {"93.184.216.34", false},
      {"::", true}, {"::1", true}, {"fc00::1", true}, {"fd12:3456::1", true},
      {"fe80::1", true}, {"febf::1", true}, {"fec0::1", true}, {"ff02::1", true},
      {"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"::ffff:8.8.8.8", false},
      {"2001:4860:4860::8888", false},
      // IPv6 forms that carry an IPv4 address are judged by it.
      {"::127.0.0.1", true}, {"::8.8.8.8", true},               // IPv4-compatible: deprecated, refused
      {"::ffff:0:169.254.169.254", true},                        // IPv4-translated
      {"64:ff9b::a9fe:a9fe", true}, {"64:ff9b::808:808", false}, // NAT64 of 169.254.169.254 / 8.8.8.8
      {"64:ff9b:1::1", true},                                    // local-use NAT64
      {"2002:7f00:1::1", true}, {"2002:0808:0808::1", false},    // 6to4 of 127.0.0.1 / 8.8.8.8
      {"2001::1", true}, {"2001:db8::1", true}, {"100::1", true},  // Teredo, documentation, discard
      {"192.0.0.170", true}, {"192.0.2.1", true}, {"198.18.0.1", true}, {"198.51.100.7", true},
      {"203.0.113.9", true}, {"192.88.99.1", true}, {"198.20.0.1", false},
  };
  for (const Case& c : cases) {
    INFO(c.address);
    CHECK(IsPrivate(c.address) == c.is_private);
  }
  CHECK(IsPrivateAddress(nullptr));  // fails closed
}

TEST_CASE("AddressPolicy names the range, and opens exactly the allowed networks", "[worker][private_address]") {
  auto address = [](const char* text) {
    static sockaddr_storage storage;
    storage = {};
    if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr) == 1) {
      storage.ss_family = AF_INET;
    } else {
      REQUIRE(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr) == 1);
      storage.ss_family = AF_INET6;
    }
    return reinterpret_cast<const sockaddr*>(&storage);
  };
  AddressPolicy policy;
  CHECK(policy.Refusal(address("169.254.169.254")) == "169.254.169.254 (link-local 169.254.0.0/16)");
  CHECK(policy.Refusal(address("64:ff9b::7f00:1")) == "64:ff9b::7f00:1 (NAT64 loopback 127.0.0.0/8)");
  CHECK(policy.Refusal(address("93.184.216.34")).empty());
  policy.allowed.push_back(IpNetwork::Parse("10.20.0.0/16").value());
  policy.allowed.push_back(IpNetwork::Parse("127.0.0.1").value());
  CHECK(policy.Refusal(address("10.20.3.4")).empty());
  CHECK(!policy.Refusal(address("10.21.0.1")).empty());
  CHECK(policy.Refusal(address("127.0.0.1")).empty());
  CHECK(policy.Refusal(address("::ffff:127.0.0.1")).empty());  // the same host, IPv4-mapped
  CHECK(!policy.Refusal(address("127.0.0.2")).empty());
  CHECK(!policy.Refusal(address("::1")).empty());
  CHECK(AddressPolicy{true, {}}.Refusal(address("127.0.0.1")).empty());
  CHECK(IpNetwork::Parse("fd00::/8").value().ToString() == "fd00::/8");
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "ten", "::/129", "10.0.0.0/8x", ""}) {
    INFO(bad);
    CHECK(!IpNetwork::Parse(bad).ok());
  }
}

TEST_CASE("CheckPublicHost refuses private literals and names", "[worker][private_address]") {
  struct Case { const char* host; const char* message; };
  const Case cases[] = {
      {"127.0.0.1", "host '127.0.0.1' resolves to private address 127.0.0.1"},
      {"[::1]", "host '::1' resolves to private address ::1"},
      {"10.0.0.5", "host '10.0.0.5' resolves to private address 10.0.0.5"},
      {"localhost", "host 'localhost' resolves to private address "},  // 127.0.0.1 or ::1
  };
  for (const Case& c : cases) {
    INFO(c.host);
    common::Status s = CheckPublicHost(c.host);
    CHECK(s.code() == common::Code::kInvalidArgument);
    CHECK(s.message().rfind(c.message, 0) == 0);
  }
  CHECK(CheckPublicHost("93.184.216.34").ok());  // a literal: no DNS needed
  CHECK(CheckPublicHost("127.0.0.1.").code() == common::Code::kInvalidArgument);  // trailing dot
  CHECK(CheckPublicHost("").code() == common::Code::kInvalidArgument);
  // .invalid never resolves (RFC 2606); without network the lookup fails too.
  CHECK(CheckPublicHost("no-such-host.invalid").code() == common::Code::kUnavailable);
}

}  // namespace
}  // namespace common
