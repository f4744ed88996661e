#include "worker/normalize/registrable_domain.h"

#include <catch2/catch.hpp>

namespace worker::normalize {
namespace {

TEST_CASE("RegistrableDomain uses the public suffix list", "[worker][registrable_domain]") {
  struct Case { const char* host; const char* expected; };
  const Case cases[] = {
      {"www.clinic.example.co.uk", "example.co.uk"},
      {"WWW.Example.COM", "example.com"},
      {"example.com.", "example.com"},
      {"a.b.c.example.com", "example.com"},
      {"foo.github.io", "foo.github.io"},  // github.io is a (private) public suffix
      {"co.uk", "co.uk"},                  // a public suffix itself
      {"localhost", "localhost"},
      {"192.168.1.10", "192.168.1.10"},
      {"2001:db8::1", "2001:db8::1"},
      {"[2001:db8::1]", "2001:db8::1"},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.host);
    CHECK(RegistrableDomain(c.host) == c.expected);
  }
}

TEST_CASE("IsThirdParty compares registrable domains of URLs", "[worker][registrable_domain]") {
  struct Case { const char* url; bool third_party; };
  const Case cases[] = {
      {"https://www.example.com/a", false},
      {"https://cdn.example.com/a.js", false},
      {"https://tracker.net/p.gif", true},
      {"https://example.com.evil.net/", true},
      {"data:image/png;base64,AAAA", false},
      {"about:blank", false},
      {"chrome-error://chromewebdata/", false},
      {"blob:https://www.example.com/0d9f", false},
      {"blob:https://ads.tracker.net/0d9f", true},
      {"https://93.184.216.34/", true},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    CHECK(IsThirdParty(c.url, "example.com") == c.third_party);
  }
  CHECK_FALSE(IsThirdParty("https://tracker.net/", ""));  // no site known yet
}

TEST_CASE("IsThirdPartyDomain drops the leading dot", "[worker][registrable_domain]") {
  CHECK_FALSE(IsThirdPartyDomain(".example.com", "example.com"));
  CHECK_FALSE(IsThirdPartyDomain("www.example.com", "example.com"));
  CHECK(IsThirdPartyDomain(".doubleclick.net", "example.com"));
  CHECK(IsThirdPartyDomain("example.co.uk", "example.com"));
}

}  // namespace
}  // namespace worker::normalize
