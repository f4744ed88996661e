// Meta pixel (fbevents.js): www.facebook.com/tr[/] as an image GET or a
// form-encoded POST, and its /privacy_sandbox/pixel/register/trigger/ copy.
#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {
namespace {

// Events fbq('track', ...) documents. The automatic events fbevents.js sends on
// its own (SubscribedButtonClick, Microdata) and fbq('trackCustom') names are
// not standard: the site did not choose them as conversions.
bool IsStandard(std::string_view ev) {
  return OneOf(ev, {"PageView", "ViewContent", "Search", "AddToCart", "AddToWishlist", "InitiateCheckout",
                    "AddPaymentInfo", "Purchase", "Lead", "CompleteRegistration", "Contact", "CustomizeProduct",
                    "Donate", "FindLocation", "Schedule", "StartTrial", "SubmitApplication", "Subscribe"});
}

// Advanced-matching keys of ud[...] (set by the site) and udff[...] (read
// from form fields by the pixel).
const char* UserDataKind(std::string_view key) {
  if (key == "em") return "email";
  if (key == "ph") return "phone";
  if (key == "fn") return "first_name";
  if (key == "ln") return "last_name";
  if (key == "ct") return "city";
  if (key == "st") return "state";
  if (key == "zp") return "zip";
  if (key == "country") return "country";
  if (key == "ge") return "gender";
  if (key == "db") return "date_of_birth";
  if (key == "external_id") return "external_id";
  return "unknown";
}

bool IsMetaRequest(const Request& r) {
  bool host = r.host == "facebook.com" || EndsWith(r.host, ".facebook.com");
  return host && (r.path == "/tr" || r.path == "/tr/" || StartsWith(r.path, "/privacy_sandbox/pixel/register/trigger"));
}

std::optional<std::string> JsonMember(const std::string* json, std::string_view key) {
  simdjson::dom::element doc;
  if (json == nullptr || !ParseJson(*json, &doc)) return std::nullopt;
  return JsonField(doc, key);
}

void AddParameter(const std::string& key, const std::string& value, TrackerEventRecord* e) {
  size_t open = key.find('[');
  std::string_view group = std::string_view(key).substr(0, open);
  if (open != std::string::npos && key.back() == ']' && (group == "ud" || group == "udff")) {
    std::string_view inner = std::string_view(key).substr(open + 1, key.size() - open - 2);
    e->identity_fields.push_back(MakeIdentity(key, UserDataKind(inner), value));
  } else if (group == "cd" && open != std::string::npos) {
    e->custom_parameters.emplace_back(key, value);
  } else if (key == "fbp") {
    e->identity_fields.push_back(MakeIdentity(key, "client_id", value));
  } else if (key == "fbc") {
    e->identity_fields.push_back(MakeIdentity(key, "click_id", value));
  }
}

}  // namespace

bool DecodeMeta(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!IsMetaRequest(r)) return false;
  std::string encoding = "query";
  Params params = ParseBodyParams(r, &encoding);
  std::string_view raw = params.empty() ? std::string_view(r.query) : r.body;
  if (params.empty()) encoding = "query";
  // A POST body's fields win over the query's (fbevents sends them in one or the other).
  for (auto& kv : ParseForm(r.query)) params.push_back(std::move(kv));
  std::optional<std::string> ev = Get(params, "ev");
  if (!ev || ev->empty()) return true;
  TrackerEventRecord e = NewEvent(r, "meta", encoding, raw);
  e.account_id = Get(params, "id");
  e.event_name = *ev;
  e.standard_event = IsStandard(*ev);
  e.event_id = Get(params, "eid");
  e.timestamp = Get(params, "ts");
  e.page_url = Get(params, "dl");
  e.referrer_url = Get(params, "rl");
  for (const auto& [key, value] : params) AddParameter(key, value, &e);
  e.button_text = Get(params, "cd[buttonText]");
  if (!e.button_text) e.button_text = JsonMember(Find(params, "cd[buttonFeatures]"), "innerText");
  e.page_title = JsonMember(Find(params, "cd[pageFeatures]"), "title");
  out->push_back(std::move(e));
  return true;
}

}  // namespace worker::decode
