// Owned, typed CDP events: what the router hands to domain code.
// Each struct copies what trackscan keeps from one CDP event; field names
// follow the protocol (https://chromedevtools.github.io/devtools-protocol/).
// Decoded once, at the edge, by cdp::protocol::DecodeEvent (decode.h); no
// simdjson type leaves cdp/protocol/. Plain values: copy and move freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cdp::protocol {

// Header names keep the case the browser reported; duplicates (several
// Set-Cookie lines) are joined by '\n' in one value, as CDP does.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct TargetInfo {
  std::string target_id;
  std::string type;  // page, iframe, worker, shared_worker, service_worker, ...
  std::string url;
  std::string title;
  std::string opener_id;  // empty when none
  std::string browser_context_id;
  bool attached = false;
};

struct Cookie {  // Network.Cookie
  std::string name, value, domain, path;
  double expires = -1;  // seconds since epoch; -1 for a session cookie
  bool http_only = false, secure = false, session = false;
  std::string same_site;      // Strict, Lax, None, or empty
  std::string partition_key;  // topLevelSite of the partition key; empty when unpartitioned
  bool partition_cross_site_ancestor = false;
};

struct BlockedSetCookie {  // Network.BlockedSetCookieWithReason
  std::vector<std::string> reasons;
  std::string cookie_line;
};

struct AssociatedCookie {  // Network.AssociatedCookie (cookies considered for a request)
  Cookie cookie;
  std::vector<std::string> blocked_reasons;  // empty: the cookie was sent
};

struct Initiator {
  std::string type;  // parser, script, preload, SignedExchange, preflight, other
  std::string url;
  std::vector<std::string> stack_urls;  // callFrames[].url of stack and every parent, deduped, in order
};

struct Timing {  // Network.ResourceTiming, milliseconds relative to request_time
  double request_time = 0, dns_start = -1, dns_end = -1, connect_start = -1, connect_end = -1,
         ssl_start = -1, ssl_end = -1, send_start = -1, send_end = -1, receive_headers_end = -1;
};

struct Response {  // Network.Response
  std::string url;
  int status = 0;
  std::string status_text;
  Headers headers;
  std::string mime_type;
  std::string remote_ip;
  int remote_port = 0;
  std::string protocol;
  double encoded_data_length = 0;
  bool from_disk_cache = false, from_service_worker = false, from_prefetch_cache = false;
  std::optional<Timing> timing;
};

struct Request {  // Network.Request
  std::string url;  // with fragment (urlFragment) appended when present
  std::string method;
  Headers headers;
  std::optional<std::string> post_data;  // inline body; may be partial: check has_post_data
  bool has_post_data = false;
};

// ---- Network domain events ----
struct RequestWillBeSent {
  static constexpr const char* kMethod = "Network.requestWillBeSent";
  std::string request_id, loader_id, document_url, frame_id, type;  // type: Document, Script, Ping, Fetch, ...
  Request request;
  Initiator initiator;
  double timestamp = 0;  // monotonic seconds
  double wall_time = 0;  // seconds since epoch
  std::optional<Response> redirect_response;  // set when this event is a redirect hop
};

struct RequestWillBeSentExtraInfo {
  static constexpr const char* kMethod = "Network.requestWillBeSentExtraInfo";
  std::string request_id;
  Headers headers;  // as sent on the wire, Cookie included
  std::vector<AssociatedCookie> associated_cookies;
};

struct ResponseReceived {
  static constexpr const char* kMethod = "Network.responseReceived";
  std::string request_id, loader_id, frame_id, type;
  double timestamp = 0;
  Response response;
  bool has_extra_info = false;
};

struct ResponseReceivedExtraInfo {
  static constexpr const char* kMethod = "Network.responseReceivedExtraInfo";
  std::string request_id;
  Headers headers;  // raw: real Set-Cookie lines
  int status_code = 0;
  std::vector<BlockedSetCookie> blocked_cookies;
  std::string cookie_partition_key;  // topLevelSite, empty when none
};

struct DataReceived {
  static constexpr const char* kMethod = "Network.dataReceived";
  std::string request_id;
  double timestamp = 0;
  int64_t encoded_data_length = 0;
};

struct LoadingFinished {
  static constexpr const char* kMethod = "Network.loadingFinished";
  std::string request_id;
  double timestamp = 0;
  double encoded_data_length = 0;
};

struct LoadingFailed {
  static constexpr const char* kMethod = "Network.loadingFailed";
  std::string request_id, type, error_text, blocked_reason;
  double timestamp = 0;
  bool canceled = false;
};

struct RequestServedFromCache {
  static constexpr const char* kMethod = "Network.requestServedFromCache";
  std::string request_id;
};

struct WebSocketCreated {
  static constexpr const char* kMethod = "Network.webSocketCreated";
  std::string request_id, url;
  Initiator initiator;
};

struct WebSocketFrame {  // Network.webSocketFrameSent / webSocketFrameReceived
  std::string request_id;
  double timestamp = 0;
  int opcode = 0;
  std::string payload;  // payloadData: text, or base64 for binary frames
  bool sent = false;    // true for webSocketFrameSent
};

struct WebSocketClosed {
  static constexpr const char* kMethod = "Network.webSocketClosed";
  std::string request_id;
  double timestamp = 0;
};

// ---- Page domain ----
struct LoadEventFired {
  static constexpr const char* kMethod = "Page.loadEventFired";
  double timestamp = 0;
};

struct FrameNavigated {
  static constexpr const char* kMethod = "Page.frameNavigated";
  std::string frame_id, parent_id, loader_id, url;  // url with urlFragment appended
};

struct JavascriptDialogOpening {
  static constexpr const char* kMethod = "Page.javascriptDialogOpening";
  std::string url, message, type, default_prompt;  // type: alert, confirm, prompt, beforeunload
};

struct WindowOpen {
  static constexpr const char* kMethod = "Page.windowOpen";
  std::string url, window_name;
  std::vector<std::string> window_features;
  bool user_gesture = false;
};

// ---- Browser domain (browser-level session) ----
struct DownloadWillBegin {  // Browser.downloadWillBegin
  static constexpr const char* kMethod = "Browser.downloadWillBegin";
  std::string frame_id, guid, url, suggested_filename;
};

// ---- Runtime ----
struct BindingCalled {
  static constexpr const char* kMethod = "Runtime.bindingCalled";
  std::string name, payload;
  int64_t execution_context_id = 0;
};

// ---- Target domain ----
struct AttachedToTarget {
  static constexpr const char* kMethod = "Target.attachedToTarget";
  std::string session_id;
  TargetInfo target_info;
  bool waiting_for_debugger = false;
};

struct DetachedFromTarget {
  static constexpr const char* kMethod = "Target.detachedFromTarget";
  std::string session_id, target_id;
};

struct TargetInfoChanged {
  static constexpr const char* kMethod = "Target.targetInfoChanged";
  TargetInfo target_info;
};

struct TargetCrashed {
  static constexpr const char* kMethod = "Target.targetCrashed";
  std::string target_id, status;
  int error_code = 0;
};

struct InspectorDetached {  // the target's inspector went away (e.g. target crashed or replaced)
  static constexpr const char* kMethod = "Inspector.detached";
  std::string reason;
};

// An event the router could not decode (malformed, a required field missing,
// or over the CDP message cap). Dispatched under the event's own method name,
// so that whoever records that domain can count what it lost.
struct DecodeFailed {
  std::string method;  // as CDP names it; empty when even that was unreadable
  std::string error;   // "kDecode: Network.requestWillBeSent: ..."
};

// One decoded event. WebSocketFrame covers both frame events (see `sent`).
using Event = std::variant<RequestWillBeSent, RequestWillBeSentExtraInfo, ResponseReceived,
                           ResponseReceivedExtraInfo, DataReceived, LoadingFinished, LoadingFailed,
                           RequestServedFromCache, WebSocketCreated, WebSocketFrame,
                           WebSocketClosed, LoadEventFired, FrameNavigated,
                           JavascriptDialogOpening, WindowOpen, DownloadWillBegin, BindingCalled,
                           AttachedToTarget, DetachedFromTarget, TargetInfoChanged, TargetCrashed,
                           InspectorDetached, DecodeFailed>;

}  // namespace cdp::protocol
