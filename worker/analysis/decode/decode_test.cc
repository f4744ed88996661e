#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <string>

#include "worker/analysis/decode/decode_internal.h"
#include "worker/analysis/decode/tracker_event.h"

namespace worker {
namespace {

using Pairs = ParameterList;

const std::string kJaneSha256 = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";  // jane.doe@example.com
const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";  // ""

std::vector<TrackerEventRecord> Decode(const std::string& url, const std::string& method = "GET",
                                       std::optional<std::string> body = std::nullopt,
                                       std::optional<std::string> content_type = std::nullopt) {
  OutgoingRequest request;
  request.request_id = "42.7";
  request.url = url;
  request.method = method;
  if (body) request.post_data = *body;
  if (content_type) request.content_type = *content_type;
  return DecodeTrackerEvents(request);
}

const TrackerEventRecord& Only(const std::vector<TrackerEventRecord>& events) {
  REQUIRE(events.size() == 1);
  return events[0];
}

// "parameter kind value hashed algorithm empty" per field, for one exact comparison.
std::vector<std::string> Identities(const TrackerEventRecord& e) {
  std::vector<std::string> out;
  for (const IdentityField& f : e.identity_fields) {
    out.push_back(f.parameter + " " + f.kind + " " + f.value + " " + (f.hashed ? "hashed" : "plain") + " " +
                  f.hash_algorithm.value_or("-") + (f.empty_hash ? " EMPTY" : ""));
  }
  return out;
}

const char kMetaQuery[] =
    "id=1234567890&ev=PageView&dl=https%3A%2F%2Fshop.example.com%2Fcart%3Fa%3D1&rl=https%3A%2F%2Fwww.google.com%2F"
    "&if=false&ts=1764412800123&sw=1920&sh=1080&v=2.9.178&r=stable&ec=0&o=4126&fbp=fb.1.1764412800000.123456789"
    "&it=1764412799000&coo=false&rqm=GET";

TEST_CASE("Meta PageView GET decodes id, event, pages, time and fbp", "[decode]") {
  auto events = Decode(std::string("https://www.facebook.com/tr/?") + kMetaQuery);
  const TrackerEventRecord& e = Only(events);
  CHECK(e.request_id == "42.7");
  CHECK(e.platform == "meta");
  CHECK(e.endpoint == "www.facebook.com/tr/");
  CHECK(e.account_id == "1234567890");
  CHECK(e.event_name == "PageView");
  CHECK(e.standard_event);
  CHECK(e.timestamp == "1764412800123");
  CHECK(e.event_id == std::nullopt);
  CHECK(e.page_url == "https://shop.example.com/cart?a=1");
  CHECK(e.referrer_url == "https://www.google.com/");
  CHECK(e.page_title == std::nullopt);
  CHECK(e.button_text == std::nullopt);
  CHECK(e.custom_parameters.empty());
  CHECK(Identities(e) == std::vector<std::string>{"fbp client_id fb.1.1764412800000.123456789 plain -"});
  CHECK(e.encoding == "query");
  CHECK(e.raw == kMetaQuery);
  CHECK_FALSE(e.raw_truncated);
  CHECK_FALSE(e.duplicate);
}

const std::string kButtonBody =
    "id=1234567890&ev=SubscribedButtonClick&dl=https%3A%2F%2Fshop.example.com%2F&rl=&if=false&ts=1764412805000"
    "&cd[buttonFeatures]=%7B%22classList%22%3A%22btn%20btn-primary%22%2C%22destination%22%3A%22%22%2C"
    "%22id%22%3A%22signup%22%2C%22imageUrl%22%3A%22%22%2C%22innerText%22%3A%22Join%20now%22%2C"
    "%22numChildButtons%22%3A0%2C%22tag%22%3A%22button%22%2C%22type%22%3A%22submit%22%2C%22name%22%3A%22%22%7D"
    "&cd[buttonText]=Sign%20up&cd[formFeatures]=%5B%7B%22id%22%3A%22email%22%2C%22name%22%3A%22email%22%2C"
    "%22tag%22%3A%22input%22%2C%22inputType%22%3A%22email%22%7D%5D"
    "&cd[pageFeatures]=%7B%22title%22%3A%22Jane%27s%20Shop%22%7D&sw=1920&sh=1080&udff[em]=" +
    kJaneSha256 + "&ud[em]=" + kEmptySha256 + "&ud[external_id]=cust-7&v=2.9.178&r=stable&ec=1&o=4126&it=1&coo=false"
    "&es=automatic&tm=3&rqm=FGET";

TEST_CASE("Meta SubscribedButtonClick POST keeps cd[...] and fills button text, title, identities", "[decode]") {
  auto events = Decode("https://www.facebook.com/tr/", "POST", kButtonBody,
                       "application/x-www-form-urlencoded");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.event_name == "SubscribedButtonClick");
  CHECK_FALSE(e.standard_event);  // automatic event, not one the site chose
  CHECK(e.button_text == "Sign up");
  CHECK(e.page_title == "Jane's Shop");
  CHECK(e.page_url == "https://shop.example.com/");
  CHECK(e.referrer_url == "");
  CHECK(e.custom_parameters ==
        Pairs{{"cd[buttonFeatures]",
               R"({"classList":"btn btn-primary","destination":"","id":"signup","imageUrl":"","innerText":"Join now",)"
               R"("numChildButtons":0,"tag":"button","type":"submit","name":""})"},
              {"cd[buttonText]", "Sign up"},
              {"cd[formFeatures]", R"([{"id":"email","name":"email","tag":"input","inputType":"email"}])"},
              {"cd[pageFeatures]", R"({"title":"Jane's Shop"})"}});
  CHECK(Identities(e) == std::vector<std::string>{
                             "udff[em] email " + kJaneSha256 + " hashed sha256",
                             "ud[em] email " + kEmptySha256 + " hashed sha256 EMPTY",
                             "ud[external_id] external_id cust-7 plain -"});
  CHECK(e.encoding == "form");
  CHECK(e.raw == kButtonBody);
}

TEST_CASE("Meta button text falls back to buttonFeatures.innerText", "[decode]") {
  auto events = Decode("https://www.facebook.com/tr/?id=1&ev=SubscribedButtonClick&cd[buttonFeatures]="
                       "%7B%22innerText%22%3A%22Buy%22%7D&cd[pageFeatures]=%7Btruncated");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.button_text == "Buy");
  CHECK(e.page_title == std::nullopt);  // bad JSON: no title, no crash
}

TEST_CASE("Meta privacy_sandbox trigger is marked as a duplicate of its /tr hit", "[decode]") {
  auto tr = Decode(std::string("https://www.facebook.com/tr/?") + kMetaQuery);
  auto copy = Decode(std::string("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?") + kMetaQuery);
  REQUIRE(copy.size() == 1);
  CHECK(copy[0].endpoint == "www.facebook.com/privacy_sandbox/pixel/register/trigger/");
  CHECK(copy[0].event_name == "PageView");

  std::vector<TrackerEventRecord> alone = copy;
  MarkDuplicateEvents(alone);
  CHECK_FALSE(alone[0].duplicate);  // the only evidence of the hit

  std::vector<TrackerEventRecord> visit = {tr[0], copy[0]};
  MarkDuplicateEvents(visit);
  CHECK_FALSE(visit[0].duplicate);
  CHECK(visit[1].duplicate);

  // A second PageView of the page (SPA navigation) has another ts: not a copy of the first.
  std::string later(kMetaQuery);
  later.replace(later.find("ts=1764412800123"), 16, "ts=1764412809999");
  auto other = Decode("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?" + later);
  std::vector<TrackerEventRecord> two = {tr[0], other[0]};
  MarkDuplicateEvents(two);
  CHECK_FALSE(two[1].duplicate);
}

const char kGa4Url[] =
    "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&gtm=45je5bi0&_p=1764412800&cid=123456789."
    "1764412800&ul=en-us&sr=1920x1080&uid=user-42&sid=1764412800&sct=1&seg=1&dl=https%3A%2F%2Fshop.example.com%2F"
    "&dr=https%3A%2F%2Fwww.bing.com%2F&dt=Shop&_s=3";
const char kGa4Body[] =
    "en=scroll&_et=10&epn.percent_scrolled=90\n"
    "en=view_item&ep.item_id=SKU-1&epn.value=29.99&dt=Item%20page\r\n"
    "en=newsletter_signup&ep.form_id=footer&up.plan=pro\n";

TEST_CASE("GA4 batched POST gives one event per line over the query's parameters", "[decode]") {
  auto events = Decode(kGa4Url, "POST", kGa4Body, "text/plain;charset=UTF-8");
  REQUIRE(events.size() == 3);
  const std::vector<std::string> names = {"scroll", "view_item", "newsletter_signup"};
  const std::vector<bool> standard = {true, true, false};
  const std::vector<std::string> titles = {"Shop", "Item page", "Shop"};
  const std::vector<std::string> raws = {"en=scroll&_et=10&epn.percent_scrolled=90",
                                         "en=view_item&ep.item_id=SKU-1&epn.value=29.99&dt=Item%20page",
                                         "en=newsletter_signup&ep.form_id=footer&up.plan=pro"};
  const std::vector<Pairs> custom = {{{"epn.percent_scrolled", "90"}},
                                     {{"ep.item_id", "SKU-1"}, {"epn.value", "29.99"}},
                                     {{"ep.form_id", "footer"}, {"up.plan", "pro"}}};
  for (size_t i = 0; i < 3; ++i) {
    INFO(i);
    const TrackerEventRecord& e = events[i];
    CHECK(e.platform == "ga4");
    CHECK(e.endpoint == "region1.google-analytics.com/g/collect");
    CHECK(e.account_id == "G-ABC123XYZ");
    CHECK(e.event_name == names[i]);
    CHECK(e.standard_event == standard[i]);
    CHECK(e.page_url == "https://shop.example.com/");
    CHECK(e.referrer_url == "https://www.bing.com/");
    CHECK(e.page_title == titles[i]);
    CHECK(e.custom_parameters == custom[i]);
    CHECK(Identities(e) == std::vector<std::string>{"cid client_id 123456789.1764412800 plain -",
                                                    "uid user_id user-42 plain -"});
    CHECK(e.encoding == "text_lines");
    CHECK(e.raw == raws[i]);
  }
}

TEST_CASE("GA4 GET, server-side GTM host, and user-provided data", "[decode]") {
  auto events = Decode("https://sgtm.shop.example.com/g/collect?v=2&tid=G-SERVER1&cid=1.2&en=page_view"
                       "&dl=https%3A%2F%2Fshop.example.com%2Fa&dt=A&em=tv.1~em." + kJaneSha256 + "~ph." +
                       kEmptySha256);
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "ga4");
  CHECK(e.account_id == "G-SERVER1");
  CHECK(e.event_name == "page_view");
  CHECK(e.standard_event);
  CHECK(e.encoding == "query");
  CHECK(Identities(e) == std::vector<std::string>{"cid client_id 1.2 plain -",
                                                  "em.em email " + kJaneSha256 + " hashed sha256",
                                                  "em.ph phone " + kEmptySha256 + " hashed sha256 EMPTY"});
  // A first-party /g/collect that is not GA4 (no v=2, no G- id) is left alone.
  CHECK(Decode("https://shop.example.com/g/collect?en=page_view").empty());
}

TEST_CASE("Universal Analytics event and pageview hits", "[decode]") {
  auto events = Decode("https://www.google-analytics.com/collect?v=1&_v=j101&a=123&t=event&_s=2"
                       "&dl=https%3A%2F%2Fshop.example.com%2Fvideo&dt=Video&cid=555.666&tid=UA-12345-1&ec=Video"
                       "&ea=play&el=intro&ev=3&cd1=member&cm2=5&z=99");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "universal_analytics");
  CHECK(e.account_id == "UA-12345-1");
  CHECK(e.event_name == "event");
  CHECK(e.standard_event);
  CHECK(e.page_url == "https://shop.example.com/video");
  CHECK(e.page_title == "Video");
  CHECK(e.custom_parameters ==
        Pairs{{"ec", "Video"}, {"ea", "play"}, {"el", "intro"}, {"ev", "3"}, {"cd1", "member"}, {"cm2", "5"}});
  CHECK(Identities(e) == std::vector<std::string>{"cid client_id 555.666 plain -"});

  auto beacon = Decode("https://www.google-analytics.com/r/collect", "POST",
                       "v=1&t=pageview&tid=UA-9-2&cid=1.1&dl=https%3A%2F%2Fa.example%2F&dp=%2Fhome",
                       "text/plain;charset=UTF-8");
  const TrackerEventRecord& b = Only(beacon);
  CHECK(b.event_name == "pageview");
  CHECK(b.encoding == "form");
  CHECK(b.custom_parameters == Pairs{{"dp", "/home"}});
  auto batch = Decode("https://www.google-analytics.com/batch", "POST",
                      "v=1&t=pageview&tid=UA-9-2&cid=1.1\nv=1&t=timing&tid=UA-9-2&cid=1.1\n");
  REQUIRE(batch.size() == 2);
  CHECK(batch[1].event_name == "timing");
  CHECK(batch[1].encoding == "text_lines");
  // Another service's /collect (LinkedIn's) is not UA.
  CHECK(Decode("https://px.ads.linkedin.com/collect/?pid=1&fmt=gif")[0].platform == "linkedin");
}

TEST_CASE("Google Ads conversion pings", "[decode]") {
  auto events = Decode(
      "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/?random=1764&cv=11&fst=1764"
      "&num=1&label=AbC-dEf_123&value=49.5&currency_code=EUR&guid=ON&url=https%3A%2F%2Fshop.example.com%2Fthanks"
      "&ref=https%3A%2F%2Fshop.example.com%2Fcheckout&tiba=Thank%20you&data=event%3Dpurchase%3Btransaction_id%3DT-1"
      "&oid=T-1&em=tv.1~em." + kJaneSha256);
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "google_ads");
  CHECK(e.endpoint == "googleads.g.doubleclick.net/pagead/viewthroughconversion/987654321/");
  CHECK(e.account_id == "AW-987654321");
  CHECK(e.event_name == "purchase");
  CHECK(e.standard_event);
  CHECK(e.event_id == "T-1");
  CHECK(e.page_url == "https://shop.example.com/thanks");
  CHECK(e.referrer_url == "https://shop.example.com/checkout");
  CHECK(e.page_title == "Thank you");
  CHECK(e.custom_parameters == Pairs{{"label", "AbC-dEf_123"}, {"value", "49.5"}, {"currency_code", "EUR"},
                                     {"data.event", "purchase"}, {"data.transaction_id", "T-1"}});
  CHECK(Identities(e) == std::vector<std::string>{"em.em email " + kJaneSha256 + " hashed sha256"});

  auto plain = Decode("https://www.googleadservices.com/pagead/conversion/123/?label=xyz&url=https%3A%2F%2Fa.example%2F");
  CHECK(Only(plain).event_name == "conversion");
  CHECK(plain[0].account_id == "AW-123");
  auto onep = Decode("https://www.google.com/pagead/1p-conversion/456/?label=q");
  CHECK(Only(onep).account_id == "AW-456");
  auto ccm = Decode("https://www.google.com/ccm/collect?en=page_view&tid=AW-789&dl=https%3A%2F%2Fa.example%2F");
  CHECK(Only(ccm).platform == "google_ads");
  CHECK(ccm[0].account_id == "AW-789");
  CHECK(ccm[0].event_name == "page_view");
  CHECK(Decode("https://www.google.com/search?q=pagead").empty());
}

const char kTikTokBody[] = R"({"event":"CompletePayment","message_id":"messageId-1","event_id":"ord-77",)"
    R"("is_onsite":false,"timestamp":"2026-11-29T10:00:00.000Z","context":{"ad":{"callback":"E.C.P.abc",)"
    R"("sdk_env":"external"},"user":{"anonymous_id":"ttp-1","email":")" "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"
    R"(","phone_number":""},"pixel":{"code":"CABCDEF1234567890"},"page":{"url":"https://shop.example.com/thanks",)"
    R"("referrer":"https://shop.example.com/pay"},"library":{"name":"pixel.js","version":"2.2.1"}},)"
    R"("properties":{"value":49.5,"currency":"EUR","contents":[{"content_id":"SKU-1"}]}})";

TEST_CASE("TikTok JSON pixel event and batch", "[decode]") {
  auto events = Decode("https://analytics.tiktok.com/api/v2/pixel", "POST", kTikTokBody, "application/json");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "tiktok");
  CHECK(e.account_id == "CABCDEF1234567890");
  CHECK(e.event_name == "CompletePayment");
  CHECK(e.standard_event);
  CHECK(e.event_id == "ord-77");
  CHECK(e.timestamp == "2026-11-29T10:00:00.000Z");
  CHECK(e.page_url == "https://shop.example.com/thanks");
  CHECK(e.referrer_url == "https://shop.example.com/pay");
  CHECK(e.custom_parameters == Pairs{{"properties.value", "49.5"}, {"properties.currency", "EUR"},
                                     {"properties.contents", R"([{"content_id":"SKU-1"}])"}});
  CHECK(Identities(e) == std::vector<std::string>{"context.user.email email " + kJaneSha256 + " hashed sha256",
                                                  "context.user.anonymous_id client_id ttp-1 plain -",
                                                  "context.ad.callback click_id E.C.P.abc plain -"});
  CHECK(e.encoding == "json");
  CHECK(e.raw == kTikTokBody);

  auto batch = Decode("https://analytics.tiktok.com/api/v2/pixel/batch", "POST",
                      R"({"batch":[{"event":"Pageview","context":{"pixel":{"code":"C1"}}},)"
                      R"({"event":"MyCustom","context":{"pixel":{"code":"C1"}}},{"no_event":1}]})");
  REQUIRE(batch.size() == 2);
  CHECK(batch[0].event_name == "Pageview");
  CHECK(batch[0].standard_event);
  CHECK(batch[1].event_name == "MyCustom");
  CHECK_FALSE(batch[1].standard_event);
  CHECK(batch[1].raw == R"({"event":"MyCustom","context":{"pixel":{"code":"C1"}}})");
}

TEST_CASE("LinkedIn Insight collect and /wa/", "[decode]") {
  auto events = Decode("https://px.ads.linkedin.com/collect/?pid=7007252&conversionId=1234567&fmt=js&time=1764"
                       "&url=https%3A%2F%2Fshop.example.com%2Fthanks&li_fat_id=abc-def");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "linkedin");
  CHECK(e.account_id == "7007252");
  CHECK(e.event_name == "conversion");
  CHECK(e.page_url == "https://shop.example.com/thanks");
  CHECK(e.custom_parameters == Pairs{{"conversionId", "1234567"}});
  CHECK(Identities(e) == std::vector<std::string>{"li_fat_id click_id abc-def plain -"});

  auto wa = Decode("https://px.ads.linkedin.com/wa/", "POST",
                   R"({"pids":[297266,11],"scriptVersion":199,"time":1742600811760,"domain":"shop.example.com",)"
                   R"("url":"https://shop.example.com/p","liFatId":"","isLinkedInApp":false})",
                   "text/plain;charset=UTF-8");
  const TrackerEventRecord& w = Only(wa);
  CHECK(w.account_id == "297266,11");
  CHECK(w.event_name == "website_action");
  CHECK(w.page_url == "https://shop.example.com/p");
  CHECK(w.identity_fields.empty());
  CHECK(w.encoding == "json");
}

TEST_CASE("X adsct pixel", "[decode]") {
  auto events = Decode("https://analytics.twitter.com/i/adsct?bci=4&eci=3&event_id=ev-1&events=%5B%5B%22pageview"
                       "%22%2C%7B%22value%22%3A%2210%22%7D%5D%5D&integration=advertiser&p_id=Twitter&p_user_id=0"
                       "&pl_id=x&tw_document_href=https%3A%2F%2Fshop.example.com%2F&tw_iframe_status=0&txn_id=o1abc"
                       "&type=javascript&version=2.3.30&twclid=2-xyz");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "x");
  CHECK(e.account_id == "o1abc");
  CHECK(e.event_name == "pageview");
  CHECK(e.standard_event);
  CHECK(e.event_id == "ev-1");
  CHECK(e.page_url == "https://shop.example.com/");
  CHECK(e.custom_parameters == Pairs{{"events.value", "10"}});
  CHECK(Identities(e) == std::vector<std::string>{"twclid click_id 2-xyz plain -"});
  CHECK(Only(Decode("https://t.co/i/adsct?txn_id=o1abc&events=%5Bbroken")).event_name == "unknown");
}

TEST_CASE("Snap pixel POST form", "[decode]") {
  std::string body = "pid=abcd-1234&ev=PURCHASE&pl=https%3A%2F%2Fshop.example.com%2Fthanks&ts=1764412800000"
                     "&rf=https%3A%2F%2Fshop.example.com%2Fpay&v=1.0&e_price=49.5&e_currency=EUR&u_hem=" +
                     kJaneSha256 + "&u_c1=c1-uuid";
  auto events = Decode("https://tr.snapchat.com/p", "POST", body, "application/x-www-form-urlencoded");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "snap");
  CHECK(e.account_id == "abcd-1234");
  CHECK(e.event_name == "PURCHASE");
  CHECK(e.standard_event);
  CHECK(e.timestamp == "1764412800000");
  CHECK(e.page_url == "https://shop.example.com/thanks");
  CHECK(e.referrer_url == "https://shop.example.com/pay");
  CHECK(e.custom_parameters == Pairs{{"e_price", "49.5"}, {"e_currency", "EUR"}});
  CHECK(Identities(e) == std::vector<std::string>{"u_hem email " + kJaneSha256 + " hashed sha256",
                                                  "u_c1 client_id c1-uuid plain -"});
  CHECK(e.encoding == "form");
  CHECK(Only(Decode("https://tr.snapchat.com/cm/i?pid=abcd-1234")).event_name == "cookie_match");
}

TEST_CASE("Pinterest v3 pixel with ed, pd and ad JSON", "[decode]") {
  auto events = Decode(
      "https://ct.pinterest.com/v3/?event=checkout&ed=%7B%22value%22%3A49.5%2C%22order_quantity%22%3A1%7D"
      "&tid=2612345678901&pd=%7B%22em%22%3A%22" + kJaneSha256 + "%22%2C%22np%22%3A%22gtm%22%7D"
      "&ad=%7B%22loc%22%3A%22https%3A%2F%2Fshop.example.com%2Fthanks%22%2C%22ref%22%3A%22https%3A%2F%2Fshop.example"
      ".com%2Fpay%22%2C%22if%22%3Afalse%7D&cb=1764");
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "pinterest");
  CHECK(e.account_id == "2612345678901");
  CHECK(e.event_name == "checkout");
  CHECK(e.standard_event);
  CHECK(e.page_url == "https://shop.example.com/thanks");
  CHECK(e.referrer_url == "https://shop.example.com/pay");
  CHECK(e.custom_parameters == Pairs{{"ed.value", "49.5"}, {"ed.order_quantity", "1"}});
  CHECK(Identities(e) == std::vector<std::string>{"pd.em email " + kJaneSha256 + " hashed sha256"});
}

TEST_CASE("Microsoft UET pageLoad and custom action", "[decode]") {
  auto page = Decode("https://bat.bing.com/action/0?ti=12345678&tm=gtm002&Ver=2&mid=m-1&sid=s1&vid=v-1&vids=1"
                     "&msclkid=N&pi=918639831&lg=en-US&sw=1920&sh=1080&sc=24&tl=Shop&p=https%3A%2F%2Fshop.example.com"
                     "%2F&r=&lt=1200&evt=pageLoad&sv=1&rn=1");
  const TrackerEventRecord& e = Only(page);
  CHECK(e.platform == "microsoft_uet");
  CHECK(e.account_id == "12345678");
  CHECK(e.event_name == "pageLoad");
  CHECK(e.standard_event);
  CHECK(e.page_title == "Shop");
  CHECK(e.page_url == "https://shop.example.com/");
  CHECK(e.referrer_url == "");
  CHECK(Identities(e) == std::vector<std::string>{"vid client_id v-1 plain -", "msclkid click_id N plain -"});
  auto action = Decode("https://bat.bing.com/action/0?ti=12345678&evt=custom&ea=purchase&ec=shop&el=basket&ev=1"
                       "&gv=49.5&gc=EUR&p=https%3A%2F%2Fshop.example.com%2Fthanks");
  const TrackerEventRecord& a = Only(action);
  CHECK(a.event_name == "purchase");
  CHECK(a.standard_event);
  CHECK(a.custom_parameters ==
        Pairs{{"ec", "shop"}, {"ea", "purchase"}, {"el", "basket"}, {"ev", "1"}, {"gv", "49.5"}, {"gc", "EUR"}});
}

TEST_CASE("Reddit rp.gif standard and custom events", "[decode]") {
  auto events = Decode("https://alb.reddit.com/rp.gif?ts=1764412800000&id=t2_abc123&event=Purchase&m.itemCount=2"
                       "&m.value=49.5&m.currency=EUR&m.conversionId=ord-9&uuid=1764.abc&em=" + kJaneSha256);
  const TrackerEventRecord& e = Only(events);
  CHECK(e.platform == "reddit");
  CHECK(e.account_id == "t2_abc123");
  CHECK(e.event_name == "Purchase");
  CHECK(e.standard_event);
  CHECK(e.event_id == "ord-9");
  CHECK(e.timestamp == "1764412800000");
  CHECK(e.custom_parameters == Pairs{{"m.itemCount", "2"}, {"m.value", "49.5"}, {"m.currency", "EUR"},
                                     {"m.conversionId", "ord-9"}});
  CHECK(Identities(e) == std::vector<std::string>{"em email " + kJaneSha256 + " hashed sha256",
                                                  "uuid client_id 1764.abc plain -"});
  auto custom = Decode("https://alb.reddit.com/rp.gif?id=t2_abc123&event=Custom&m.customEventName=Quiz%20done");
  CHECK(Only(custom).event_name == "Quiz done");
  CHECK_FALSE(custom[0].standard_event);
}

TEST_CASE("Garbage never crashes and yields fewer events", "[decode]") {
  // Bad percent escapes stay as written.
  auto bad = Decode("https://www.facebook.com/tr/?id=1&ev=Lead&cd[x]=%ZZ%2&dl=%");
  CHECK(Only(bad).custom_parameters == Pairs{{"cd[x]", "%ZZ%2"}});
  CHECK(bad[0].page_url == "%");
  // Truncated and non-JSON bodies.
  std::string tiktok(kTikTokBody);
  CHECK(Decode("https://analytics.tiktok.com/api/v2/pixel", "POST", tiktok.substr(0, tiktok.size() / 2)).empty());
  CHECK(Decode("https://analytics.tiktok.com/api/v2/pixel", "POST", "").empty());
  CHECK(Decode("https://analytics.tiktok.com/api/v2/pixel", "POST", std::string("\0\xff\xfe{", 4)).empty());
  CHECK(Decode("https://px.ads.linkedin.com/wa/", "POST", "[1,2").empty());
  // 1 MB bodies: the JSON garbage is dropped; a 1 MB GA4 line decodes with raw capped at 8 KiB.
  CHECK(Decode("https://analytics.tiktok.com/api/v2/pixel", "POST", std::string(1 << 20, '[')).empty());
  std::string huge = "en=big&ep.blob=" + std::string(1 << 20, 'a');
  auto big = Decode(kGa4Url, "POST", huge);
  const TrackerEventRecord& b = Only(big);
  CHECK(b.custom_parameters[0].second.size() == size_t{1} << 20);
  CHECK(b.raw.size() == 8192);
  CHECK(b.raw_truncated);
  // Not trackers, or not URLs.
  CHECK(Decode("").empty());
  CHECK(Decode("not a url").empty());
  CHECK(Decode("https://shop.example.com/tr/?id=1&ev=PageView").empty());
  CHECK(Decode("https://www.facebook.com/tr/?id=1").empty());  // no event
  CHECK(Decode("https://www.facebook.com/tr/", "POST", std::string(1 << 20, '&')).empty());
  // Multipart with a missing closing delimiter yields what precedes it.
  auto multipart = Decode("https://www.facebook.com/tr/", "POST",
                          "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n99\r\n--XyZ\r\n"
                          "Content-Disposition: form-data; name=\"ev\"\r\n\r\nLead\r\n--XyZ--\r\n"
                          "Content-Disposition: form-data; name=\"dl\"\r\n\r\nlost",
                          "multipart/form-data; boundary=XyZ");
  CHECK(Only(multipart).account_id == "99");
  CHECK(multipart[0].event_name == "Lead");
  CHECK(multipart[0].encoding == "multipart");
}

std::string HexDigest(const EVP_MD* md, std::string_view input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(input.data(), input.size(), digest, &size, md, nullptr) == 1);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

TEST_CASE("Hashes of empty, undefined and null are flagged, others are not", "[decode]") {
  const std::pair<const EVP_MD*, const char*> algorithms[] = {
      {EVP_md5(), "md5"}, {EVP_sha1(), "sha1"}, {EVP_sha256(), "sha256"}, {EVP_sha512(), "sha512"}};
  for (const auto& [md, name] : algorithms) {
    for (std::string_view input : {"", "undefined", "null"}) {
      INFO(name << " of '" << input << "'");
      std::string hex = HexDigest(md, input);
      IdentityField f = decode::MakeIdentity("em", "email", hex);
      CHECK(f.hashed);
      CHECK(f.hash_algorithm == name);
      CHECK(f.empty_hash);
      for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      CHECK(decode::MakeIdentity("em", "email", hex).empty_hash);  // case does not matter
    }
    IdentityField real = decode::MakeIdentity("em", "email", HexDigest(md, "jane.doe@example.com"));
    CHECK(real.hashed);
    CHECK_FALSE(real.empty_hash);
  }
  CHECK(HexDigest(EVP_sha256(), "jane.doe@example.com") == kJaneSha256);
  IdentityField plain = decode::MakeIdentity("em", "email", "jane.doe@example.com");
  CHECK_FALSE(plain.hashed);
  CHECK(plain.hash_algorithm == std::nullopt);
  CHECK_FALSE(decode::MakeIdentity("x", "unknown", std::string(64, 'g')).hashed);  // not hex
  CHECK_FALSE(decode::MakeIdentity("x", "unknown", std::string(63, 'a')).hashed);  // no hash's length
}

}  // namespace
}  // namespace worker
