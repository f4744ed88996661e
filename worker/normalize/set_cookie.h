// Set-Cookie parsing (RFC 6265 section 5.2), for attributing cookies to the
// responses that set them. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace worker::normalize {

struct SetCookie {
  std::string name, value;
  std::string domain;  // attribute as given, leading dot dropped; empty: host-only
  std::string path;
  std::optional<std::string> expires;
  std::optional<long long> max_age;
  bool http_only = false, secure = false, partitioned = false;
  std::string same_site;  // as written: Strict, Lax, None, or empty
};

// nullopt for a line without a name=value pair.
std::optional<SetCookie> ParseSetCookie(std::string_view line);
// CDP joins repeated Set-Cookie headers with '\n'.
std::vector<std::string_view> SplitHeaderLines(std::string_view joined);

}  // namespace worker::normalize
