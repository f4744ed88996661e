#include "common/strings.h"

namespace common {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

namespace {

// The one decoder behind the three public variants. False only when `strict`
// and an escape is malformed.
bool Decode(std::string_view s, bool plus_is_space, bool strict, std::string* out) {
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+' && plus_is_space) {
      *out += ' ';
    } else if (c != '%') {
      *out += c;
    } else if (i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      *out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (strict) {
      return false;
    } else {
      *out += c;
    }
  }
  return true;
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string_view Trim(std::string_view s, std::string_view chars) {
  size_t first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

std::string_view TrimRight(std::string_view s, std::string_view chars) {
  size_t last = s.find_last_not_of(chars);
  return last == std::string_view::npos ? std::string_view() : s.substr(0, last + 1);
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  Decode(s, /*plus_is_space=*/false, /*strict=*/false, &out);
  return out;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  Decode(s, /*plus_is_space=*/true, /*strict=*/false, &out);
  return out;
}

std::optional<std::string> PercentDecodeStrict(std::string_view s) {
  std::string out;
  if (!Decode(s, /*plus_is_space=*/false, /*strict=*/true, &out)) return std::nullopt;
  return out;
}

}  // namespace common
