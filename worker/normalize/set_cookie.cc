#include "worker/normalize/set_cookie.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "common/strings.h"

namespace worker::normalize {
namespace {

// RFC 6265 5.2 trims only SP and HTAB ("whitespace" there means WSP).
constexpr std::string_view kCookieSpace = " \t";

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

// RFC 6265 5.2.2: an optional '-' then digits; anything else is ignored.
// Out-of-range values saturate, since only the sign matters past a century.
std::optional<long long> ParseMaxAge(std::string_view v) {
  bool negative = !v.empty() && v.front() == '-';
  std::string_view digits = negative ? v.substr(1) : v;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                     [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  long long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) value = std::numeric_limits<long long>::max();
  return negative ? -value : value;
}

// One "name[=value]" attribute; unknown attributes are ignored (5.2.6), and a
// later occurrence of the same attribute wins, as in 5.3 step 11.
void ApplyAttribute(std::string_view name, std::string_view value, SetCookie* cookie) {
  if (IEquals(name, "expires")) {
    cookie->expires = std::string(value);
  } else if (IEquals(name, "max-age")) {
    if (auto age = ParseMaxAge(value)) cookie->max_age = age;
  } else if (IEquals(name, "domain")) {
    if (!value.empty() && value.front() == '.') value.remove_prefix(1);
    if (!value.empty()) cookie->domain = common::AsciiLower(value);
  } else if (IEquals(name, "path")) {
    // 5.2.4: a path not starting with '/' means the default path.
    cookie->path = (!value.empty() && value.front() == '/') ? std::string(value) : "";
  } else if (IEquals(name, "secure")) {
    cookie->secure = true;
  } else if (IEquals(name, "httponly")) {
    cookie->http_only = true;
  } else if (IEquals(name, "samesite")) {
    cookie->same_site = std::string(value);
  } else if (IEquals(name, "partitioned")) {
    cookie->partitioned = true;
  }
}

// The ';'-separated attributes after the name-value pair (5.2 steps 1-6).
void ParseAttributes(std::string_view attributes, SetCookie* cookie) {
  while (!attributes.empty()) {
    size_t end = attributes.find(';');
    std::string_view av = attributes.substr(0, end);
    attributes = end == std::string_view::npos ? std::string_view() : attributes.substr(end + 1);
    size_t eq = av.find('=');
    std::string_view name = common::Trim(av.substr(0, eq), kCookieSpace);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : common::Trim(av.substr(eq + 1), kCookieSpace);
    ApplyAttribute(name, value, cookie);
  }
}

}  // namespace

// Deviation from RFC 6265 5.2 step 2, on purpose: a name-value pair without
// '=' is NOT ignored but read as a nameless cookie whose value is the token,
// because that is what Chrome stores (net/cookies/parsed_cookie.cc), and we
// attribute the cookies Chrome actually has. nullopt only when both name and
// value are empty (Chrome refuses those too).
std::optional<SetCookie> ParseSetCookie(std::string_view line) {
  size_t semicolon = line.find(';');
  std::string_view pair = line.substr(0, semicolon);
  std::string_view attributes =
      semicolon == std::string_view::npos ? std::string_view() : line.substr(semicolon + 1);
  SetCookie cookie;
  size_t eq = pair.find('=');
  if (eq == std::string_view::npos) {
    cookie.value = std::string(common::Trim(pair, kCookieSpace));
  } else {
    cookie.name = std::string(common::Trim(pair.substr(0, eq), kCookieSpace));
    cookie.value = std::string(common::Trim(pair.substr(eq + 1), kCookieSpace));
  }
  if (cookie.name.empty() && cookie.value.empty()) return std::nullopt;
  ParseAttributes(attributes, &cookie);
  return cookie;
}

std::vector<std::string_view> SplitHeaderLines(std::string_view joined) {
  std::vector<std::string_view> lines;
  while (!joined.empty()) {
    size_t end = joined.find('\n');
    std::string_view line = joined.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF-joined input
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    joined.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace worker::normalize
