// Registrable domains (eTLD+1) from the public suffix list, through libpsl.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace worker::normalize {

// "www.clinic.example.co.uk" -> "example.co.uk"; an IP address or a host that
// is itself a public suffix is returned as it is (lower-cased).
std::string RegistrableDomain(std::string_view host);
// True when the registrable domain of `url`'s host differs from `site`.
// URLs without a host (data:, blob: of the same origin, about:) are not third-party.
bool IsThirdParty(std::string_view url, std::string_view site);
// The cookie-domain form: leading dot dropped before the registrable domain is taken.
bool IsThirdPartyDomain(std::string_view cookie_domain, std::string_view site);

}  // namespace worker::normalize
