#include "worker/normalize/registrable_domain.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "common/url.h"

namespace worker::normalize {
namespace {

// Loaded once: psl_latest prefers the system's (newer) list file and falls
// back to the copy built into libpsl itself; it returns NULL only when
// libpsl has no built-in copy either (libpsl(3)), so there is nothing else
// to try. A function-local static makes the first call thread-safe; the
// context lives until exit, read-only.
const psl_ctx_t* Psl() {
  static const psl_ctx_t* psl = psl_latest(nullptr);
  return psl;
}

std::string CanonicalHost(std::string_view host) {
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (!h.empty() && h.back() == '.') h.pop_back();  // "example.com." is example.com
  return common::AsciiLower(h);
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

std::string RegistrableDomain(std::string_view host) {
  std::string h = CanonicalHost(host);
  if (h.empty() || IsIpLiteral(h)) return h;
  const psl_ctx_t* psl = Psl();
  const char* domain = psl != nullptr ? psl_registrable_domain(psl, h.c_str()) : nullptr;
  // nullptr: the host is itself a public suffix (or unknown to the list).
  return domain != nullptr ? std::string(domain) : h;
}

bool IsThirdParty(std::string_view url, std::string_view site) {
  // A blob: URL carries the origin that created it; judge that origin.
  if (url.substr(0, 5) == "blob:") url.remove_prefix(5);
  std::string host = common::HostOf(url);
  // No host (data:, about:, chrome-error:) or no site to compare with.
  if (host.empty() || site.empty()) return false;
  return RegistrableDomain(host) != CanonicalHost(site);
}

bool IsThirdPartyDomain(std::string_view cookie_domain, std::string_view site) {
  if (!cookie_domain.empty() && cookie_domain.front() == '.') cookie_domain.remove_prefix(1);
  if (cookie_domain.empty() || site.empty()) return false;
  return RegistrableDomain(cookie_domain) != CanonicalHost(site);
}

}  // namespace worker::normalize
