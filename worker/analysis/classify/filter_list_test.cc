#include "worker/analysis/classify/filter_list.h"

#include <catch2/catch.hpp>

#include "common/strings.h"
#include "worker/analysis/classify/filter_internal.h"
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace worker::classify {
namespace {

using RT = ResourceType;

struct Case {
  const char* filters;  // list text, one filter a line
  const char* url;
  const char* page_host;
  RT type;
  bool third_party;
  const char* expected;  // the blocking filter's text, or nullptr: not blocked
};

// clang-format off
const Case kCases[] = {
    // Plain substring, case-insensitive by default.
    {"/banner/", "https://a.com/img/banner/1.png", "a.com", RT::kImage, false, "/banner/"},
    {"ad-frame", "https://a.com/x/AD-FRAME.html", "a.com", RT::kSubdocument, false, "ad-frame"},
    {"ad-frame", "https://a.com/x/adframe.html", "a.com", RT::kSubdocument, false, nullptr},
    // Wildcard.
    {"/ads/*/track", "https://a.com/ads/v1/x/track?q", "a.com", RT::kScript, false, "/ads/*/track"},
    {"/ads/*/track", "https://a.com/track/ads/v1", "a.com", RT::kScript, false, nullptr},
    {"*pixel*", "https://a.com/pixel.gif", "a.com", RT::kImage, false, "*pixel*"},
    {"a*b*c", "https://x.com/cab", "x.com", RT::kOther, false, nullptr},
    {"a*b*c", "https://x.com/a-b-c", "x.com", RT::kOther, false, "a*b*c"},
    // '^' separator, including the URL's end.
    {"||ads.com^", "https://ads.com/x.js", "a.com", RT::kScript, true, "||ads.com^"},
    {"||ads.com^", "https://ads.com", "a.com", RT::kScript, true, "||ads.com^"},
    {"||ads.com^", "https://ads.com:8443/x", "a.com", RT::kScript, true, "||ads.com^"},
    {"||ads.com^", "https://ads.community.org/x", "a.com", RT::kScript, true, nullptr},
    {"||ads.com^", "https://ads.com.evil.org/x", "a.com", RT::kScript, true, nullptr},
    {"/track^", "https://a.com/track", "a.com", RT::kScript, false, "/track^"},
    {"/track^", "https://a.com/track?x=1", "a.com", RT::kScript, false, "/track^"},
    {"/track^", "https://a.com/track-me", "a.com", RT::kScript, false, nullptr},
    {"/track^", "https://a.com/track_me", "a.com", RT::kScript, false, nullptr},
    {"/track^", "https://a.com/track.js", "a.com", RT::kScript, false, nullptr},
    {"/track^", "https://a.com/track%20", "a.com", RT::kScript, false, nullptr},
    {"^ad^", "https://a.com/x/ad/y", "a.com", RT::kImage, false, "^ad^"},
    {"^ad^", "https://a.com/x/ad", "a.com", RT::kImage, false, "^ad^"},
    {"^ad^x", "https://a.com/x/ad", "a.com", RT::kImage, false, nullptr},
    // '|' anchors.
    {"|https://ads.", "https://ads.b.com/", "a.com", RT::kImage, true, "|https://ads."},
    {"|https://ads.", "http://x.com/?u=https://ads.b.com/", "a.com", RT::kImage, true, nullptr},
    {".gif|", "https://a.com/x.gif", "a.com", RT::kImage, false, ".gif|"},
    {".gif|", "https://a.com/x.gif?y", "a.com", RT::kImage, false, nullptr},
    {".gif|", "https://a.com/x.gif/z.gif", "a.com", RT::kImage, false, ".gif|"},
    {"|https://a.com/x.gif|", "https://a.com/x.gif", "a.com", RT::kImage, false, "|https://a.com/x.gif|"},
    {"|https://a.com/x.gif|", "https://a.com/x.gif2", "a.com", RT::kImage, false, nullptr},
    // '||' host anchor: host start or after a dot, never mid-label or in the path.
    {"||tracker.net^", "https://cdn.tracker.net/t.js", "a.com", RT::kScript, true, "||tracker.net^"},
    {"||tracker.net^", "https://eviltracker.net/t.js", "a.com", RT::kScript, true, nullptr},
    {"||tracker.net^", "https://a.com/tracker.net/t.js", "a.com", RT::kScript, false, nullptr},
    {"||tracker.net^", "https://a.com/?r=https://tracker.net/", "a.com", RT::kScript, false, nullptr},
    {"||tracker.net^", "https://user@tracker.net/", "a.com", RT::kScript, true, "||tracker.net^"},
    {"||tracker.net/pixel", "https://tracker.net/pixel?id=1", "a.com", RT::kImage, true, "||tracker.net/pixel"},
    {"||tracker.net/pixel", "https://tracker.net/js/pixel", "a.com", RT::kImage, true, nullptr},
    {"||tracker.*/pixel", "https://tracker.io/pixel", "a.com", RT::kImage, true, "||tracker.*/pixel"},
    {"||TRACKER.net^", "https://tracker.NET/x", "a.com", RT::kImage, true, "||TRACKER.net^"},
    // Exceptions; important beats them.
    {"||ads.com^\n@@||ads.com/ok/", "https://ads.com/ok/x.js", "a.com", RT::kScript, true, nullptr},
    {"||ads.com^\n@@||ads.com/ok/", "https://ads.com/bad/x.js", "a.com", RT::kScript, true, "||ads.com^"},
    {"||ads.com^$important\n@@||ads.com/ok/", "https://ads.com/ok/x.js", "a.com", RT::kScript, true,
     "||ads.com^$important"},
    {"@@||ads.com^", "https://ads.com/x.js", "a.com", RT::kScript, true, nullptr},
    {"||ads.com^\n@@||ads.com^$image", "https://ads.com/x.js", "a.com", RT::kScript, true, "||ads.com^"},
    {"||ads.com^\n@@||ads.com^$image", "https://ads.com/x.png", "a.com", RT::kImage, true, nullptr},
    {"||ads.com^\n@@||ads.com^$domain=a.com", "https://ads.com/x.png", "b.a.com", RT::kImage, true, nullptr},
    // third-party / first-party.
    {"||t.com^$third-party", "https://t.com/x", "a.com", RT::kScript, true, "||t.com^$third-party"},
    {"||t.com^$third-party", "https://t.com/x", "t.com", RT::kScript, false, nullptr},
    {"||t.com^$3p", "https://t.com/x", "a.com", RT::kScript, true, "||t.com^$3p"},
    {"||t.com^$~third-party", "https://t.com/x", "a.com", RT::kScript, true, nullptr},
    {"||t.com^$~third-party", "https://t.com/x", "t.com", RT::kScript, false, "||t.com^$~third-party"},
    {"||t.com^$first-party", "https://t.com/x", "t.com", RT::kScript, false, "||t.com^$first-party"},
    {"||t.com^$1p", "https://t.com/x", "a.com", RT::kScript, true, nullptr},
    // domain=, subdomains, negation, entities.
    {"/ad.js$domain=a.com|b.com", "https://x.com/ad.js", "www.a.com", RT::kScript, true, "/ad.js$domain=a.com|b.com"},
    {"/ad.js$domain=a.com|b.com", "https://x.com/ad.js", "b.com", RT::kScript, true, "/ad.js$domain=a.com|b.com"},
    {"/ad.js$domain=a.com|b.com", "https://x.com/ad.js", "aa.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a.com|b.com", "https://x.com/ad.js", "c.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a.com|b.com", "https://x.com/ad.js", "", RT::kScript, true, nullptr},
    {"/ad.js$domain=~a.com", "https://x.com/ad.js", "c.com", RT::kScript, true, "/ad.js$domain=~a.com"},
    {"/ad.js$domain=~a.com", "https://x.com/ad.js", "s.a.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a.com|~s.a.com", "https://x.com/ad.js", "s.a.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a.com|~s.a.com", "https://x.com/ad.js", "t.a.com", RT::kScript, true,
     "/ad.js$domain=a.com|~s.a.com"},
    {"/ad.js$domain=A.com", "https://x.com/ad.js", "A.COM", RT::kScript, true, "/ad.js$domain=A.com"},
    {"/ad.js$domain=google.*", "https://x.com/ad.js", "www.google.co.uk", RT::kScript, true,
     "/ad.js$domain=google.*"},
    {"/ad.js$domain=google.*", "https://x.com/ad.js", "notgoogle.com", RT::kScript, true, nullptr},
    // A long list (searched after the pattern, by hash): subdomains and exceptions as above.
    {"/ad.js$domain=a1.com|a2.com|a3.com|a4.com|a5.com|a6.com|a7.com|a8.com|a9.com|a10.com|~s.a7.com", "https://x.com/ad.js", "www.a7.com", RT::kScript, true,
     "/ad.js$domain=a1.com|a2.com|a3.com|a4.com|a5.com|a6.com|a7.com|a8.com|a9.com|a10.com|~s.a7.com"},
    {"/ad.js$domain=a1.com|a2.com|a3.com|a4.com|a5.com|a6.com|a7.com|a8.com|a9.com|a10.com|~s.a7.com", "https://x.com/ad.js", "s.a7.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a1.com|a2.com|a3.com|a4.com|a5.com|a6.com|a7.com|a8.com|a9.com|a10.com|~s.a7.com", "https://x.com/ad.js", "a11.com", RT::kScript, true, nullptr},
    {"/ad.js$domain=a1.com|a2.com|a3.com|a4.com|a5.com|a6.com|a7.com|a8.com|a9.com|a10.com|~s.a7.com", "https://x.com/ad.js", "xa1.com", RT::kScript, true, nullptr},
    {"/ad.js$from=a.com", "https://x.com/ad.js", "a.com", RT::kScript, true, "/ad.js$from=a.com"},
    // Resource types and their negations.
    {"/ad.$script", "https://x.com/ad.js", "a.com", RT::kScript, true, "/ad.$script"},
    {"/ad.$script", "https://x.com/ad.png", "a.com", RT::kImage, true, nullptr},
    {"/ad.$image,stylesheet", "https://x.com/ad.css", "a.com", RT::kStylesheet, true, "/ad.$image,stylesheet"},
    {"/ad.$xhr", "https://x.com/ad.json", "a.com", RT::kXmlHttpRequest, true, "/ad.$xhr"},
    {"/ad.$xmlhttprequest", "https://x.com/ad.json", "a.com", RT::kXmlHttpRequest, true, "/ad.$xmlhttprequest"},
    {"/ad.$subdocument", "https://x.com/ad.html", "a.com", RT::kSubdocument, true, "/ad.$subdocument"},
    {"/ad.$frame", "https://x.com/ad.html", "a.com", RT::kSubdocument, true, "/ad.$frame"},
    {"/ad.$ping", "https://x.com/ad.", "a.com", RT::kPing, true, "/ad.$ping"},
    {"/ad.$media", "https://x.com/ad.mp4", "a.com", RT::kMedia, true, "/ad.$media"},
    {"/ad.$font", "https://x.com/ad.woff", "a.com", RT::kFont, true, "/ad.$font"},
    {"/ad.$websocket", "wss://x.com/ad.ws", "a.com", RT::kWebSocket, true, "/ad.$websocket"},
    {"/ad.$other", "https://x.com/ad.x", "a.com", RT::kOther, true, "/ad.$other"},
    {"/ad.$object", "https://x.com/ad.swf", "a.com", RT::kObject, true, "/ad.$object"},
    {"/ad.$document", "https://x.com/ad.html", "x.com", RT::kDocument, false, "/ad.$document"},
    {"/ad.", "https://x.com/ad.html", "x.com", RT::kDocument, false, nullptr},  // no type: not document
    {"/ad.", "https://x.com/ad.html", "a.com", RT::kSubdocument, true, "/ad."},
    {"/ad.$~script", "https://x.com/ad.js", "a.com", RT::kScript, true, nullptr},
    {"/ad.$~script", "https://x.com/ad.png", "a.com", RT::kImage, true, "/ad.$~script"},
    {"/ad.$~script,~image", "https://x.com/ad.png", "a.com", RT::kImage, true, nullptr},
    {"/ad.$~script,~image", "https://x.com/ad.css", "a.com", RT::kStylesheet, true, "/ad.$~script,~image"},
    // match-case.
    {"/AdBanner.$match-case", "https://x.com/AdBanner.png", "a.com", RT::kImage, true, "/AdBanner.$match-case"},
    {"/AdBanner.$match-case", "https://x.com/adbanner.png", "a.com", RT::kImage, true, nullptr},
    {"/adbanner.", "https://x.com/ADBANNER.png", "a.com", RT::kImage, true, "/adbanner."},
    // Regex filters (RE2), case-insensitive unless match-case.
    {"/\\/ad[0-9]+\\.js$/", "https://x.com/ad42.js", "a.com", RT::kScript, true, "/\\/ad[0-9]+\\.js$/"},
    {"/\\/ad[0-9]+\\.js$/", "https://x.com/ad42.js?x", "a.com", RT::kScript, true, nullptr},
    {"/\\/ad[0-9]+\\.js/$script,third-party", "https://x.com/AD7.js", "a.com", RT::kScript, true,
     "/\\/ad[0-9]+\\.js/$script,third-party"},
    {"/\\/ad[0-9]+\\.js/$script,third-party", "https://x.com/ad7.js", "a.com", RT::kImage, true, nullptr},
    {"/\\/Ad[0-9]/$match-case", "https://x.com/ad7", "a.com", RT::kImage, true, nullptr},
    {"||x.com^\n@@/\\/ok[0-9]/", "https://x.com/ok1", "a.com", RT::kImage, true, nullptr},
    {"/(unclosed/", "https://x.com/(unclosed", "a.com", RT::kImage, true, nullptr},
    {"/(unclosed/\n/unclosed", "https://x.com/(unclosed/unclosed", "a.com", RT::kImage, true, "/unclosed"},
    // Unknown or non-blocking options ignore the filter; badfilter cancels.
    {"||x.com^$unknownopt", "https://x.com/", "a.com", RT::kImage, true, nullptr},
    {"||x.com^$redirect=noop.js", "https://x.com/", "a.com", RT::kScript, true, nullptr},
    {"||x.com^$removeparam=utm", "https://x.com/", "a.com", RT::kScript, true, nullptr},
    {"||x.com^$csp=script-src 'none'", "https://x.com/", "a.com", RT::kScript, true, nullptr},
    {"||x.com^$popup", "https://x.com/", "a.com", RT::kDocument, true, nullptr},
    {"||x.com^$script\n||x.com^$script,badfilter", "https://x.com/a.js", "a.com", RT::kScript, true, nullptr},
    {"||x.com^$script\n||x.com^$image,badfilter", "https://x.com/a.js", "a.com", RT::kScript, true, "||x.com^$script"},
    // Cosmetic lines and comments never match.
    {"x.com##.ad\n! /ad\n[Adblock Plus 2.0]\nx.com#@#.ad\nx.com#?#div\nx.com#$#abort\n##+js(x)",
     "https://x.com/ad", "x.com", RT::kImage, false, nullptr},
    // Whole-URL filters: empty pattern with options.
    {"*$third-party,script,domain=a.com", "https://x.com/y.js", "a.com", RT::kScript, true,
     "*$third-party,script,domain=a.com"},
    {"*$third-party,script,domain=a.com", "https://x.com/y.js", "b.com", RT::kScript, true, nullptr},
    // Filters under the same token are tried in list order.
    {"/ad/1\n/ad/*.gif", "https://x.com/ad/1.gif", "a.com", RT::kImage, true, "/ad/1"},
    // "/ad/" is a regex (uBO too), matching "ad" anywhere.
    {"/ad/", "https://x.com/bad.js", "a.com", RT::kScript, true, "/ad/"},
    // Token edge: a token touching '*' is not required whole.
    {"ads*.js", "https://x.com/adsystem.js", "a.com", RT::kScript, true, "ads*.js"},
    {"-banner-", "https://x.com/top-banner-300.png", "a.com", RT::kImage, true, "-banner-"},
    {"banner", "https://x.com/topbanners.png", "a.com", RT::kImage, true, "banner"},
    {"&ad_type=", "https://x.com/q?x=1&ad_type=2", "a.com", RT::kXmlHttpRequest, true, "&ad_type="},
    // to=: the request's host or a parent; ~ excludes; entities.
    {"*$script,to=t.com", "https://cdn.t.com/x.js", "a.com", RT::kScript, true, "*$script,to=t.com"},
    {"*$script,to=t.com", "https://nott.com/x.js", "a.com", RT::kScript, true, nullptr},
    {"/x.js$to=~t.com", "https://s.t.com/x.js", "a.com", RT::kScript, true, nullptr},
    {"/x.js$to=~t.com", "https://u.com/x.js", "a.com", RT::kScript, true, "/x.js$to=~t.com"},
    {"/x.js$to=t.*", "https://t.co.uk/x.js", "a.com", RT::kScript, true, "/x.js$to=t.*"},
    {"/x.js$to=", "https://t.com/x.js", "a.com", RT::kScript, true, nullptr},  // invalid: empty
    // denyallow=: every request host but the listed ones (and their subdomains).
    {"*$3p,script,denyallow=cdn.com|x.org,domain=a.com", "https://evil.net/s.js", "a.com", RT::kScript, true,
     "*$3p,script,denyallow=cdn.com|x.org,domain=a.com"},
    {"*$3p,script,denyallow=cdn.com|x.org,domain=a.com", "https://s.cdn.com/s.js", "a.com", RT::kScript, true,
     nullptr},
    {"*$3p,script,denyallow=cdn.com|x.org,domain=a.com", "https://x.org/s.js", "a.com", RT::kScript, true, nullptr},
    {"/s.js$denyallow=~cdn.com", "https://e.net/s.js", "a.com", RT::kScript, true, nullptr},  // invalid: ~
    // method=: an unknown (empty) method fails a positive list, passes a negated one.
    {"/m.js$method=get", "https://e.net/m.js", "a.com", RT::kScript, true, nullptr},
    {"/m.js$method=~post", "https://e.net/m.js", "a.com", RT::kScript, true, "/m.js$method=~post"},
    {"/m.js$method=fetch", "https://e.net/m.js", "a.com", RT::kScript, true, nullptr},  // invalid method
    // all: every type, document included; document: the top-level page only.
    {"||ads.net^$all", "https://ads.net/", "ads.net", RT::kDocument, false, "||ads.net^$all"},
    {"||ads.net^$all", "https://ads.net/p.gif", "a.com", RT::kImage, true, "||ads.net^$all"},
    {"||ads.net^$document", "https://ads.net/", "ads.net", RT::kDocument, false, "||ads.net^$document"},
    {"||ads.net^$document", "https://ads.net/p.gif", "a.com", RT::kImage, true, nullptr},
    {"||ads.net^$doc,~document", "https://ads.net/", "ads.net", RT::kDocument, false, nullptr},
    // Regex filters are tried only when the URL holds the token they require.
    {"/(https?:\\/\\/)104\\.154\\..{10,}/", "http://104.154.1.2/abcdefghijkl", "a.com", RT::kImage, true,
     "/(https?:\\/\\/)104\\.154\\..{10,}/"},
    {"/(https?:\\/\\/)104\\.154\\..{10,}/", "http://104.1544.1.2/abcdefghijkl", "a.com", RT::kImage, true, nullptr},
    {"/\\.ME\\/[a-z]+\\./$script", "https://x.me/abc.js", "a.com", RT::kScript, true, "/\\.ME\\/[a-z]+\\./$script"},
};
// clang-format on

TEST_CASE("FilterSet table: syntax, options, exceptions", "[filters]") {
  for (const Case& c : kCases) {
    INFO("filters: " << c.filters << "\nurl: " << c.url << " page: " << c.page_host);
    FilterSet set = FilterSet::Parse("test", c.filters);
    FilterContext ctx{c.url, c.page_host, c.type, c.third_party};
    auto m = set.Match(ctx);
    if (c.expected == nullptr) {
      CHECK_FALSE(m.has_value());
      if (m) INFO("matched " << m->filter);
    } else {
      CHECK(m.has_value());
      if (!m) continue;
      CHECK(m->filter == c.expected);
      CHECK(m->list == "test");
    }
  }
}

TEST_CASE("FilterSet method= uses the request's method, any case", "[filters]") {
  FilterSet set = FilterSet::Parse("test", "/m.js$method=get|head\n/n.js$method=~post");
  FilterContext ctx{"https://e.net/m.js", "a.com", RT::kScript, true, "GET"};
  CHECK(set.Match(ctx));
  ctx.method = "post";
  CHECK_FALSE(set.Match(ctx));
  ctx.url = "https://e.net/n.js";
  CHECK_FALSE(set.Match(ctx));
  ctx.method = "PUT";
  CHECK(set.Match(ctx));
}

TEST_CASE("RegexTokens keeps only tokens any match must hold whole", "[filters]") {
  using V = std::vector<std::string>;
  CHECK(RegexTokens("(https?:\\/\\/)104\\.154\\..{100,}") == V{"154"});
  CHECK(RegexTokens("\\w{30,}\\.Me\\/\\w{30,}\\.") == V{"me"});
  CHECK(RegexTokens("^https?:\\/\\/.*\\.(club|bid)\\/.*") == V{});
  CHECK(RegexTokens("\\/[0-9a-f]{32}\\/invoke\\.js") == V{"invoke"});
  CHECK(RegexTokens("x{10,20}") == V{});
  CHECK(RegexTokens("\\/ads\\/x?\\/track\\/") == V{"ads", "track"});
  CHECK(RegexTokens("\\/ad\\/|\\/banner\\/") == V{});
  CHECK(RegexTokens("\\/(ad|x)\\/pixel\\/") == V{"pixel"});
  CHECK(RegexTokens("\\/a[/]b\\/cd\\/") == V{"cd"});
}

TEST_CASE("FilterSet verdict names the exception that applied", "[filters]") {
  FilterSet set;
  set.Add("easylist", "||ads.com^\n||ads.com/imp/$important");
  set.Add("allow", "@@||ads.com/ok/\n@@||ads.com/imp/");
  FilterVerdict v = set.Evaluate({"https://ads.com/ok/x", "a.com", RT::kScript, true});
  CHECK_FALSE(v.blocked);
  REQUIRE(v.block);
  CHECK(v.block->filter == "||ads.com^");
  CHECK(v.block->list == "easylist");
  REQUIRE(v.exception);
  CHECK(v.exception->filter == "@@||ads.com/ok/");
  CHECK(v.exception->list == "allow");

  v = set.Evaluate({"https://ads.com/imp/x", "a.com", RT::kScript, true});
  CHECK(v.blocked);
  REQUIRE(v.block);
  CHECK(v.block->filter == "||ads.com/imp/$important");
  CHECK(v.block->important);
  CHECK_FALSE(v.exception);

  v = set.Evaluate({"https://other.com/", "a.com", RT::kScript, true});
  CHECK_FALSE(v.blocked);
  CHECK_FALSE(v.block);
  CHECK_FALSE(set.Match({"https://other.com/", "a.com", RT::kScript, true}));
}

TEST_CASE("FilterSet counts what it skips", "[filters]") {
  FilterSet set;
  FilterListStats s = set.Add("l",
                              "[Adblock Plus 2.0]\n"
                              "! Title: test\n"
                              "\n"
                              "   \r\n"
                              "example.com##.ad\n"
                              "example.com#@#.ad\n"
                              "example.com#?#div:has(.ad)\n"
                              "example.com#$#abort-on-property-read x\n"
                              "example.com##+js(nowebrtc)\n"
                              "example.com$$script[tag-content=\"ad\"]\n"
                              "||ads.com^\r\n"
                              "@@||ads.com/ok^\n"
                              "/\\/ad[0-9]/\n"
                              "||x.com^$unknownopt\n"
                              "||x.com^$redirect=noop.js\n"
                              "||x.com^$\n"
                              "||x.com^$domain=\n"
                              "||x.com^$domain=a.com|\n"
                              "/(bad regex/\n"
                              "@@\n"
                              "*\n");
  CHECK(s.comments == 2);
  CHECK(s.cosmetic == 6);
  CHECK(s.filters == 3);
  CHECK(s.exceptions == 1);
  CHECK(s.unsupported == 2);
  CHECK(s.invalid == 6);
  CHECK(set.size() == 3);
  // A CR-LF list still matches.
  CHECK(set.Match({"https://ads.com/x", "a.com", RT::kScript, true}));
}

TEST_CASE("ResourceTypeFromCdp maps CDP names as uBlock Origin does", "[filters]") {
  CHECK(ResourceTypeFromCdp("Document") == RT::kDocument);
  CHECK(ResourceTypeFromCdp("Document", true) == RT::kSubdocument);
  CHECK(ResourceTypeFromCdp("Stylesheet") == RT::kStylesheet);
  CHECK(ResourceTypeFromCdp("Image") == RT::kImage);
  CHECK(ResourceTypeFromCdp("Media") == RT::kMedia);
  CHECK(ResourceTypeFromCdp("Font") == RT::kFont);
  CHECK(ResourceTypeFromCdp("Script") == RT::kScript);
  CHECK(ResourceTypeFromCdp("XHR") == RT::kXmlHttpRequest);
  CHECK(ResourceTypeFromCdp("Fetch") == RT::kXmlHttpRequest);
  CHECK(ResourceTypeFromCdp("Ping") == RT::kPing);
  CHECK(ResourceTypeFromCdp("WebSocket") == RT::kWebSocket);
  CHECK(ResourceTypeFromCdp("Other") == RT::kOther);
  CHECK(ResourceTypeFromCdp("Manifest") == RT::kOther);
  CHECK(ResourceTypeFromCdp("") == RT::kOther);
}

TEST_CASE("FilterSet host span skips scheme, userinfo and port", "[filters]") {
  struct HostCase { const char* url; const char* host; };
  const HostCase cases[] = {
      {"https://a.b.com/x", "a.b.com"}, {"https://u:p@a.com:8/x", "a.com"}, {"https://a.com", "a.com"},
      {"https://[::1]:8/x", "[::1]"},   {"wss://a.com?x", "a.com"},         {"no-scheme/x", "no-scheme"},
      {"", ""},
  };
  for (const HostCase& c : cases) {
    INFO(c.url);
    size_t b = 0, e = 0;
    filter_detail::HostSpan(c.url, b, e);
    CHECK(std::string_view(c.url).substr(b, e - b) == c.host);
  }
}

// Found by tests/fuzz/filter_list_fuzz.cc (corpus/filter_list/regress-badfilter-case):
// "$BadFilter" set the flag (options are any case) but its text was looked
// for in lower case only, and std::string::erase(npos) threw out of Add().
TEST_CASE("FilterSet takes $badfilter in any case", "[filters]") {
  FilterSet set = FilterSet::Parse("test", "||x.com^$script\n||x.com^$image\n||x.com^$script,BadFilter\n||y.com^$BADFILTER");
  CHECK_FALSE(set.Match({"https://x.com/a.js", "a.com", RT::kScript, true}));
  CHECK(set.Match({"https://x.com/a.png", "a.com", RT::kImage, true}));  // only the $script one is cancelled
}

TEST_CASE("FilterSet survives random and truncated lines", "[filters]") {
  const std::string seeds[] = {
      "||ads.com^$third-party,domain=a.com|~b.a.com",
      "@@|https://x.com/*/y^|$important,match-case",
      "/\\/ad[0-9]{2,}\\.(js|gif)$/$script",
      "*$~script,~image,3p",
      "||a.*^$domain=google.*",
      "x.com##.ad",
  };
  const std::string alphabet = "|^*$@/\\.,=~#!a-b_c%1[](){}?+ \t\r";
  std::mt19937 rng(12345);
  std::string list;
  for (const std::string& s : seeds) {
    for (size_t n = 0; n <= s.size(); ++n) list += s.substr(0, n) + "\n" + s.substr(n) + "\n";
  }
  for (int i = 0; i < 3000; ++i) {
    std::string line;
    const size_t len = rng() % 24;
    for (size_t k = 0; k < len; ++k) line += alphabet[rng() % alphabet.size()];
    list += line + "\n";
  }
  FilterSet set;
  FilterListStats s = set.Add("fuzz", list);
  // Add() sorts every non-blank line into exactly one bucket, and keeps the filters it counts.
  size_t lines = 0;
  for (std::string_view rest = list; !rest.empty();) {
    const size_t nl = rest.find('\n');
    if (!common::Trim(rest.substr(0, nl), kFilterSpace).empty()) ++lines;
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  CHECK(s.filters + s.cosmetic + s.comments + s.unsupported + s.invalid == lines);
  CHECK(set.size() == s.filters);
  // Whatever the input, a verdict is consistent and names only rules of this list.
  const auto from_list = [&](const std::optional<FilterMatch>& m) {
    return !m || (m->list == "fuzz" && list.find(m->filter) != std::string::npos);
  };
  const char* urls[] = {"", "https://", "https://ads.com", "https://a.com/x/ad99.js?y=1#z", "|^*$", "http://[/"};
  for (const char* u : urls) {
    for (RT t : {RT::kScript, RT::kImage, RT::kDocument}) {
      for (const FilterContext& ctx : {FilterContext{u, "a.com", t, true}, FilterContext{u, "", t, false}}) {
        const FilterVerdict v = set.Evaluate(ctx);
        CAPTURE(u, ctx.page_host, static_cast<int>(t));
        CHECK(v.blocked == (v.block.has_value() && !v.exception.has_value()));
        CHECK((!v.exception || v.block));
        CHECK(from_list(v.block));
        CHECK(from_list(v.exception));
        CHECK(set.Match(ctx).has_value() == v.blocked);
      }
    }
  }
}

}  // namespace
}  // namespace worker::classify
