// VisitAnalyzer and BuildSiteSummary on a hand-made recorded visit: the
// clinic's Meta pixel, GA4 and a fingerprinting script, with the fixture
// tracker data of tests/data/tracker_data. No browser.
#include "worker/analysis/visit_analyzer.h"
#include "worker/analysis/site_summary.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace worker {
namespace {

const std::string kDataDir = std::string(TRACKSCAN_SOURCE_DIR) + "/tests/data/tracker_data";
// sha256("jane.doe.trackscan@example.com"), the default canary email.
const std::string kEmailSha256 = "621a76ed44e55cb52d38c0690875b4fd033841ff73694b3b77fbbc470eddb598";

std::shared_ptr<const classify::TrackerData> FixtureData() {
  static auto data = [] {
    auto loaded = classify::TrackerData::Load(kDataDir);
    REQUIRE(loaded.ok());
    return std::make_shared<const classify::TrackerData>(std::move(loaded.value()));
  }();
  return data;
}

RequestRecord Request(std::string id, std::string url, std::string type, bool third_party,
                      std::string method = "GET") {
  RequestRecord r;
  r.visit_id = "v1";
  r.request_id = std::move(id);
  r.url = std::move(url);
  r.method = std::move(method);
  r.resource_type = std::move(type);
  r.target_type = "page";
  r.third_party = third_party;
  return r;
}

VisitResult ClinicVisit(const std::string& email_hash) {
  VisitResult v;
  v.visit.visit_id = "v1";
  v.visit.input_url = v.visit.final_url = "https://www.clinic.example/oncology/book.html";
  v.visit.site = "clinic.example";
  v.visit.outcome = "ok";
  v.visit.title = "Book an oncology appointment";
  v.requests.push_back(Request("1", v.visit.final_url, "Document", false));
  v.requests.push_back(Request("2", "https://connect.facebook.net/en_US/fbevents.js", "Script", true));
  v.requests.push_back(Request("3",
                               "https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&dl=https%3A%2F%2F"
                               "www.clinic.example%2Foncology%2Fbook.html",
                               "Image", true));
  RequestRecord click = Request("4", "https://www.facebook.com/tr/", "Ping", true, "POST");
  click.post_data = "id=1234567890123456&ev=SubscribedButtonClick&cd%5BbuttonText%5D=Book+appointment&udff%5Bem%5D=" +
                    email_hash;
  click.request_headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  v.requests.push_back(click);
  v.requests.push_back(Request("5", "https://region1.google-analytics.com/g/collect?v=2&tid=G-CLINIC42&en=page_view",
                               "Ping", true, "POST"));
  v.requests.push_back(Request("6", "https://cdn.nowhere-cdn.test/lib.js", "Script", true));
  v.requests.push_back(Request("7", "https://unknown-widget.test/w.js", "Script", true));
  CookieRecord cookie;
  cookie.name = "fr";
  cookie.domain = ".facebook.com";
  cookie.third_party = true;
  v.cookies.push_back(cookie);
  return v;
}

TEST_CASE("LoadSensitiveTerms reads one lower-cased term a line", "[analyze]") {
  std::string path = (std::filesystem::temp_directory_path() / ("terms-" + std::to_string(::getpid()))).string();
  std::ofstream(path) << "# health\nOncology\n\n  HIV  \n";
  auto terms = LoadSensitiveTerms(path);
  REQUIRE(terms.ok());
  CHECK(terms.value() == std::vector<std::string>{"oncology", "hiv"});
  std::ofstream(path) << "# nothing\n";
  CHECK(LoadSensitiveTerms(path).status().code() == common::Code::kInvalidArgument);
  std::remove(path.c_str());
  CHECK(LoadSensitiveTerms(path).status().code() == common::Code::kUnavailable);
}

TEST_CASE("VisitAnalyzer attributes, matches lists, decodes and finds the hashed email", "[analyze]") {
  REQUIRE(CanaryIdentity{}.email == "jane.doe.trackscan@example.com");
  VisitResult v = ClinicVisit(kEmailSha256);
  VisitAnalyzer(FixtureData(), AnalysisOptions{}).Analyze(v);

  SECTION("versions of every source are on the visit") {
    CHECK(v.visit.tracker_data.count("easylist") == 1);
    CHECK(v.visit.tracker_data.count("easyprivacy") == 1);
    CHECK(v.visit.tracker_data.at("trackerdb") == "@ghostery/trackerdb 0.0.0-fixture");
  }
  SECTION("lists and TrackerDB") {
    CHECK_FALSE(v.requests[0].filter_list);
    CHECK_FALSE(v.requests[0].tracker);  // first party: never attributed
    REQUIRE(v.requests[1].tracker);
    CHECK(v.requests[1].tracker->organization == "Meta");
    CHECK(v.requests[2].tracker->tracker == "Facebook Custom Audience");
    CHECK(v.requests[4].filter_list == "easyprivacy");
    CHECK(v.requests[4].filter_rule == "||google-analytics.com/g/collect");
    CHECK(v.requests[4].tracker->category == "site_analytics");
    CHECK(v.requests[5].tracker->category == "hosting");
    CHECK_FALSE(v.requests[5].tracker->organization);
    CHECK_FALSE(v.requests[6].tracker);
    REQUIRE(v.cookies[0].tracker);
    CHECK(v.cookies[0].tracker->organization == "Meta");
  }
  SECTION("tracker events") {
    std::vector<std::string> names;
    for (const auto& e : v.tracker_events) names.push_back(e.platform + ":" + e.event_name);
    CHECK(names == std::vector<std::string>{"meta:PageView", "meta:SubscribedButtonClick", "ga4:page_view"});
    CHECK(v.tracker_events[1].button_text == "Book appointment");
    CHECK(std::all_of(v.tracker_events.begin(), v.tracker_events.end(),
                      [](const auto& e) { return e.visit_id == "v1"; }));
  }
  SECTION("the typed email leaves to Meta as SHA-256, attributed") {
    auto leak = std::find_if(v.pii_leaks.begin(), v.pii_leaks.end(),
                             [](const auto& l) { return l.field == "email" && l.request_id == "4"; });
    REQUIRE(leak != v.pii_leaks.end());
    CHECK(leak->encoding == "sha256");
    CHECK(leak->where == "body");
    CHECK(leak->parameter == "udff[em]");
    CHECK(leak->organization == "Meta");
    REQUIRE(v.site_summary);
    CHECK(v.site_summary->findings.front() ==
          "Sent to Meta: PageView, SubscribedButtonClick (button text 'Book appointment'), your email (SHA-256), "
          "the page URL (sensitive: oncology)");
  }
  SECTION("the sensitive page URL leaves to Meta, attributed") {
    auto leak = std::find_if(v.pii_leaks.begin(), v.pii_leaks.end(),
                             [](const auto& l) { return l.field == "page_url" && l.request_id == "3"; });
    REQUIRE(leak != v.pii_leaks.end());
    CHECK(leak->organization == "Meta");
    CHECK(leak->sensitive_terms == std::vector<std::string>{"oncology"});
  }
}

TEST_CASE("VisitAnalyzer without tracker data still decodes and summarizes", "[analyze]") {
  VisitResult v = ClinicVisit("0");
  VisitAnalyzer(nullptr, AnalysisOptions{}).Analyze(v);
  CHECK(v.visit.tracker_data.empty());
  CHECK_FALSE(v.requests[2].tracker);
  CHECK_FALSE(v.requests[4].filter_list);
  CHECK(v.tracker_events.size() == 3);
  REQUIRE(v.site_summary);
  CHECK(v.site_summary->organizations.empty());
  // Without TrackerDB the recipients are named by their registrable domain.
  CHECK(v.site_summary->findings.front().rfind("Sent to facebook.com: PageView, SubscribedButtonClick", 0) == 0);
}

TEST_CASE("BuildSiteSummary says who got what, in plain words", "[analyze]") {
  VisitResult v = ClinicVisit("0");
  VisitAnalyzer(FixtureData(), AnalysisOptions{}).Analyze(v);
  PiiLeakRecord email;
  email.field = "email";
  email.encoding = "sha256";
  email.third_party = true;
  email.recipient_host = "www.facebook.com";
  email.recipient_domain = "facebook.com";
  email.organization = "Meta";
  email.timing = "no_submit";
  v.pii_leaks.push_back(email);
  FingerprintRecord fp;
  fp.technique = "canvas";
  fp.script_url = "https://cdn.nowhere-cdn.test/lib.js";
  fp.script_domain = "nowhere-cdn.test";
  fp.third_party = true;
  v.fingerprints = {fp, fp};
  v.fingerprints[1].technique = "webgl";
  SessionRecorderRecord recorder;
  recorder.vendor = "Microsoft Clarity";
  v.session_recorders.push_back(recorder);

  SiteSummaryRecord s = BuildSiteSummary(v);
  CHECK(s.visit_id == "v1");
  CHECK(s.requests == 7);
  CHECK(s.third_party_requests == 6);
  CHECK(s.third_party_cookies == 1);
  CHECK(s.tracker_cookies == 1);
  CHECK(s.organizations == std::vector<std::string>{"Meta", "Google"});
  CHECK(s.categories == std::vector<std::string>{"advertising", "hosting", "site_analytics"});
  REQUIRE(s.third_parties.size() == 5);
  CHECK(s.third_parties[0].domain == "facebook.com");  // most requests first
  CHECK(s.third_parties[0].requests == 2);
  CHECK(s.third_parties[0].cookies == 1);
  CHECK(s.third_parties[0].mechanisms == std::vector<std::string>{"pixel", "beacon"});
  CHECK(s.third_parties[0].trackers == std::vector<std::string>{"Facebook Custom Audience", "Facebook"});
  CHECK(s.third_parties[1].domain == "facebook.net");
  CHECK(s.third_parties[1].mechanisms == std::vector<std::string>{"script"});
  CHECK_FALSE(s.third_parties[4].organization);
  REQUIRE(s.tracker_events.size() == 2);
  CHECK(s.tracker_events[0].platform == "meta");
  CHECK(s.tracker_events[0].account_ids == std::vector<std::string>{"1234567890123456"});
  CHECK(s.tracker_events[0].button_texts == std::vector<std::string>{"Book appointment"});
  CHECK(s.key_logging == std::vector<std::string>{"Meta"});
  CHECK(s.findings == std::vector<std::string>{
      "Sent to Meta: PageView, SubscribedButtonClick (button text 'Book appointment'), your email (SHA-256), "
      "the page URL (sensitive: oncology)",
      "Sent to Google: page_view",
      "Fingerprinted by nowhere-cdn.test: canvas, webgl",
      "Read what was typed before any submit (key logging): Meta",
      "Session recorded by Microsoft Clarity",
      "Third parties contacted: Meta (advertising), Google (site_analytics), "
      "nowhere-cdn.test (hosting), unknown-widget.test",
      "1 third-party cookie set, 1 by known trackers"});
}

}  // namespace
}  // namespace worker
