// ASCII string helpers every layer shares: case folding, trimming and
// percent-decoding. One definition each, so that "lower-case" or "trimmed"
// means the same thing in the URL parser, the filter lists and the leak search.
// Pure functions; thread-safe; no errors but PercentDecodeStrict's nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace common {

// Only 'A'-'Z' change: the same in every locale, and cheap enough for the
// filter matcher's per-character loops (hence inline).
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s);

// Space, tab, CR and LF: what a line read with std::getline may carry.
inline constexpr std::string_view kLineSpace = " \t\r\n";
// `s` without leading and trailing characters from `chars`. The view points into `s`.
std::string_view Trim(std::string_view s, std::string_view chars = kLineSpace);
// `s` without trailing characters from `chars`.
std::string_view TrimRight(std::string_view s, std::string_view chars = kLineSpace);

// The value of one hex digit (either case), or -1.
int HexValue(char c);

// %XX escapes decoded; a '%' not followed by two hex digits stays as written,
// and '+' stays '+' (URL paths, cookie values, text of any kind).
std::string PercentDecode(std::string_view s);
// application/x-www-form-urlencoded: as PercentDecode, but '+' is a space.
std::string FormDecode(std::string_view s);
// As PercentDecode, but nullopt when a '%' is not followed by two hex digits
// (URL parts that must be exact, such as a Redis password).
std::optional<std::string> PercentDecodeStrict(std::string_view s);

}  // namespace common
