// JSON-bodied pixels: TikTok (analytics.tiktok.com/api/v2/pixel*, one event or
// a {"batch": [...]}) and LinkedIn's /wa/ website-actions beacon.
#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {
namespace {

bool IsTikTokStandard(std::string_view ev) {
  return OneOf(ev, {"Pageview", "ViewContent", "ClickButton", "Search", "AddToWishlist", "AddToCart",
                    "InitiateCheckout", "AddPaymentInfo", "CompletePayment", "PlaceAnOrder", "Contact", "Download",
                    "SubmitForm", "CompleteRegistration", "Subscribe", "Purchase", "Lead", "ApplicationApproval",
                    "SubmitApplication", "StartTrial", "CustomizeProduct", "FindLocation", "Schedule"});
}

void AddJsonIdentity(simdjson::dom::element user, std::string_view key, const char* kind, TrackerEventRecord* e) {
  std::optional<std::string> v = JsonField(user, key);
  if (v && !v->empty()) e->identity_fields.push_back(MakeIdentity("context.user." + std::string(key), kind, *v));
}

void EmitTikTok(const Request& r, simdjson::dom::element item, std::string_view raw,
                std::vector<TrackerEventRecord>* out) {
  std::optional<std::string> event = JsonField(item, "event");
  if (!event || event->empty()) return;
  TrackerEventRecord e = NewEvent(r, "tiktok", "json", raw);
  e.event_name = *event;
  e.standard_event = IsTikTokStandard(*event);
  e.event_id = JsonField(item, "event_id");
  e.timestamp = JsonField(item, "timestamp");
  if (auto code = JsonPath(item, {"context", "pixel", "code"})) e.account_id = JsonText(*code);
  if (auto page = JsonPath(item, {"context", "page"})) {
    e.page_url = JsonField(*page, "url");
    e.referrer_url = JsonField(*page, "referrer");
    e.page_title = JsonField(*page, "title");
  }
  if (auto properties = JsonPath(item, {"properties"})) AddJsonMembers(*properties, "properties.", &e.custom_parameters);
  if (auto user = JsonPath(item, {"context", "user"})) {
    AddJsonIdentity(*user, "email", "email", &e);
    AddJsonIdentity(*user, "phone_number", "phone", &e);
    AddJsonIdentity(*user, "external_id", "external_id", &e);
    AddJsonIdentity(*user, "anonymous_id", "client_id", &e);
  }
  if (auto callback = JsonPath(item, {"context", "ad", "callback"}); callback) {
    if (auto v = JsonText(*callback); v && !v->empty()) e.identity_fields.push_back(MakeIdentity("context.ad.callback", "click_id", *v));
  }
  out->push_back(std::move(e));
}

bool DecodeTikTok(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!EndsWith(r.host, ".tiktok.com") || !StartsWith(r.path, "/api/v2/pixel")) return false;
  simdjson::dom::element doc;
  if (!ParseJson(r.body, &doc)) return true;
  simdjson::dom::array batch;
  if (auto found = JsonPath(doc, {"batch"}); found && found->get(batch) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : batch) {
      std::string raw = simdjson::to_string(item);
      EmitTikTok(r, item, raw, out);
    }
    return true;
  }
  EmitTikTok(r, doc, r.body, out);
  return true;
}

bool DecodeLinkedInWa(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!EndsWith(r.host, ".ads.linkedin.com") || !(r.path == "/wa" || r.path == "/wa/")) return false;
  simdjson::dom::element doc;
  if (!ParseJson(r.body, &doc)) return true;
  TrackerEventRecord e = NewEvent(r, "linkedin", "json", r.body);
  simdjson::dom::array pids;
  if (auto found = JsonPath(doc, {"pids"}); found && found->get(pids) == simdjson::SUCCESS) {
    std::string ids;
    for (simdjson::dom::element pid : pids) {
      if (auto v = JsonText(pid)) ids += (ids.empty() ? "" : ",") + *v;
    }
    if (!ids.empty()) e.account_id = ids;
  }
  // The beacon reports page activity for LinkedIn's automatic "website actions";
  // it names no site event unless it carries a signal type.
  std::optional<std::string> signal = JsonField(doc, "signalType");
  e.event_name = signal && !signal->empty() ? *signal : "website_action";
  e.page_url = JsonField(doc, "url");
  e.referrer_url = JsonField(doc, "referrer");
  e.page_title = JsonField(doc, "pageTitle");
  std::optional<std::string> fat = JsonField(doc, "liFatId");
  if (fat && !fat->empty()) e.identity_fields.push_back(MakeIdentity("liFatId", "click_id", *fat));
  out->push_back(std::move(e));
  return true;
}

}  // namespace

bool DecodeJsonPixels(const Request& r, std::vector<TrackerEventRecord>* out) {
  return DecodeTikTok(r, out) || DecodeLinkedInWa(r, out);
}

}  // namespace worker::decode
