// The personal-data leak search on hand-built visits: every assertion is an
// exact record field, with digests computed outside the code under test
// (Python's hashlib), so a wrong encoder cannot agree with itself.
#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "worker/analysis/pii/multi_search.h"
#include "worker/analysis/pii/needles.h"
#include "worker/analysis/pii/pii_leak.h"
#include "worker/analysis/pii/text_scan.h"
#include "worker/record/record_json.h"

namespace worker {
namespace {

constexpr const char* kEmailSha256 = "621a76ed44e55cb52d38c0690875b4fd033841ff73694b3b77fbbc470eddb598";
constexpr const char* kEmailMd5Upper = "7EDCBC526DC446440D9D1F6C659E5A67";
constexpr const char* kEmailBase64 = "amFuZS5kb2UudHJhY2tzY2FuQGV4YW1wbGUuY29t";
constexpr const char* kEmailSha1 = "899722cac693460c5327f7daf76bc98025b1122b";
constexpr const char* kPhoneDigitsSha256 = "f5617fa4d2e2056000a9bac2f541237301370d5079e7e9d88e8bb40ba9d6cd50";

PiiOptions Options() {
  PiiOptions o;
  o.site = "clinic.test";
  o.page_url = "https://www.clinic.test/";
  o.page_title = "Welcome";
  o.first_submit_wall_time = 200.0;
  return o;
}

RequestRecord Request(std::string id, std::string url, bool third_party, double wall_time = 100.0) {
  RequestRecord r;
  r.visit_id = "v1";
  r.request_id = std::move(id);
  r.url = std::move(url);
  r.method = "GET";
  r.third_party = third_party;
  r.wall_time = wall_time;
  return r;
}

VisitResult Visit(std::vector<RequestRecord> requests) {
  VisitResult v;
  v.visit.visit_id = "v1";
  v.requests = std::move(requests);
  return v;
}

std::string Describe(const std::vector<PiiLeakRecord>& leaks) {
  std::string out;
  for (const PiiLeakRecord& r : leaks) out += ToJson(r) + "\n";
  return out;
}

TEST_CASE("pii: SHA-256 of the lower-cased typed email in udff[em] of a Meta GET", "[pii]") {
  PiiOptions o = Options();
  o.canary.email = " Jane.Doe.Trackscan@Example.com";
  auto leaks = FindPiiLeaks(
      Visit({Request("r1", std::string("https://www.facebook.com/tr/?id=42&ev=Lead&udff%5Bem%5D=") + kEmailSha256 +
                               "&dl=https%3A%2F%2Fwww.clinic.test%2F", true)}),
      o);
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  const PiiLeakRecord& r = leaks[0];
  CHECK(r.visit_id == "v1");
  CHECK(r.request_id == "r1");
  CHECK(r.recipient_host == "www.facebook.com");
  CHECK(r.recipient_domain == "facebook.com");
  CHECK(r.organization == std::nullopt);
  CHECK(r.third_party);
  CHECK(r.field == "email");
  CHECK(r.encoding == "sha256");
  CHECK(r.wrapped == "hex");
  CHECK(r.normalization == "lower_trimmed");
  CHECK(r.where == "url");
  CHECK(r.header_name == std::nullopt);
  CHECK(r.parameter == "udff[em]");
  CHECK(r.timing == "before_submit");
  CHECK(r.sensitive_terms.empty());
  CHECK(r.evidence == std::string("//www.facebook.com/tr/?id=42&ev=Lead&udff%5Bem%5D=") + kEmailSha256 +
                          "&dl=https%3A%2F%2Fwww.clinic.test%2F");
}

TEST_CASE("pii: upper-case MD5 in a POST JSON body, after the submit", "[pii]") {
  RequestRecord r = Request("r2", "https://collect.tracker.test/v1/events", true, 250.0);
  r.method = "POST";
  r.post_data = std::string(R"({"event":"lead","user":{"em": ")") + kEmailMd5Upper + R"(","country":"us"}})";
  auto leaks = FindPiiLeaks(Visit({r}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].field == "email");
  CHECK(leaks[0].encoding == "md5");
  CHECK(leaks[0].wrapped == "hex_upper");
  CHECK(leaks[0].normalization == "as_typed");  // the default canary is typed lower-case already
  CHECK(leaks[0].where == "body");
  CHECK(leaks[0].parameter == "em");
  CHECK(leaks[0].timing == "after_submit");
  CHECK(leaks[0].recipient_domain == "tracker.test");
}

TEST_CASE("pii: base64 of the plain email in a Cookie header", "[pii]") {
  RequestRecord r = Request("r3", "https://ads.tracker.test/sync", true);
  r.request_headers = {{"Accept", "*/*"}, {"Cookie", std::string("sid=9; _tid=") + kEmailBase64 + "; x=1"}};
  auto leaks = FindPiiLeaks(Visit({r}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].encoding == "base64");
  CHECK(leaks[0].wrapped == "base64");
  CHECK(leaks[0].where == "cookie");
  CHECK(leaks[0].header_name == "Cookie");
  CHECK(leaks[0].parameter == "_tid");
}

TEST_CASE("pii: the email inside a base64-encoded JSON payload, at any alignment", "[pii]") {
  // base64 of {"e":"jane.doe.trackscan@example.com"} and of {"em":"..."}: the
  // email starts 6 and 7 bytes in (offsets 0 and 1 of a 3-byte group), and
  // of {"eml":"..."} 8 bytes in (offset 2). Encoded with Python's base64.
  for (const char* payload : {"eyJlIjoiamFuZS5kb2UudHJhY2tzY2FuQGV4YW1wbGUuY29tIn0=",
                              "eyJlbSI6ImphbmUuZG9lLnRyYWNrc2NhbkBleGFtcGxlLmNvbSJ9",
                              "eyJlbWwiOiJqYW5lLmRvZS50cmFja3NjYW5AZXhhbXBsZS5jb20ifQ=="}) {
    INFO(payload);
    auto leaks = FindPiiLeaks(Visit({Request("b1", std::string("https://t.tracker.test/e?p=") + payload, true)}),
                              Options());
    INFO(Describe(leaks));
    REQUIRE(leaks.size() == 1);
    CHECK(leaks[0].field == "email");
    CHECK(leaks[0].encoding == "base64");
    CHECK(leaks[0].parameter == "p");
  }
}

TEST_CASE("pii: SHA-256 of the phone's digits with the country code", "[pii]") {
  auto leaks = FindPiiLeaks(
      Visit({Request("r4", std::string("https://www.facebook.com/tr/?id=42&ev=Lead&ud[ph]=") + kPhoneDigitsSha256,
                     true)}),
      Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].field == "phone");
  CHECK(leaks[0].encoding == "sha256");
  CHECK(leaks[0].normalization == "digits");
  CHECK(leaks[0].parameter == "ud[ph]");
}

TEST_CASE("pii: URL-encoded email in a Referer header", "[pii]") {
  RequestRecord r = Request("r5", "https://px.tracker.test/p.gif", true);
  r.request_headers = {{"Referer", "https://www.clinic.test/thanks?email=jane.doe.trackscan%40example.com"}};
  auto leaks = FindPiiLeaks(Visit({r}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].field == "email");
  CHECK(leaks[0].encoding == "url");
  CHECK(leaks[0].wrapped == "percent");
  CHECK(leaks[0].normalization == "as_typed");
  CHECK(leaks[0].where == "header");
  CHECK(leaks[0].header_name == "Referer");
  CHECK(leaks[0].parameter == "email");
}

TEST_CASE("pii: the email in a sent WebSocket frame, and in an encoded JSON inside a query", "[pii]") {
  VisitResult v = Visit({Request("r6", "https://api.chat.test/log?d=%7B%22mail%22%3A%22jane.doe.trackscan%2540"
                                       "example.com%22%7D", true)});
  WebSocketRecord ws;
  ws.request_id = "ws1";
  ws.url = "wss://live.chat.test/socket";
  ws.direction = "sent";
  ws.payload = R"({"t":"identify","email":"jane.doe.trackscan@example.com"})";
  ws.third_party = true;
  v.websockets = {ws};
  ws.direction = "received";  // what the page got is no leak
  v.websockets.push_back(ws);
  auto leaks = FindPiiLeaks(v, Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 2);
  // %2540 decodes to %40, then to '@': found in the twice-decoded view.
  CHECK(leaks[0].request_id == "r6");
  CHECK(leaks[0].encoding == "url");
  CHECK(leaks[0].wrapped == "percent_twice");
  CHECK(leaks[0].parameter == "mail");
  CHECK(leaks[1].request_id == "ws1");
  CHECK(leaks[1].recipient_host == "live.chat.test");
  CHECK(leaks[1].where == "websocket");
  CHECK(leaks[1].encoding == "plain");
  CHECK(leaks[1].wrapped == std::nullopt);
  CHECK(leaks[1].parameter == "email");
  CHECK(leaks[1].timing == "unknown");  // frames have no wall time
}

TEST_CASE("pii: a third-party jar cookie holding the email's SHA-1; first-party cookies are not searched", "[pii]") {
  VisitResult v = Visit({});
  CookieRecord c;
  c.name = "_em";
  c.value = kEmailSha1;
  c.domain = ".tracker.test";
  c.third_party = true;
  v.cookies = {c};
  c.domain = "www.clinic.test";
  c.third_party = false;
  v.cookies.push_back(c);
  PiiOptions o = Options();
  o.first_submit_wall_time.reset();
  auto leaks = FindPiiLeaks(v, o);
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].request_id == "");
  CHECK(leaks[0].recipient_host == "tracker.test");
  CHECK(leaks[0].where == "cookie");
  CHECK(leaks[0].header_name == "_em");
  CHECK(leaks[0].parameter == std::nullopt);
  CHECK(leaks[0].encoding == "sha1");
  CHECK(leaks[0].timing == "no_submit");
}

TEST_CASE("pii: a first-party form post is recorded with third_party false, names only as whole values", "[pii]") {
  RequestRecord r = Request("r8", "https://www.clinic.test/book", false, 200.0);
  r.method = "POST";
  r.post_data = "email=jane.doe.trackscan%40example.com&first=Jane&last=Doe&zip=02139&note=Janet+Doerr";
  auto leaks = FindPiiLeaks(Visit({r}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 4);
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const PiiLeakRecord& l : leaks) {
    CHECK_FALSE(l.third_party);
    CHECK(l.timing == "after_submit");
    CHECK(l.where == "body");
    got.emplace_back(l.field, l.encoding, *l.parameter);
  }
  using T = std::tuple<std::string, std::string, std::string>;
  CHECK(got == std::vector<T>{T{"email", "url", "email"}, T{"first_name", "plain", "first"},
                              T{"last_name", "plain", "last"}, T{"postcode", "plain", "zip"}});
}

TEST_CASE("pii: the full name sent form-encoded is one full_name leak, not three", "[pii]") {
  auto leaks = FindPiiLeaks(Visit({Request("r9", "https://t.tracker.test/c?name=Jane+Doe", true)}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].field == "full_name");
  CHECK(leaks[0].encoding == "url");
  CHECK(leaks[0].wrapped == "form");
}

TEST_CASE("pii: a sensitive page URL in dl= and its title in dt= to a third party", "[pii]") {
  PiiOptions o = Options();
  o.page_url = "https://www.clinic.test/services/breast-cancer-screening?loc=boston#book";
  o.page_title = "Breast Cancer Screening | Clinic";
  std::string query = "?v=2&tid=G-1&dl=https%3A%2F%2Fwww.clinic.test%2Fservices%2Fbreast-cancer-screening%3Floc"
                      "%3Dboston&dt=Breast+Cancer+Screening+%7C+Clinic";
  auto leaks = FindPiiLeaks(Visit({Request("g1", "https://www.google-analytics.com/g/collect" + query, true),
                                   Request("f1", "https://www.clinic.test/collect" + query, false)}),
                            o);
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 2);
  CHECK(leaks[0].request_id == "g1");
  CHECK(leaks[0].field == "page_url");
  CHECK(leaks[0].encoding == "url");
  CHECK(leaks[0].wrapped == "percent");
  CHECK(leaks[0].normalization == "no_fragment");
  CHECK(leaks[0].parameter == "dl");
  CHECK(leaks[0].sensitive_terms == std::vector<std::string>{"cancer"});
  CHECK(leaks[1].field == "page_title");
  CHECK(leaks[1].wrapped == "form");
  CHECK(leaks[1].parameter == "dt");
  CHECK(leaks[1].sensitive_terms == std::vector<std::string>{"cancer"});

  o.page_url = "https://www.clinic.test/services/flu-shots";
  o.page_title = "Flu shots | Clinic";
  std::string plain = "?dl=https%3A%2F%2Fwww.clinic.test%2Fservices%2Fflu-shots&dt=Flu+shots+%7C+Clinic";
  CHECK(FindPiiLeaks(Visit({Request("g2", "https://www.google-analytics.com/g/collect" + plain, true)}), o).empty());
}

TEST_CASE("pii: a Referer carrying another sensitive page of the site counts (pages navigate)", "[pii]") {
  RequestRecord r = Request("r10", "https://connect.facebook.net/signals/config/42", true);
  r.request_headers = {{"Referer", "https://www.clinic.test/conditions/hiv-testing"}};
  RequestRecord other_site = r;
  other_site.request_id = "r11";
  other_site.request_headers = {{"Referer", "https://news.example/hiv-testing"}};
  auto leaks = FindPiiLeaks(Visit({r, other_site}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].field == "page_url");
  CHECK(leaks[0].encoding == "plain");
  CHECK(leaks[0].where == "header");
  CHECK(leaks[0].header_name == "Referer");
  CHECK(leaks[0].normalization == "as_sent");
  CHECK(leaks[0].sensitive_terms == std::vector<std::string>{"hiv"});
}

TEST_CASE("pii: a 1 MB body of 'Janet' text has one hit, the hash in its middle", "[pii]") {
  std::string body;
  while (body.size() < (1 << 20)) body += "Janet wrote to janet.doerr and Doe's; ";
  body.insert(body.size() / 2, std::string(" {\"h\":\"") + kEmailSha256 + "\"} ");
  RequestRecord r = Request("r12", "https://collect.tracker.test/batch", true);
  r.post_data = body;
  auto leaks = FindPiiLeaks(Visit({r}), Options());
  INFO(Describe(leaks));
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].encoding == "sha256");
  CHECK(leaks[0].parameter == "h");
}

TEST_CASE("pii: encoders and digests match known values", "[pii]") {
  CHECK(pii::Base64("jane.doe.trackscan@example.com", false) == kEmailBase64);
  CHECK(pii::Base64("\xfb\xff", false) == "+/8");
  CHECK(pii::Base64("\xfb\xff", true) == "-_8");
  CHECK(pii::Hex(pii::Digest("sha256", "jane.doe.trackscan@example.com"), false) == kEmailSha256);
  CHECK(pii::Hex(pii::Digest("md5", "jane"), false) == "5844a15e76563fedd11840fd6f40ea7b");
  CHECK(pii::PercentEncode("a b@c/d", false) == "a%20b%40c%2Fd");
  CHECK(pii::PercentEncode("a b@c/d", true) == "a+b%40c%2Fd");
  auto needles = pii::CanaryNeedles(CanaryIdentity{});
  size_t first_name_plain = 0;
  for (const pii::Needle& n : needles) {
    if (n.field == "first_name" && n.encoding == "plain") ++first_name_plain;
    if (n.field == "first_name") CHECK((n.encoding == "plain" ? n.bounded : !n.bounded));
  }
  CHECK(first_name_plain == 2);  // "Jane", "jane"; no base64 / url forms for short values
  CHECK(needles.size() > 150);
}

TEST_CASE("pii: MultiSearch finds overlapping and nested patterns", "[pii]") {
  pii::MultiSearch search({"he", "she", "his", "hers", ""});
  std::vector<std::pair<size_t, size_t>> got;
  for (auto hit : search.Search("ushers his")) got.emplace_back(hit.pattern, hit.begin);
  CHECK(got == std::vector<std::pair<size_t, size_t>>{{1, 1}, {0, 2}, {3, 2}, {2, 7}});
}

TEST_CASE("pii: ParameterAt names the query, JSON or cookie parameter of a position", "[pii]") {
  std::string_view q = "/p?a=1&ud[em]=xyz";
  CHECK(pii::ParameterAt(q, q.find("xyz")) == "ud[em]");
  std::string_view j = R"({"user": {"em": "xyz"}, "list": ["a", "xyz"]})";
  CHECK(pii::ParameterAt(j, j.find("xyz")) == "em");
  CHECK(pii::ParameterAt(j, j.rfind("xyz")) == std::nullopt);
  std::string_view c = "sid=1; tid=xyz";
  CHECK(pii::ParameterAt(c, c.find("xyz")) == "tid");
  std::string_view html = "<a class=x>Hi xyz";
  CHECK(pii::ParameterAt(html, html.find("xyz")) == std::nullopt);
  CHECK(pii::ParameterAt("/path/xyz", 6) == std::nullopt);
}

TEST_CASE("pii: ParameterIndex answers as ParameterAt at every position", "[pii]") {
  std::string long_value = "x=" + std::string(1100, 'a') + "b";
  for (std::string_view text : {std::string_view(R"(/p?a=1&ud[em]=x {"u": {"em": "y"}, "l": ["a", "z"]} k=v; c=d <i>)"),
                                std::string_view(long_value)}) {
    pii::ParameterIndex index(text);
    for (size_t pos = 0; pos <= text.size(); ++pos) {
      INFO(pos);
      CHECK(index.At(pos) == pii::ParameterAt(text, pos));
    }
  }
  CHECK(pii::ParameterIndex(long_value).At(1024 + 1) == "x");
  CHECK(pii::ParameterIndex(long_value).At(1025 + 1) == std::nullopt);  // more than 1 KB after the '='
}

TEST_CASE("pii: sensitive terms are whole words, in path and query only", "[pii]") {
  auto terms = HealthSensitiveTerms();
  CHECK(terms.size() >= 40);
  CHECK(pii::SensitiveTermsInUrl("https://cancer.clinic.test/archive/birth_control?q=Breast%20Cancer", terms) ==
        std::vector<std::string>{"cancer", "birth control"});
  CHECK(pii::SensitiveTermsIn("Archive of Shivers", terms).empty());
  CHECK(pii::SensitiveTermsIn("HIV testing", terms) == std::vector<std::string>{"hiv"});
}

std::string Minified(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

TEST_CASE("pii: the schema example is exactly what ToJson writes", "[pii]") {
  std::ifstream in(std::string(TRACKSCAN_SOURCE_DIR) + "/schemas/examples/pii_leak.json");
  std::stringstream text;
  text << in.rdbuf();
  PiiLeakRecord r;
  r.visit_id = "s1a2b3-1-a1";
  r.request_id = "1234.56";
  r.recipient_host = "www.facebook.com";
  r.recipient_domain = "facebook.com";
  r.third_party = true;
  r.field = "email";
  r.encoding = "sha256";
  r.wrapped = "hex";
  r.normalization = "lower_trimmed";
  r.where = "url";
  r.parameter = "udff[em]";
  r.timing = "before_submit";
  r.evidence = std::string("facebook.com/tr/?id=42&ev=Lead&udff%5Bem%5D=") + kEmailSha256;
  CHECK(Minified(text.str()) == ToJson(r));
}

}  // namespace
}  // namespace worker
