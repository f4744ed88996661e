// worker/normalize/set_cookie: a Set-Cookie header value as CDP reports it
// (several headers joined by '\n'); every byte of it is the server's. Checks
// what set_cookie.h promises: trimmed name and value, not both empty; an
// ASCII lower-case domain (only one leading dot is dropped, as RFC 6265
// 5.2.3 says: "Domain=..a" stays ".a"); a path that is empty or starts with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "worker/normalize/set_cookie.h"

namespace {

bool Trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  return s.empty() || (!space(s.front()) && !space(s.back()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view line : worker::normalize::SplitHeaderLines(input)) {
    if (line.empty() || line.find('\n') != std::string_view::npos) std::abort();
    auto cookie = worker::normalize::ParseSetCookie(line);
    if (!cookie) continue;
    if (cookie->name.empty() && cookie->value.empty()) std::abort();
    if (!Trimmed(cookie->name) || !Trimmed(cookie->value)) std::abort();
    for (char c : cookie->domain) {
      if (c >= 'A' && c <= 'Z') std::abort();
    }
    if (!cookie->path.empty() && cookie->path.front() != '/') std::abort();
  }
  return 0;
}
