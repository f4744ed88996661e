// URL helpers on curl's URL API (a well-kept parser; no hand-written one).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace common {

struct ParsedUrl {
  std::string scheme;  // lower-case
  std::string host;    // lower-case, IPv6 without brackets
  int port = 0;        // explicit or scheme default
  std::string path, query;
};

// kInvalidArgument with a readable reason for anything curl cannot parse.
common::Result<ParsedUrl> ParseUrl(std::string_view url);
// The host of `url`, or "" when it has none or does not parse.
std::string HostOf(std::string_view url);
// A user's entry URL: must parse, be http or https and have a host.
common::Result<ParsedUrl> ValidateEntryUrl(std::string_view url);

}  // namespace common
