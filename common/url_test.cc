#include "common/url.h"

#include <catch2/catch.hpp>

namespace common {
namespace {

TEST_CASE("ParseUrl splits and lower-cases, with default ports", "[worker][url]") {
  struct Case { const char* url; const char* scheme; const char* host; int port; const char* path; const char* query; };
  const Case cases[] = {
      {"https://WWW.Example.COM/a/b?x=1", "https", "www.example.com", 443, "/a/b", "x=1"},
      {"http://example.com", "http", "example.com", 80, "/", ""},
      {"HTTP://example.com:8080/p", "http", "example.com", 8080, "/p", ""},
      {"https://[2001:DB8::1]/", "https", "2001:db8::1", 443, "/", ""},
      {"https://127.0.0.1:9/x#frag", "https", "127.0.0.1", 9, "/x", ""},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    auto parsed = ParseUrl(c.url);
    REQUIRE(parsed.ok());
    CHECK(parsed->scheme == c.scheme);
    CHECK(parsed->host == c.host);
    CHECK(parsed->port == c.port);
    CHECK(parsed->path == c.path);
    CHECK(parsed->query == c.query);
  }
}

TEST_CASE("HostOf is empty for hostless or unparsable URLs", "[worker][url]") {
  CHECK(HostOf("https://Sub.Example.org/x") == "sub.example.org");
  CHECK(HostOf("wss://live.chat3p.test/socket") == "live.chat3p.test");  // libcurl cannot fetch ws, still a host
  CHECK(HostOf("ws://127.0.0.1:9/") == "127.0.0.1");
  for (const char* url : {"", "data:text/html,hi", "about:blank", "blob:https://a.com/uuid",
                          "chrome-error://chromewebdata/", "javascript:void(0)", "not a url"}) {
    INFO(url);
    CHECK(HostOf(url).empty());
  }
}

TEST_CASE("ValidateEntryUrl explains what is wrong", "[worker][url]") {
  struct Case { const char* url; const char* message; };
  const Case bad[] = {
      {"", "not a URL: empty string"},
      {"ftp://example.com/file", "unsupported scheme 'ftp' (only http and https)"},
      {"javascript:alert(1)", "unsupported scheme 'javascript' (only http and https)"},
      {"file:///etc/passwd", "unsupported scheme 'file' (only http and https)"},
      {"http://", "no host in http://"},
  };
  for (const Case& c : bad) {
    INFO(c.url);
    auto r = ValidateEntryUrl(c.url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == common::Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
  auto garbage = ValidateEntryUrl("example dot com");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().message().rfind("not a URL: example dot com", 0) == 0);

  auto ok = ValidateEntryUrl("https://Example.com/start");
  REQUIRE(ok.ok());
  CHECK(ok->host == "example.com");
}

}  // namespace
}  // namespace common
