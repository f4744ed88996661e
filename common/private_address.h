// The private-target guard: scans can be triggered from a queue, so an entry
// URL whose host resolves to loopback, private, link-local, CGNAT, multicast
// or unspecified space is refused unless explicitly allowed.
// Thread-safe (getaddrinfo).
#pragma once

#include <string_view>

#include "common/status.h"

struct sockaddr;

namespace common {

bool IsPrivateAddress(const sockaddr* address);
// Resolves `host` (a literal address is not looked up). kInvalidArgument
// naming the address when any resolved address is private; kUnavailable when
// the name does not resolve (the scan then records the browser's own error).
common::Status CheckPublicHost(std::string_view host);

}  // namespace common
