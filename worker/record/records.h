// Observation records: what a visit produces, one JSON object per line.
// These structs are the in-memory form of schemas/*.schema.json (one schema
// per `type`); record_json.h serializes them by the field tables of
// record_tables.h. Plain values, no behaviour.
// Optional fields serialize as JSON null when unknown.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace worker {

inline constexpr int kSchemaVersion = 1;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One per-visit budget the visit ran into (worker/network/visit_budget.h):
// what was kept stopped at `limit`, and `dropped` things were not kept or
// were cut (requests, header lists, bodies, frames, writes, targets, ...).
struct LimitHit {
  std::string budget;   // requests | request_header_bytes | header_bytes | post_data_bytes | websocket_frames |
                        // websocket_bytes | cookie_writes | targets | frames | dialogs | downloads | popups
  int64_t limit = 0;    // the flag's value, in the budget's unit (items or bytes)
  int64_t dropped = 0;  // items not kept or cut (never bytes)
};

struct VisitRecord {  // type "visit"
  std::string visit_id;      // unique per attempt: "<run-or-scan id>-<n>-a<attempt>"
  std::string input_url;
  std::string final_url;     // main frame URL at the end (never a popup's)
  std::string site;          // registrable domain of input_url's host (libpsl)
  std::string started_at, ended_at;  // RFC 3339 UTC with milliseconds
  std::string outcome;       // ok | timeout | error
  std::optional<std::string> error;  // net::ERR_..., "HTTP 500", "browser_lost", ...
  std::optional<int> status;         // HTTP status of the main document
  std::string browser_version;       // Browser.getVersion product
  int attempt = 1;
  bool load_event_fired = false;
  int64_t request_count = 0, cookie_count = 0;
  bool private_network_guard = false;     // the browser went out through the egress guard
  int64_t requests_blocked_by_guard = 0;  // of them, refused for their address
  std::optional<std::string> title;  // the main page's title at the end, when it has one
  std::map<std::string, std::string> tracker_data;  // source -> version of each list and database used
  int page = 0;  // 0: an entry URL; 1..N: the Nth subpage of landing_visit_id's page (--pages)
  std::optional<std::string> landing_visit_id;
  // Events of this visit's targets that were dropped undecoded (malformed,
  // or over --cdp-message-cap): what they said is missing from the records.
  int64_t decode_errors = 0;
  // Why the final cookie jar (Storage.getCookies) could not be read; then
  // the visit has no cookie records from the jar. nullopt when it was read.
  std::optional<std::string> cookie_jar_error;
  std::vector<LimitHit> limits_hit;  // budgets the visit ran into, in budget order; empty: none
};

// Who a third party is, from TrackerDB (worker/analysis/classify/tracker_db.h).
struct TrackerAttribution {
  std::string tracker;       // TrackerDB's name, e.g. "Facebook Pixel"
  std::optional<std::string> organization;  // e.g. "Meta"
  std::string category;      // advertising | site_analytics | ...
};

struct RequestRecord {  // type "request"
  std::string visit_id;
  std::string request_id;            // "<cdp requestId>" or "<cdp requestId>:<hop>" for redirect hops
  std::string url;
  std::string method;
  std::string resource_type;         // CDP ResourceType: Document, Script, Image, Fetch, XHR, Ping, ...
  std::optional<std::string> frame_id;
  std::optional<std::string> frame_url;
  std::string target_type;           // page | popup | iframe | worker | shared_worker | service_worker
  std::string target_url;
  std::string initiator_type;
  std::optional<std::string> initiator_url;
  std::vector<std::string> initiator_stack_urls;
  std::optional<int> status;
  std::optional<std::string> mime_type;
  std::optional<std::string> remote_ip;
  std::optional<std::string> redirect_from;  // request_id of the previous hop
  std::optional<std::string> redirect_to;    // request_id of the next hop
  HeaderList request_headers;        // ExtraInfo (as sent) when available, else Network.Request.headers
  HeaderList response_headers;       // ExtraInfo raw headers when available
  std::vector<std::string> blocked_set_cookies;  // "reason1,reason2: cookie line"
  std::optional<std::string> post_data;
  bool post_data_truncated = false;
  std::optional<int64_t> post_data_size;     // bytes of the whole body when known
  bool headers_truncated = false;            // a header budget cut request_headers / response_headers
  std::optional<double> encoded_data_length;
  std::optional<double> wall_time;           // seconds since epoch when sent
  std::optional<double> duration_ms;         // sent -> finished/failed
  bool failed = false;
  std::optional<std::string> error_text;     // net::ERR_...
  // Why the private-network guard refused the connection ("127.0.0.1 (loopback 127.0.0.0/8)").
  std::optional<std::string> blocked_by_guard;
  bool finished = false;                     // false: still in flight when the visit ended
  bool from_cache = false;
  bool from_service_worker = false;
  bool third_party = false;
  std::optional<std::string> filter_list;   // easylist | easyprivacy | ...: the list whose rule blocks it
  std::optional<std::string> filter_rule;   // the matching filter as written in the list
  std::optional<TrackerAttribution> tracker;
};

struct WebSocketRecord {  // type "websocket"
  std::string visit_id;
  std::string request_id;
  std::string url;
  std::string direction;  // sent | received | open | close
  std::optional<int> opcode;
  std::optional<std::string> payload;
  bool payload_truncated = false;
  double timestamp = 0;
  std::string target_type;
  bool third_party = false;
};

struct CookieRecord {  // type "cookie": one per cookie in the final jar, plus blocked ones
  std::string visit_id;
  std::string name, value, domain, path;
  std::optional<double> expires;  // seconds since epoch; null for session cookies
  bool http_only = false, secure = false;
  std::optional<std::string> same_site;
  std::optional<std::string> partition_key;
  std::string set_by;               // http | js | both | unknown
  std::optional<std::string> setter_url;  // response URL (http) or script URL (js)
  bool third_party = false;
  bool blocked = false;             // the browser refused it (blocked_reasons say why)
  std::vector<std::string> blocked_reasons;
  std::optional<TrackerAttribution> tracker;  // of the cookie's domain
};

struct CookieWriteRecord {  // type "cookie_write": a document.cookie / CookieStore write
  std::string visit_id;
  std::string api;            // document.cookie | cookieStore
  std::string cookie;         // the string written (or name=value for cookieStore)
  std::string frame_url;
  std::optional<std::string> script_url;
  std::vector<std::string> stack_urls;
  bool third_party = false;   // the writing script's registrable domain differs from the site
};

struct DialogRecord {  // type "dialog"
  std::string visit_id;
  std::string dialog_type;  // alert | confirm | prompt | beforeunload
  std::string message;
  std::string frame_url;
  std::string action;       // dismissed
};

struct PopupRecord {  // type "popup"
  std::string visit_id;
  std::string url;
  std::string opener_url;
  std::string target_id;
  bool closed_by_trackscan = true;
};

struct DownloadRecord {  // type "download"
  std::string visit_id;
  std::string url;
  std::string suggested_filename;
  std::string action;  // denied
};

// ---- issue 4: interaction and consent (worker/interact/) ----

struct InteractionRecord {  // type "interaction": one action of the interaction step
  std::string visit_id;
  std::string action;                      // type | click | submit (a submit event seen, and cancelled)
  std::optional<std::string> field_kind;   // type: email | phone | first_name | last_name | full_name | postcode | search
  std::optional<std::string> value;        // type: the text typed
  std::optional<std::string> button_text;  // click: the element's visible text
  std::string element_tag;
  std::optional<std::string> element_id, element_name, element_type;
  std::string selector;                    // short CSS path, for a human
  std::string frame_url;
  double wall_time = 0;                    // seconds since epoch, when the action started
  bool ok = true;
  std::optional<std::string> error;
};

struct ConsentRecord {  // type "consent": what autoconsent did in one frame
  std::string visit_id;
  std::string mode;                       // reject | accept
  std::optional<std::string> cmp;         // the consent manager's rule name; null when none was found
  std::string action;                     // opt_out | opt_in | none
  std::string result;                     // done | failed | no_banner | timeout
  std::string frame_url;
  std::optional<double> found_wall_time;  // seconds since epoch: popup found
  std::optional<double> done_wall_time;   // seconds since epoch: autoconsent finished
  std::optional<std::string> error;
};

// ---- issue 4: analysis (worker/analysis/) ----

// One piece of user data found in an event (ud[em], udff[em], uid, ...).
struct IdentityField {
  std::string parameter;  // as sent: "ud[em]", "udff[em]", "context.user.email", "em.em", "uid"
  std::string kind;       // email | phone | first_name | last_name | city | state | zip | country |
                          // gender | date_of_birth | external_id | user_id | client_id | click_id | unknown
  std::string value;      // as sent (strings always)
  bool hashed = false;    // hex of a hash's length (32/40/64/128)
  std::optional<std::string> hash_algorithm;  // md5 | sha1 | sha256 | sha512, by hex length
  bool empty_hash = false;  // a hash of "", "undefined" or "null": flagged, not a real identity
};

using ParameterList = std::vector<std::pair<std::string, std::string>>;

struct TrackerEventRecord {  // type "tracker_event"
  std::string visit_id, request_id;  // visit_id is set by the caller
  std::string platform;              // meta | ga4 | universal_analytics | google_ads | tiktok | linkedin |
                                     // x | snap | pinterest | microsoft_uet | reddit
  std::string endpoint;              // host + path the event went to ("www.facebook.com/tr/")
  std::optional<std::string> account_id;  // pixel id, G-..., UA-..., AW-<conversion id>, ...
  std::string event_name;            // as sent: PageView, page_view, pageview, conversion, ...
  bool standard_event = false;       // one of the platform's documented standard events
  std::optional<std::string> event_id;   // dedup id as sent (Meta eid, TikTok event_id, ...)
  std::optional<std::string> timestamp;  // client time as sent (Meta ts, TikTok timestamp, ...)
  std::optional<std::string> page_url, referrer_url, page_title;
  std::optional<std::string> button_text;  // Meta cd[buttonText] or buttonFeatures.innerText
  ParameterList custom_parameters;   // event data, names as sent: cd[...], ep.*, epn.*, up.*, properties.*
  std::vector<IdentityField> identity_fields;
  std::string encoding;              // query | form | multipart | json | text_lines
  std::string raw;                   // the query, body or body line it was decoded from, capped at 8 KiB
  bool raw_truncated = false;
  bool duplicate = false;            // a copy of another event of this visit (MarkDuplicateEvents)
};

struct PiiLeakRecord {  // type "pii_leak"
  std::string visit_id, request_id;  // request_id of the request / websocket; empty for a jar cookie
  std::string recipient_host, recipient_domain;  // domain = registrable domain
  std::optional<std::string> organization;       // filled later by the caller (TrackerDB)
  bool third_party = false;
  std::string field;          // email | phone | first_name | last_name | full_name | postcode | page_url | page_title
  std::string encoding;       // plain | url | base64 | md5 | sha1 | sha256 | sha512
  std::optional<std::string> wrapped;  // digest: hex | hex_upper | base64 | base64url; base64: base64 | base64url; url: percent | form
  std::string normalization;  // as_typed | lower_trimmed | digits | digits_national | e164 | lower_no_spaces | no_fragment | as_shown
  std::string where;          // url | body | header | cookie | websocket
  std::optional<std::string> header_name;  // where=header: the header; cookie: "Cookie" or the jar cookie's name
  std::optional<std::string> parameter;    // query / form / JSON / cookie parameter the value sat in
  std::string timing;         // before_submit | after_submit | no_submit | unknown
  std::vector<std::string> sensitive_terms;  // page_url / page_title leaks: the terms found
  std::string evidence;       // up to ~160 printable ASCII characters around the hit
};

// fingerprint and session_recorder: worker/instrument/fingerprint_rules.h
struct FingerprintRecord {  // type "fingerprint"
  std::string visit_id;
  std::string technique;       // canvas | canvas_font | webgl | audio
  std::string script_url;      // the script whose calls satisfied the rule
  std::string script_domain;   // its registrable domain
  bool third_party = false;    // script_domain differs from the visit's site
  std::string frame_url;       // the document (or worker) it ran in
  std::vector<std::string> evidence;  // what satisfied the rule, readable
};

struct SessionRecorderRecord {  // type "session_recorder"
  std::string visit_id;
  std::string vendor;          // from the endpoint list, or "unknown"
  std::string detected_by;     // endpoint | behaviour | both
  std::optional<std::string> script_url;  // the recording script, when known
  std::vector<std::string> request_ids;   // requests to the vendor's endpoints
  std::vector<std::string> evidence;      // what matched, readable
};

struct SummaryParty {  // one third-party registrable domain
  std::string domain;
  std::optional<std::string> organization;
  std::vector<std::string> trackers, categories;
  std::vector<std::string> mechanisms;  // pixel | script | iframe | popup | fetch | beacon | websocket | worker | redirect | other
  int64_t requests = 0, filter_matches = 0, cookies = 0;
};

struct SummaryPlatform {  // tracker events of one platform
  std::string platform;
  std::vector<std::string> account_ids, events, button_texts;
  std::vector<std::string> identities;  // "email (sha256)", "phone (plain)", ...
};

struct SiteSummaryRecord {  // type "site_summary"
  std::string visit_id, site, input_url, final_url, outcome;
  int64_t requests = 0, third_party_requests = 0, filter_matched_requests = 0;
  int64_t first_party_cookies = 0, third_party_cookies = 0, tracker_cookies = 0;
  std::vector<std::string> organizations;  // of every attributed third party, by requests
  std::vector<std::string> categories;
  std::vector<SummaryParty> third_parties;
  std::vector<SummaryPlatform> tracker_events;
  int64_t pii_leaks = 0, third_party_pii_leaks = 0;
  std::vector<std::string> fingerprinting;     // "canvas: https://.../agent.js"
  std::vector<std::string> session_recorders;  // vendor names
  // Recipients of a typed canary value before any submit (key logging, as
  // Blacklight calls it): the page never submitted, yet the value left.
  std::vector<std::string> key_logging;
  std::vector<std::string> findings;           // plain language: "Sent to Meta: PageView, ..."
};

// Not written: API use the instrumentation reported (worker/instrument/api_calls.h),
// read by the fingerprinting and session-recording rules after the visit.
struct ApiCallRecord {
  std::string api;          // "<Interface>.<member>", e.g. "CanvasRenderingContext2D.fillText"
  std::string script_url;   // first URL of the calling stack; "" when it had none
  std::string frame_url;    // the document (or worker) the call was made in
  int64_t count = 1;        // calls with exactly these arguments
  std::vector<std::string> args;  // the arguments the rules need, as strings (see hook_source.cc)
  double first_time = 0;    // ms since the epoch of the first such call (page clock)
};

}  // namespace worker
