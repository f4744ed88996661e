// HostRules: Chromium's --host-resolver-rules ("MAP pattern host[:port]",
// "EXCLUDE pattern", comma-separated), applied by the egress guard. Behind a
// SOCKS5 proxy Chromium sends host names unresolved, so its own rules no
// longer apply; the guard applies them itself, before it resolves and checks
// the address (tests map fixture names to loopback this way, and the mapped
// address is then what the guard checks). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace worker::egress {

struct HostPort {
  std::string host;
  int port = 0;
};

class HostRules {
 public:
  // The rules of every --host-resolver-rules= among Chromium's flags.
  static common::Result<HostRules> FromChromeFlags(const std::vector<std::string>& flags);
  static common::Result<HostRules> Parse(std::string_view rules);
  // Where a connection to `destination` goes; nullopt for "~NOTFOUND"
  // (the name is made not to resolve).
  std::optional<HostPort> Map(const HostPort& destination) const;
  bool empty() const { return maps_.empty(); }

 private:
  struct MapRule {
    std::string pattern, host;
    int port = 0;  // 0: keep the destination's
  };
  std::vector<MapRule> maps_;
  std::vector<std::string> excludes_;
};

}  // namespace worker::egress
