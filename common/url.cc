#include "common/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

#include "common/strings.h"

namespace common {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// One URL part as a std::string; "" when curl reports it absent (no query, ...).
std::string Part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

// The scheme as written before the first ':', for error messages about URLs
// curl refused ("ftp", "javascript"); "" when there is no scheme-like prefix.
std::string SchemeLikePrefix(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return "";
  std::string_view scheme = url.substr(0, colon);
  bool ok = std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '-' || c == '.';
  });
  return ok ? AsciiLower(scheme) : "";
}

// Parses with curl's defaults: only schemes this libcurl supports parse, so
// data:, about:, blob: and javascript: URLs are refused (they have no host).
// `code` receives curl's verdict so callers can explain the refusal.
common::Result<ParsedUrl> ParseWithCode(std::string_view url, CURLUcode* code, unsigned flags = 0) {
  *code = CURLUE_MALFORMED_INPUT;
  if (url.empty()) return common::Status::InvalidArgument("not a URL: empty string");
  UrlHandle handle(curl_url());
  if (!handle) return common::Status::Internal("curl_url: out of memory");
  std::string copy(url);  // curl needs a NUL-terminated string
  *code = curl_url_set(handle.get(), CURLUPART_URL, copy.c_str(), flags);
  if (*code != CURLUE_OK) {
    return common::Status::InvalidArgument("not a URL: " + copy + " (" +
                                           curl_url_strerror(*code) + ")");
  }
  CURLU* u = handle.get();
  ParsedUrl parsed;
  parsed.scheme = AsciiLower(Part(u, CURLUPART_SCHEME));
  parsed.host = AsciiLower(Part(u, CURLUPART_HOST));
  // curl keeps IPv6 literals bracketed; callers compare bare addresses.
  if (parsed.host.size() > 2 && parsed.host.front() == '[' && parsed.host.back() == ']') {
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  }
  std::string port = Part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parsed.port = port.empty() ? 0 : std::atoi(port.c_str());
  parsed.path = Part(u, CURLUPART_PATH);
  parsed.query = Part(u, CURLUPART_QUERY);
  return parsed;
}

}  // namespace

common::Result<ParsedUrl> ParseUrl(std::string_view url) {
  CURLUcode code;
  return ParseWithCode(url, &code);
}

std::string HostOf(std::string_view url) {
  // WebSocket URLs have hosts too, though this libcurl cannot fetch them;
  // browser-internal schemes (chrome-error:, devtools:) do not.
  CURLUcode code;
  auto parsed = ParseWithCode(url, &code, CURLU_NON_SUPPORT_SCHEME);
  if (!parsed.ok()) return "";
  const std::string& s = parsed->scheme;
  bool network = s == "http" || s == "https" || s == "ws" || s == "wss" || s == "ftp";
  return network ? parsed->host : "";
}

common::Result<ParsedUrl> ValidateEntryUrl(std::string_view url) {
  CURLUcode code;
  auto parsed = ParseWithCode(url, &code);
  // curl refuses schemes it cannot fetch (javascript:, data:) before looking
  // further, so name the scheme as written.
  std::string scheme = parsed.ok() ? parsed->scheme : SchemeLikePrefix(url);
  bool unsupported = parsed.ok() ? (scheme != "http" && scheme != "https")
                                 : (code == CURLUE_UNSUPPORTED_SCHEME && !scheme.empty());
  if (unsupported) {
    return common::Status::InvalidArgument("unsupported scheme '" + scheme +
                                           "' (only http and https)");
  }
  if (code == CURLUE_NO_HOST || (parsed.ok() && parsed->host.empty())) {
    return common::Status::InvalidArgument("no host in " + std::string(url));
  }
  return parsed;
}

}  // namespace common
