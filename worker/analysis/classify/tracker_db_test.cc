#include "worker/analysis/classify/tracker_db.h"

#include <catch2/catch.hpp>
#include <string>

namespace worker::classify {
namespace {

const std::string kFixture = std::string(TRACKSCAN_SOURCE_DIR) +
                             "/tests/data/tracker_data/node_modules/@ghostery/trackerdb/dist/trackerdb.json";

const TrackerDb& Fixture() {
  static const TrackerDb db = [] {
    common::Result<TrackerDb> r = TrackerDb::Load(kFixture);
    REQUIRE(r.ok());
    return std::move(r).value();
  }();
  return db;
}

// tracker_id / organization_id / category / matched, for one-line assertions.
std::string Summary(const std::optional<TrackerInfo>& info) {
  if (!info) return "none";
  return info->tracker_id + " / " + info->organization_id.value_or("-") + " / " + info->category + " / " +
         info->matched;
}

TEST_CASE("TrackerDb loads the fixture with its package version", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  CHECK(db.version() == "@ghostery/trackerdb 0.0.0-fixture");
  CHECK(db.pattern_count() == 9);
  CHECK(db.organization_count() == 3);
  CHECK(db.filter_count() == 9);
  CHECK(db.domain_count() == 8);
  CHECK(db.dropped_filter_count() == 0);
}

TEST_CASE("TrackerDb names Meta behind connect.facebook.net and www.facebook.com", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  auto fbevents = db.LookupUrl("https://connect.facebook.net/en_US/fbevents.js", "clinic.example");
  REQUIRE(fbevents);
  CHECK(fbevents->tracker_id == "facebook");
  CHECK(fbevents->tracker_name == "Facebook");
  CHECK(fbevents->category == "advertising");
  CHECK(fbevents->organization_id == "facebook");
  CHECK(fbevents->organization_name == "Meta");
  CHECK(fbevents->organization_country == "US");
  CHECK(fbevents->privacy_policy_url == "https://about.meta.com/actions/protecting-privacy-and-security/");
  CHECK(fbevents->matched == "facebook.net");
  CHECK_FALSE(fbevents->by_filter);
  CHECK(Summary(db.LookupUrl("https://www.facebook.com/plugins/like.php", "clinic.example")) ==
        "facebook / facebook / advertising / facebook.com");
}

TEST_CASE("TrackerDb names Google Analytics, on the domain and its subdomains", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  auto ga = db.LookupUrl("https://www.google-analytics.com/analytics.js", "clinic.example");
  REQUIRE(ga);
  CHECK(ga->tracker_name == "Google Analytics");
  CHECK(ga->organization_name == "Google");
  CHECK(ga->category == "site_analytics");
  CHECK(ga->matched == "google-analytics.com");
  // The longest listed suffix is the one reported.
  CHECK(Summary(db.LookupHost("eu.region1.google-analytics.com")) ==
        "google_analytics / google / site_analytics / region1.google-analytics.com");
  CHECK(Summary(db.LookupHost("a.b.c.google-analytics.com")) ==
        "google_analytics / google / site_analytics / google-analytics.com");
}

TEST_CASE("TrackerDb prefers a pattern's filter to another pattern's domain", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  auto tr = db.LookupUrl("https://www.facebook.com/tr?id=123&ev=PageView", "clinic.example");
  REQUIRE(tr);
  CHECK(tr->tracker_id == "facebook_custom_audience");
  CHECK(tr->tracker_name == "Facebook Custom Audience");
  CHECK(tr->organization_name == "Meta");
  CHECK(tr->matched == "||facebook.com/tr");
  CHECK(tr->by_filter);
  CHECK(Summary(db.LookupUrl("https://region1.google-analytics.com/g/collect?v=2&tid=G-1", "clinic.example")) ==
        "google_analytics / google / site_analytics / ||google-analytics.com/g/collect");
}

TEST_CASE("TrackerDb prefers the filter that contains another pattern's filter", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  // Tier 0: doubleclick's filters (one pattern, so ||g.doubleclick.net^ is not
  // above ||doubleclick.net^); tier 1: the two below, which contain them.
  CHECK(db.filter_tier_count() == 2);
  CHECK(Summary(db.LookupUrl("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/99/?x=1",
                             "clinic.example")) ==
        "google_remarketing / google / advertising / ||googleads.g.doubleclick.net/pagead/viewthroughconversion");
  CHECK(Summary(db.LookupUrl("https://stats.g.doubleclick.net/__utm.gif?utmac=UA-1", "clinic.example")) ==
        "google_analytics / google / site_analytics / ||stats.g.doubleclick.net/__utm.gif");
  auto id = db.LookupUrl("https://googleads.g.doubleclick.net/pagead/id", "clinic.example");
  REQUIRE(id);
  CHECK(id->tracker_id == "doubleclick");  // by either of its two filters
  CHECK(id->by_filter);
  CHECK(Summary(db.LookupUrl("https://ad.doubleclick.net/ddm/trackclk", "clinic.example")) ==
        "doubleclick / google / advertising / ||doubleclick.net^$3p");
  CHECK(Summary(db.LookupUrl("https://s0.2mdn.net/ads/x.js", "clinic.example")) ==
        "doubleclick / google / advertising / /\\.2mdn\\.net\\/(ads|dot\\.gif)/");
}

TEST_CASE("TrackerDb applies $3p filters to third-party requests only", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  const char* gtm = "https://www.googletagmanager.com/gtm.js?id=GTM-1";
  CHECK(Summary(db.LookupUrl(gtm, "clinic.example")) ==
        "google_tag_manager / google / utilities / ||googletagmanager.com/gtm.js^$3p");
  CHECK(Summary(db.LookupUrl(gtm, "")) ==  // no page: taken as third-party
        "google_tag_manager / google / utilities / ||googletagmanager.com/gtm.js^$3p");
  CHECK(Summary(db.LookupUrl(gtm, "tagmanager.googletagmanager.com")) == "none");
  // First-party doubleclick: the $3p filters do not apply, the domain does.
  CHECK(Summary(db.LookupUrl("https://ad.doubleclick.net/x", "www.doubleclick.net")) ==
        "doubleclick / google / advertising / doubleclick.net");
}

TEST_CASE("TrackerDb applies a typed filter only to its resource type", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  const char* url = "https://connect.facebook.net/signals/config/123?v=2";
  FilterContext ctx{url, "clinic.example", ResourceType::kScript, true};
  CHECK(Summary(db.Lookup(ctx)) == "meta_signals / facebook / advertising / ||connect.facebook.net/signals/$script");
  ctx.type = ResourceType::kImage;
  CHECK(Summary(db.Lookup(ctx)) == "facebook / facebook / advertising / facebook.net");
  CHECK(Summary(db.LookupUrl(url, "clinic.example")) == "facebook / facebook / advertising / facebook.net");
}

TEST_CASE("TrackerDb answers cookie domains and nothing for unknown hosts", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  CHECK(Summary(db.LookupHost(".facebook.com")) == "facebook / facebook / advertising / facebook.com");
  CHECK(Summary(db.LookupHost("Stats.G.DoubleClick.NET.")) == "doubleclick / google / advertising / doubleclick.net");
  CHECK_FALSE(db.LookupHost("clinic.example"));
  CHECK_FALSE(db.LookupHost("notfacebook.com"));  // a suffix counts only at a label edge
  CHECK_FALSE(db.LookupHost("facebook.com.evil.test"));
  CHECK_FALSE(db.LookupHost(""));
  CHECK_FALSE(db.LookupHost("."));
  CHECK_FALSE(db.LookupUrl("https://cdn.clinic.example/app.js", "clinic.example"));
  CHECK_FALSE(db.LookupUrl("not a url", "clinic.example"));
}

TEST_CASE("TrackerDb leaves a missing organization and its fields empty", "[trackerdb]") {
  const TrackerDb& db = Fixture();
  auto cdn = db.LookupHost("img.cdn.nowhere-cdn.test");
  REQUIRE(cdn);
  CHECK(cdn->tracker_name == "Nowhere CDN");
  CHECK(cdn->category == "hosting");
  CHECK_FALSE(cdn->organization_id);
  CHECK_FALSE(cdn->organization_name);
  auto px = db.LookupHost("px.nowhere-cdn.test");
  REQUIRE(px);
  CHECK(px->organization_name == "Nowhere Ltd");
  CHECK_FALSE(px->organization_country);
  CHECK_FALSE(px->privacy_policy_url);
}

TEST_CASE("TrackerDb load errors name the file and the script that fills it", "[trackerdb]") {
  auto missing = TrackerDb::Load("/nonexistent/trackerdb.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == common::Code::kUnavailable);
  CHECK_THAT(missing.status().message(), Catch::Contains("/nonexistent/trackerdb.json") &&
                                             Catch::Contains("scripts/tracker_data.sh"));
  auto garbage = TrackerDb::Parse("{\"patterns\": ", "v");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().code() == common::Code::kDecode);
  auto shapeless = TrackerDb::Parse("{\"patterns\": {}}", "v");
  REQUIRE_FALSE(shapeless.ok());
  CHECK(shapeless.status().code() == common::Code::kDecode);
  auto odd_filter = TrackerDb::Parse(
      R"({"organizations": {}, "patterns": {"p": {"name": "P", "category": "misc", "organization": null,
          "domains": [], "filters": ["||p.test^$unknown-option", "||q.test^"]}}})", "v");
  REQUIRE(odd_filter.ok());
  CHECK(odd_filter->dropped_filter_count() == 1);
  CHECK(odd_filter->LookupUrl("https://p.test/x", "a.example") == std::nullopt);
  CHECK(odd_filter->LookupUrl("https://q.test/x", "a.example")->tracker_id == "p");
  auto bad_pattern = TrackerDb::Parse("{\"organizations\": {}, \"patterns\": {\"x\": 3}}", "v");
  REQUIRE_FALSE(bad_pattern.ok());
  CHECK(bad_pattern.status().message() == "trackerdb.json: pattern x is not an object");
}

TEST_CASE("TrackerDb adds the file's own version keys to the package version", "[trackerdb]") {
  auto db = TrackerDb::Parse(
      R"({"version": 945, "timestamp": "2026-11-28", "organizations": {}, "patterns": {}})", "pkg 1.0");
  REQUIRE(db.ok());
  CHECK(db->version() == "pkg 1.0, version 945, timestamp 2026-11-28");
  CHECK(db->pattern_count() == 0);
  CHECK(db->filter_tier_count() == 0);
  CHECK_FALSE(db->LookupUrl("https://www.facebook.com/tr", "a.example"));
}

}  // namespace
}  // namespace worker::classify
