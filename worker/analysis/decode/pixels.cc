// Query- and form-encoded ad pixels: LinkedIn Insight (/collect), X/Twitter
// (/i/adsct), Snap (tr.snapchat.com), Pinterest (ct.pinterest.com/v3/),
// Microsoft UET (bat.bing.com/action/) and Reddit (alb.reddit.com/rp.gif).
#include <cctype>

#include "common/strings.h"
#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {
namespace {

// The query's parameters with a form body's laid over them (body first, so
// Find() sees its values); `encoding` and `raw` name where they came from.
Params AllParams(const Request& r, std::string* encoding, std::string_view* raw) {
  *encoding = "query";
  Params params = ParseBodyParams(r, encoding);
  if (params.empty()) *encoding = "query";
  *raw = params.empty() ? std::string_view(r.query) : r.body;
  for (auto& kv : ParseForm(r.query)) params.push_back(std::move(kv));
  return params;
}

void AddIdentity(const Params& p, std::string_view key, const char* kind, TrackerEventRecord* e) {
  if (auto v = Get(p, key); v && !v->empty()) e->identity_fields.push_back(MakeIdentity(std::string(key), kind, *v));
}

bool DecodeLinkedIn(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!EndsWith(r.host, ".ads.linkedin.com") || !(r.path == "/collect" || r.path == "/collect/")) return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  TrackerEventRecord e = NewEvent(r, "linkedin", encoding, raw);
  e.account_id = Get(p, "pid");
  std::optional<std::string> conversion = Get(p, "conversionId");
  // The Insight Tag sends either a page view or a conversion; both are its documented kinds.
  e.event_name = conversion ? "conversion" : "page_view";
  e.standard_event = true;
  e.event_id = Get(p, "eventId");
  e.page_url = Get(p, "url");
  if (conversion) e.custom_parameters.emplace_back("conversionId", *conversion);
  AddIdentity(p, "li_fat_id", "click_id", &e);
  out->push_back(std::move(e));
  return true;
}

bool DecodeX(const Request& r, std::vector<TrackerEventRecord>* out) {
  bool host = r.host == "t.co" || r.host == "analytics.twitter.com" || r.host == "ads-api.x.com";
  if (!host || !(r.path == "/i/adsct" || r.path == "/1/i/adsct")) return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  TrackerEventRecord e = NewEvent(r, "x", encoding, raw);
  e.account_id = Get(p, "txn_id");
  e.event_id = Get(p, "event_id");
  e.page_url = Get(p, "tw_document_href");
  e.event_name = "unknown";
  // events=[["pageview",{...properties}]]
  simdjson::dom::element doc, name, properties;
  simdjson::dom::array all, first;
  const std::string* events = Find(p, "events");
  if (events && ParseJson(*events, &doc) && doc.get(all) == simdjson::SUCCESS &&
      all.at(0).get(first) == simdjson::SUCCESS && first.at(0).get(name) == simdjson::SUCCESS) {
    if (auto n = JsonText(name)) e.event_name = *n;
    if (first.at(1).get(properties) == simdjson::SUCCESS) AddJsonMembers(properties, "events.", &e.custom_parameters);
  }
  e.standard_event = OneOf(common::AsciiLower(e.event_name), {"pageview", "purchase", "download", "signup", "sign_up",
                                                  "addtocart", "add_to_cart", "checkout", "checkoutinitiated",
                                                  "lead", "search", "contentview", "addtowishlist", "subscribe",
                                                  "starttrial", "addedpaymentinfo"});
  for (const char* key : {"tw_sale_amount", "tw_order_quantity", "tw_product_id", "tw_product_price"}) {
    if (auto v = Get(p, key)) e.custom_parameters.emplace_back(key, *v);
  }
  AddIdentity(p, "twclid", "click_id", &e);
  out->push_back(std::move(e));
  return true;
}

bool DecodeSnap(const Request& r, std::vector<TrackerEventRecord>* out) {
  bool host = r.host == "tr.snapchat.com" || r.host == "tr-shadow.snapchat.com";
  bool cookie_match = StartsWith(r.path, "/cm/");
  if (!host || !(r.path == "/p" || r.path == "/p/" || cookie_match)) return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  std::optional<std::string> ev = Get(p, "ev");
  if (!ev && cookie_match) ev = "cookie_match";  // a sync of Snap's cookie with the pixel's, no site event
  if (!ev || ev->empty()) return true;
  TrackerEventRecord e = NewEvent(r, "snap", encoding, raw);
  e.account_id = Get(p, "pid");
  e.event_name = *ev;
  e.standard_event = OneOf(*ev, {"PAGE_VIEW", "PURCHASE", "SAVE", "START_CHECKOUT", "ADD_CART", "VIEW_CONTENT",
                                 "ADD_BILLING", "SIGN_UP", "SEARCH", "SUBSCRIBE", "AD_CLICK", "AD_VIEW",
                                 "COMPLETE_TUTORIAL", "INVITE", "LOGIN", "SHARE", "RESERVE", "ACHIEVEMENT_UNLOCKED",
                                 "ADD_TO_WISHLIST", "SPENT_CREDITS", "RATE", "START_TRIAL", "LIST_VIEW"});
  e.timestamp = Get(p, "ts");
  e.page_url = Get(p, "pl");
  e.referrer_url = Get(p, "rf");
  for (const auto& [key, value] : p) {
    if (StartsWith(key, "e_")) e.custom_parameters.emplace_back(key, value);
  }
  AddIdentity(p, "u_hem", "email", &e);
  AddIdentity(p, "u_hpn", "phone", &e);
  AddIdentity(p, "u_c1", "client_id", &e);
  AddIdentity(p, "u_scsid", "client_id", &e);
  AddIdentity(p, "u_sclid", "click_id", &e);
  out->push_back(std::move(e));
  return true;
}

bool DecodePinterest(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (r.host != "ct.pinterest.com" || !(StartsWith(r.path, "/v3") || StartsWith(r.path, "/user"))) return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  std::optional<std::string> event = Get(p, "event");
  if (!event || event->empty()) return true;
  TrackerEventRecord e = NewEvent(r, "pinterest", encoding, raw);
  e.account_id = Get(p, "tid");
  e.event_name = *event;
  e.standard_event = OneOf(*event, {"pagevisit", "viewcategory", "search", "addtocart", "checkout", "watchvideo",
                                    "signup", "lead"});
  // ed: event data; pd: the pixel's user data; ad: page and browser data. Parsed one
  // at a time: each ParseJson invalidates the previous document.
  simdjson::dom::element doc;
  if (const std::string* ed = Find(p, "ed"); ed && ParseJson(*ed, &doc)) AddJsonMembers(doc, "ed.", &e.custom_parameters);
  for (const char* group : {"pd", "ad"}) {
    const std::string* text = Find(p, group);
    if (text == nullptr || !ParseJson(*text, &doc)) continue;
    if (auto em = JsonField(doc, "em")) e.identity_fields.push_back(MakeIdentity(std::string(group) + ".em", "email", *em));
    if (std::string_view(group) == "ad") {
      e.page_url = JsonField(doc, "loc");
      e.referrer_url = JsonField(doc, "ref");
    }
  }
  AddIdentity(p, "pin_unauth", "client_id", &e);
  AddIdentity(p, "epik", "click_id", &e);
  out->push_back(std::move(e));
  return true;
}

bool DecodeUet(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (r.host != "bat.bing.com" || !StartsWith(r.path, "/action/")) return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  std::optional<std::string> evt = Get(p, "evt"), ea = Get(p, "ea");
  if (!evt || evt->empty()) return true;
  TrackerEventRecord e = NewEvent(r, "microsoft_uet", encoding, raw);
  e.account_id = Get(p, "ti");
  // window.uetq.push('event', ACTION, {...}) arrives as evt=custom&ea=ACTION: the action names the event.
  bool custom = *evt == "custom" && ea && !ea->empty();
  e.event_name = custom ? *ea : *evt;
  e.standard_event = custom ? OneOf(*ea, {"add_payment_info", "add_to_cart", "add_to_wishlist", "begin_checkout",
                                          "purchase", "refund", "remove_from_cart", "view_item", "view_item_list",
                                          "view_cart", "search", "sign_up", "login", "generate_lead", "page_view",
                                          "subscribe", "book_appointment", "contact", "submit_lead_form"})
                            : *evt == "pageLoad";
  e.page_url = Get(p, "p");
  e.referrer_url = Get(p, "r");
  e.page_title = Get(p, "tl");
  for (const char* key : {"ec", "ea", "el", "ev", "gv", "gc", "prodid", "pagetype"}) {
    if (auto v = Get(p, key)) e.custom_parameters.emplace_back(key, *v);
  }
  AddIdentity(p, "vid", "client_id", &e);
  AddIdentity(p, "msclkid", "click_id", &e);
  AddIdentity(p, "em", "email", &e);
  AddIdentity(p, "ph", "phone", &e);
  out->push_back(std::move(e));
  return true;
}

bool DecodeReddit(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (r.host != "alb.reddit.com" || r.path != "/rp.gif") return false;
  std::string encoding;
  std::string_view raw;
  Params p = AllParams(r, &encoding, &raw);
  std::optional<std::string> event = Get(p, "event"), custom_name = Get(p, "m.customEventName");
  if (!event || event->empty()) return true;
  TrackerEventRecord e = NewEvent(r, "reddit", encoding, raw);
  e.account_id = Get(p, "id");
  // rdt('track', 'Custom', {customEventName}) names its event in m.customEventName.
  bool custom = *event == "Custom" && custom_name && !custom_name->empty();
  e.event_name = custom ? *custom_name : *event;
  e.standard_event = !custom && OneOf(*event, {"PageVisit", "ViewContent", "Search", "AddToCart", "AddToWishlist",
                                                "Purchase", "Lead", "SignUp"});
  e.timestamp = Get(p, "ts");
  e.event_id = Get(p, "m.conversionId");
  e.page_url = Get(p, "url");
  for (const auto& [key, value] : p) {
    if (StartsWith(key, "m.")) e.custom_parameters.emplace_back(key, value);
  }
  AddIdentity(p, "em", "email", &e);
  AddIdentity(p, "external_id", "external_id", &e);
  AddIdentity(p, "uuid", "client_id", &e);
  AddIdentity(p, "idfa", "unknown", &e);
  AddIdentity(p, "aaid", "unknown", &e);
  out->push_back(std::move(e));
  return true;
}

}  // namespace

bool DecodePixels(const Request& r, std::vector<TrackerEventRecord>* out) {
  return DecodeLinkedIn(r, out) || DecodeX(r, out) || DecodeSnap(r, out) || DecodePinterest(r, out) ||
         DecodeUet(r, out) || DecodeReddit(r, out);
}

}  // namespace worker::decode
