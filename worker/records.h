// Observation records: what a visit produces, one JSON object per line.
// These structs are the in-memory form of schemas/*.schema.json (one schema
// per `type`); record_writer.h serializes them. Plain values, no behaviour.
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
  std::optional<std::string> title;  // the main page's title at the end, when it has one
  std::map<std::string, std::string> tracker_data;  // source -> version of each list and database used
  int page = 0;  // 0: an entry URL; 1..N: the Nth subpage of landing_visit_id's page (--pages)
  std::optional<std::string> landing_visit_id;
};

// Who a third party is, from TrackerDB (worker/classify/tracker_db.h).
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
  std::optional<double> encoded_data_length;
  std::optional<double> wall_time;           // seconds since epoch when sent
  std::optional<double> duration_ms;         // sent -> finished/failed
  bool failed = false;
  std::optional<std::string> error_text;     // net::ERR_...
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

}  // namespace worker
