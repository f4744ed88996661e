// Google tags: GA4 (/g/collect, also on first-party server-side GTM hosts),
// Universal Analytics (/collect, /r/collect, /j/collect, /batch with v=1) and
// Google Ads (pagead conversion paths and /ccm/collect).
#include <cctype>

#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {
namespace {

// GA4's automatically collected, enhanced-measurement and recommended events;
// gtag.js shares these names with Google Ads.
bool IsGa4Standard(std::string_view en) {
  return OneOf(en, {"page_view", "session_start", "first_visit", "user_engagement", "scroll", "click",
                    "view_search_results", "file_download", "form_start", "form_submit", "video_start",
                    "video_progress", "video_complete", "add_payment_info", "add_shipping_info", "add_to_cart",
                    "add_to_wishlist", "begin_checkout", "purchase", "refund", "remove_from_cart", "select_item",
                    "select_promotion", "view_cart", "view_item", "view_item_list", "view_promotion",
                    "generate_lead", "login", "sign_up", "search", "share", "select_content", "join_group",
                    "earn_virtual_currency", "spend_virtual_currency", "tutorial_begin", "tutorial_complete",
                    "level_up", "post_score", "unlock_achievement", "close_convert_lead", "close_unconvert_lead",
                    "disqualify_lead", "qualify_lead", "working_lead", "conversion"});
}

bool GoogleHost(std::string_view host) {
  return EndsWith(host, "google-analytics.com") || EndsWith(host, ".doubleclick.net") ||
         host == "analytics.google.com";
}

bool GoogleWebHost(std::string_view host) {  // www.google.com, www.google.de, ...
  return StartsWith(host, "www.google.") || host == "www.googleadservices.com" ||
         host == "googleads.g.doubleclick.net";
}

// `line`'s parameters win over the query's: gtag.js puts shared ones in the
// query and per-event ones in each body line.
Params Overlay(const Params& query, Params line) {
  Params merged;
  for (const auto& kv : query) {
    if (Find(line, kv.first) == nullptr) merged.push_back(kv);
  }
  for (auto& kv : line) merged.push_back(std::move(kv));
  return merged;
}

bool HasDigitsAfter(std::string_view key, std::string_view prefix) {
  if (!StartsWith(key, prefix) || key.size() == prefix.size()) return false;
  for (char c : key.substr(prefix.size())) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void AddIds(const Params& p, TrackerEventRecord* e) {
  if (auto v = Get(p, "cid")) e->identity_fields.push_back(MakeIdentity("cid", "client_id", *v));
  if (auto v = Get(p, "uid")) e->identity_fields.push_back(MakeIdentity("uid", "user_id", *v));
  if (auto v = Get(p, "em")) AddUserProvidedData("em", *v, &e->identity_fields);
}

void EmitGa4(const Request& r, const Params& p, std::string encoding, std::string_view raw,
             std::vector<TrackerEventRecord>* out) {
  std::optional<std::string> en = Get(p, "en");
  if (!en || en->empty()) return;
  TrackerEventRecord e = NewEvent(r, "ga4", std::move(encoding), raw);
  e.account_id = Get(p, "tid");
  e.event_name = *en;
  e.standard_event = IsGa4Standard(*en);
  e.page_url = Get(p, "dl");
  e.referrer_url = Get(p, "dr");
  e.page_title = Get(p, "dt");
  for (const auto& [key, value] : p) {
    if (StartsWith(key, "ep.") || StartsWith(key, "epn.") || StartsWith(key, "up.") || StartsWith(key, "upn.")) {
      e.custom_parameters.emplace_back(key, value);
    }
  }
  AddIds(p, &e);
  out->push_back(std::move(e));
}

// Lines of a batched body; "" lines (a trailing newline) are skipped by callers.
std::vector<std::string_view> Lines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
  }
  return lines;
}

bool DecodeGa4(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!EndsWith(r.path, "/g/collect")) return false;
  Params query = ParseForm(r.query);
  std::optional<std::string> tid = Get(query, "tid"), v = Get(query, "v");
  if (!GoogleHost(r.host) && !(v == "2" || (tid && StartsWith(*tid, "G-")))) return false;
  bool any_line = false;
  for (std::string_view line : Lines(r.body)) {
    if (line.find('=') == std::string_view::npos) continue;
    any_line = true;
    EmitGa4(r, Overlay(query, ParseForm(line)), "text_lines", line, out);
  }
  if (!any_line) EmitGa4(r, query, "query", r.query, out);
  return true;
}

void EmitUa(const Request& r, const Params& p, std::string encoding, std::string_view raw,
            std::vector<TrackerEventRecord>* out) {
  std::optional<std::string> t = Get(p, "t");
  if (!t || t->empty()) return;
  TrackerEventRecord e = NewEvent(r, "universal_analytics", std::move(encoding), raw);
  e.account_id = Get(p, "tid");
  e.event_name = *t;
  e.standard_event = OneOf(*t, {"pageview", "screenview", "event", "transaction", "item", "social", "exception",
                                "timing"});
  e.page_url = Get(p, "dl");
  e.referrer_url = Get(p, "dr");
  e.page_title = Get(p, "dt");
  for (const auto& [key, value] : p) {
    if (OneOf(key, {"ec", "ea", "el", "ev", "dp", "dh", "ti", "tr", "ta", "tt", "ts", "tcc", "pa", "cu"}) ||
        HasDigitsAfter(key, "cd") || HasDigitsAfter(key, "cm") || HasDigitsAfter(key, "cg") ||
        StartsWith(key, "pr") || StartsWith(key, "il")) {
      e.custom_parameters.emplace_back(key, value);
    }
  }
  AddIds(p, &e);
  out->push_back(std::move(e));
}

bool DecodeUa(const Request& r, std::vector<TrackerEventRecord>* out) {
  bool batch = r.path == "/batch";
  if (!batch && !OneOf(r.path, {"/collect", "/r/collect", "/j/collect"})) return false;
  Params query = ParseForm(r.query);
  std::string encoding = "query";
  Params body = batch ? Params() : ParseBodyParams(r, &encoding);
  Params hit = body.empty() ? query : Overlay(query, body);
  if (!batch) {
    std::optional<std::string> v = Get(hit, "v"), tid = Get(hit, "tid");
    if (v != "1" || !(GoogleHost(r.host) || (tid && StartsWith(*tid, "UA-")))) return false;
    EmitUa(r, hit, body.empty() ? "query" : encoding, body.empty() ? std::string_view(r.query) : r.body, out);
    return true;
  }
  if (!GoogleHost(r.host)) return false;
  for (std::string_view line : Lines(r.body)) {
    if (line.find('=') != std::string_view::npos) EmitUa(r, Overlay(query, ParseForm(line)), "text_lines", line, out);
  }
  return true;
}

// "event=purchase;value=12" -> data.event, data.value (Ads' `data` parameter).
void AddDataPairs(std::string_view data, TrackerEventRecord* e, std::optional<std::string>* event) {
  while (!data.empty()) {
    size_t semi = data.find(';');
    std::string_view pair = data.substr(0, semi);
    data = semi == std::string_view::npos ? std::string_view() : data.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string key(pair.substr(0, eq)), value(pair.substr(eq + 1));
    if (key == "event") *event = value;
    e->custom_parameters.emplace_back("data." + key, std::move(value));
  }
}

// The conversion id in /pagead/<kind>/<id>/; "" when the path has another shape.
std::string AdsConversionId(std::string_view path) {
  for (std::string_view kind : {"/pagead/viewthroughconversion/", "/pagead/conversion/", "/pagead/1p-conversion/",
                                "/pagead/1p-user-list/"}) {
    if (!StartsWith(path, kind)) continue;
    std::string_view rest = path.substr(kind.size());
    return std::string(rest.substr(0, rest.find('/')));
  }
  return "";
}

bool DecodeAds(const Request& r, std::vector<TrackerEventRecord>* out) {
  if (!GoogleWebHost(r.host)) return false;
  bool ccm = r.path == "/ccm/collect";
  std::string id = ccm ? "" : AdsConversionId(r.path);
  if (!ccm && id.empty()) return false;
  std::string encoding = "query";
  Params body = ParseBodyParams(r, &encoding);
  Params p = body.empty() ? ParseForm(r.query) : Overlay(ParseForm(r.query), body);
  TrackerEventRecord e = NewEvent(r, "google_ads", body.empty() ? "query" : encoding,
                                  body.empty() ? std::string_view(r.query) : r.body);
  std::optional<std::string> event;
  if (ccm) {
    e.account_id = Get(p, "tid");
    if (e.account_id && StartsWith(*e.account_id, "G-")) e.platform = "ga4";
    event = Get(p, "en");
    e.page_url = Get(p, "dl");
    e.referrer_url = Get(p, "dr");
    e.page_title = Get(p, "dt");
  } else {
    e.account_id = "AW-" + id;
    e.page_url = Get(p, "url");
    e.referrer_url = Get(p, "ref");
    e.page_title = Get(p, "tiba");
    e.event_id = Get(p, "oid");
  }
  for (const char* key : {"label", "value", "currency_code"}) {
    if (auto v = Get(p, key)) e.custom_parameters.emplace_back(key, *v);
  }
  if (auto data = Get(p, "data")) AddDataPairs(*data, &e, &event);
  // Without a data event, the hit is what the endpoint is for: a conversion ping.
  e.event_name = event && !event->empty() ? *event : "conversion";
  e.standard_event = IsGa4Standard(e.event_name);
  AddIds(p, &e);
  out->push_back(std::move(e));
  return true;
}

}  // namespace

bool DecodeGoogle(const Request& r, std::vector<TrackerEventRecord>* out) {
  return DecodeGa4(r, out) || DecodeUa(r, out) || DecodeAds(r, out);
}

}  // namespace worker::decode
