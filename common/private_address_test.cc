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
      {"fe80::1", true}, {"febf::1", true}, {"fec0::1", false}, {"ff02::1", true},
      {"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"::ffff:8.8.8.8", false},
      {"2001:4860:4860::8888", false},
  };
  for (const Case& c : cases) {
    INFO(c.address);
    CHECK(IsPrivate(c.address) == c.is_private);
  }
  CHECK(IsPrivateAddress(nullptr));  // fails closed
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
  CHECK(CheckPublicHost("").code() == common::Code::kInvalidArgument);
  // .invalid never resolves (RFC 2606); without network the lookup fails too.
  CHECK(CheckPublicHost("no-such-host.invalid").code() == common::Code::kUnavailable);
}

}  // namespace
}  // namespace common
