#include "worker/network/cookie_ledger.h"

#include <catch2/catch.hpp>

namespace worker {
namespace {

namespace p = cdp::protocol;

p::Cookie Jar(std::string name, std::string domain, std::string value = "v") {
  p::Cookie c;
  c.name = std::move(name);
  c.domain = std::move(domain);
  c.value = std::move(value);
  c.path = "/";
  c.session = true;
  return c;
}

p::ResponseReceivedExtraInfo SetCookies(std::string header_name, std::string lines,
                                        std::vector<p::BlockedSetCookie> blocked = {}) {
  p::ResponseReceivedExtraInfo e;
  e.request_id = "1";
  e.status_code = 200;
  e.headers = {{"Content-Type", "text/html"}, {std::move(header_name), std::move(lines)}};
  e.blocked_cookies = std::move(blocked);
  return e;
}

CookieWriteRecord ScriptWrite(std::string cookie, std::optional<std::string> script_url) {
  CookieWriteRecord w;
  w.api = "document.cookie";
  w.cookie = std::move(cookie);
  w.frame_url = "https://www.example.com/page";
  w.script_url = std::move(script_url);
  return w;
}

const CookieRecord* Find(const std::vector<CookieRecord>& records, const std::string& name) {
  for (const CookieRecord& r : records) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

TEST_CASE("jar cookies are tagged http, js, both or unknown", "[worker][cookie_ledger]") {
  CookieLedger ledger("v1", "example.com");
  ledger.OnResponseExtraInfo("https://www.example.com/",
                             SetCookies("set-cookie", "sid=1; HttpOnly\nboth=1; Domain=.example.com"));
  ledger.OnResponseExtraInfo("https://ads.tracker.net/px",
                             SetCookies("Set-Cookie", "uid=9; Domain=tracker.net; SameSite=None; Secure"));
  ledger.OnScriptWrite(ScriptWrite("_ga=GA1.2; path=/; domain=example.com",
                                   "https://www.googletagmanager.com/gtag.js"));
  ledger.OnScriptWrite(ScriptWrite("both=2; domain=.example.com", "https://www.example.com/app.js"));
  ledger.OnScriptWrite(ScriptWrite("hostonly=1", std::nullopt));

  std::vector<p::Cookie> jar = {Jar("sid", "www.example.com"), Jar("both", ".example.com"),
                                Jar("uid", ".tracker.net"), Jar("_ga", ".example.com"),
                                Jar("hostonly", "www.example.com"), Jar("mystery", ".example.com"),
                                Jar("sid", "other.example.com")};
  auto records = ledger.Finish(jar);
  REQUIRE(records.size() == jar.size());
  struct Expect { size_t index; const char* set_by; std::optional<std::string> setter; bool third; };
  const Expect expected[] = {
      {0, "http", "https://www.example.com/", false},
      {1, "both", "https://www.example.com/", false},
      {2, "http", "https://ads.tracker.net/px", true},
      {3, "js", "https://www.googletagmanager.com/gtag.js", false},
      {4, "js", "https://www.example.com/page", false},  // no script known: the frame
      {5, "unknown", std::nullopt, false},
      {6, "unknown", std::nullopt, false},               // same name, other host
  };
  for (const Expect& e : expected) {
    const CookieRecord& r = records[e.index];
    INFO(r.name << " @ " << r.domain);
    CHECK(r.visit_id == "v1");
    CHECK(r.set_by == e.set_by);
    CHECK(r.setter_url == e.setter);
    CHECK(r.third_party == e.third);
    CHECK_FALSE(r.blocked);
  }
}

TEST_CASE("jar cookie fields: value, expiry, SameSite, partition key", "[worker][cookie_ledger]") {
  CookieLedger ledger("v1", "example.com");
  ledger.OnResponseExtraInfo("https://embed.widget.io/frame",
                             SetCookies("Set-Cookie", "chips=abc; Secure; SameSite=None; Partitioned"));
  p::Cookie chips = Jar("chips", "embed.widget.io", "abc");
  chips.session = false;
  chips.expires = 1900000000.5;
  chips.secure = true;
  chips.same_site = "None";
  chips.partition_key = "https://example.com";
  p::Cookie session = Jar("s", "www.example.com");
  session.expires = -1;
  auto records = ledger.Finish({chips, session});
  REQUIRE(records.size() == 2);
  CHECK(records[0].value == "abc");
  CHECK(records[0].expires == 1900000000.5);
  CHECK(records[0].secure);
  CHECK(records[0].same_site == "None");
  CHECK(records[0].partition_key == "https://example.com");
  CHECK(records[0].set_by == "http");
  CHECK(records[0].third_party);
  CHECK_FALSE(records[1].expires);
  CHECK_FALSE(records[1].same_site);
  CHECK_FALSE(records[1].partition_key);
}

TEST_CASE("blocked Set-Cookie lines become blocked records, not setters", "[worker][cookie_ledger]") {
  CookieLedger ledger("v1", "example.com");
  const std::string line = "trk=7; SameSite=None";
  ledger.OnResponseExtraInfo(
      "https://pixel.tracker.net/p.gif",
      SetCookies("SET-COOKIE", "ok=1\n" + line, {{{"SameSiteNoneInsecure"}, line}}));
  auto records = ledger.Finish({Jar("ok", "pixel.tracker.net"), Jar("trk", "pixel.tracker.net")});
  REQUIRE(records.size() == 3);
  CHECK(records[0].set_by == "http");
  CHECK(records[1].set_by == "unknown");  // the blocked line did not set it
  const CookieRecord& b = records[2];
  CHECK(b.blocked);
  CHECK(b.blocked_reasons == std::vector<std::string>{"SameSiteNoneInsecure"});
  CHECK(b.name == "trk");
  CHECK(b.value == "7");
  CHECK(b.domain == "pixel.tracker.net");  // host-only: the response host
  CHECK(b.same_site == "None");
  CHECK(b.set_by == "http");
  CHECK(b.setter_url == "https://pixel.tracker.net/p.gif");
  CHECK(b.third_party);
}

TEST_CASE("script writes are kept with the ledger's visit id", "[worker][cookie_ledger]") {
  CookieLedger ledger("v7", "example.com");
  ledger.OnScriptWrite(ScriptWrite("a=1", "https://cdn.tracker.net/t.js"));
  ledger.OnScriptWrite(ScriptWrite("b=1", std::nullopt));
  REQUIRE(ledger.writes().size() == 2);
  CHECK(ledger.writes()[0].visit_id == "v7");
  CHECK(ledger.writes()[0].third_party);
  CHECK_FALSE(ledger.writes()[1].third_party);
  CHECK(Find(ledger.Finish({}), "a") == nullptr);
}

TEST_CASE("Set-Cookie lines whose response URL came late are attributed at the end", "[worker][cookie_ledger]") {
  CookieLedger ledger("v1", "clinic.test");
  // A host-only cookie: its domain is the response's host, known only later.
  auto late = SetCookies("Set-Cookie", "tp_chips=c-9; Path=/; SameSite=None; Secure; Partitioned");
  late.request_id = "7";
  ledger.OnResponseExtraInfo("", late);
  auto unknown = SetCookies("Set-Cookie", "lost=1");
  unknown.request_id = "8";
  ledger.OnResponseExtraInfo("", unknown);
  std::vector<std::pair<std::string, int>> asked;
  ledger.ResolvePending([&](const std::string& id, int status) {
    asked.emplace_back(id, status);
    return id == "7" ? std::string("https://tracker.test/chips.gif") : std::string();
  });
  CHECK(asked == std::vector<std::pair<std::string, int>>{{"7", 200}, {"8", 200}});
  auto records = ledger.Finish({Jar("tp_chips", "tracker.test"), Jar("lost", "www.clinic.test")});
  REQUIRE(records.size() == 2);
  CHECK(records[0].set_by == "http");
  CHECK(records[0].setter_url == "https://tracker.test/chips.gif");
  CHECK(records[0].third_party);
  CHECK(records[1].set_by == "unknown");  // no URL, so no domain to match: as before
}

}  // namespace
}  // namespace worker
