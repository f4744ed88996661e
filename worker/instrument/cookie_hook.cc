#include "worker/instrument/cookie_hook.h"

#include <vector>

namespace worker {

std::vector<std::string_view> SplitPayload(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<CookieWriteRecord> ParseCookieHookPayload(std::string_view payload) {
  auto fields = SplitPayload(payload, '\x1f');
  if (fields.size() != 4) return std::nullopt;
  if (fields[0] != "document.cookie" && fields[0] != "cookieStore") return std::nullopt;
  CookieWriteRecord write;
  write.api = fields[0];
  write.frame_url = fields[1];
  write.cookie = fields[2];
  if (!fields[3].empty()) {
    for (auto url : SplitPayload(fields[3], '\x1e')) {
      if (!url.empty()) write.stack_urls.emplace_back(url);
    }
  }
  if (!write.stack_urls.empty()) write.script_url = write.stack_urls.front();
  return write;
}

}  // namespace worker
