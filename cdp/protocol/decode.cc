#include "cdp/protocol/decode.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

// Every decoder walks the fields of its object once, in whatever order the
// browser sent them, and copies what it keeps. Unknown keys are skipped and
// JSON null counts as absent, so optional fields never fail a decode; a type
// mismatch or malformed JSON does (kDecode).
namespace cdp::protocol {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using common::Result;
using common::Status;

// ---- scalar readers: JSON null leaves the default in place ----

bool IsNull(od::value& v) {
  od::json_type type;
  return !v.type().get(type) && type == od::json_type::null;
}

error_code Read(od::value v, std::string& out) {
  if (IsNull(v)) return SUCCESS;
  std::string_view s;
  if (auto err = v.get_string().get(s)) return err;
  out.assign(s);
  return SUCCESS;
}

error_code Read(od::value v, double& out) {
  if (IsNull(v)) return SUCCESS;
  return v.get_double().get(out);
}

error_code Read(od::value v, int64_t& out) {
  if (IsNull(v)) return SUCCESS;
  double d = 0;
  if (auto err = v.get_double().get(d)) return err;  // accepts 200 and 200.0
  out = static_cast<int64_t>(std::llround(d));
  return SUCCESS;
}

error_code Read(od::value v, int& out) {
  int64_t wide = out;
  if (auto err = Read(v, wide)) return err;
  out = static_cast<int>(wide);
  return SUCCESS;
}

error_code Read(od::value v, bool& out) {
  if (IsNull(v)) return SUCCESS;
  return v.get_bool().get(out);
}

error_code Read(od::value v, std::optional<std::string>& out) {
  if (IsNull(v)) return SUCCESS;
  return Read(v, out.emplace());
}

// The JSON text of any value; views into the parser's padded input.
error_code RawJson(od::value v, std::string_view& out) {
  od::json_type type;
  if (auto err = v.type().get(type)) return err;
  if (type == od::json_type::object) {
    od::object obj;
    if (auto err = v.get_object().get(obj)) return err;
    return obj.raw_json().get(out);
  }
  if (type == od::json_type::array) {
    od::array arr;
    if (auto err = v.get_array().get(arr)) return err;
    return arr.raw_json().get(out);
  }
  out = v.raw_json_token();
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.remove_suffix(1);
  return SUCCESS;
}

// Calls fn(key, value) for each field; stops at the first error.
template <typename Fn>
error_code ForEachField(od::value v, Fn&& fn) {
  if (IsNull(v)) return SUCCESS;
  od::object obj;
  if (auto err = v.get_object().get(obj)) return err;
  for (auto field_result : obj) {
    std::string_view key;
    if (auto err = field_result.error()) return err;
    od::field& field = field_result.value_unsafe();
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = fn(key, field.value())) return err;
  }
  return SUCCESS;
}

template <typename Fn>
error_code ForEachElement(od::value v, Fn&& fn) {
  if (IsNull(v)) return SUCCESS;
  od::array arr;
  if (auto err = v.get_array().get(arr)) return err;
  for (auto element_result : arr) {
    if (auto err = element_result.error()) return err;
    od::value element = element_result.value_unsafe();
    if (auto err = fn(element)) return err;
  }
  return SUCCESS;
}

error_code Read(od::value v, std::vector<std::string>& out) {
  return ForEachElement(v, [&](od::value e) { return Read(e, out.emplace_back()); });
}

// Header values are strings in CDP; anything else is kept as its JSON text.
error_code Read(od::value v, Headers& out) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    auto& [name, text] = out.emplace_back(std::string(key), std::string());
    od::json_type type;
    if (auto err = value.type().get(type)) return err;
    if (type == od::json_type::string) return Read(value, text);
    std::string_view raw;
    if (auto err = RawJson(value, raw)) return err;
    text.assign(raw);
    return SUCCESS;
  });
}

// ---- nested protocol types ----

// Cookie partition keys: {topLevelSite, hasCrossSiteAncestor} since ~M119; a
// plain site string before that.
error_code ReadPartitionKey(od::value v, std::string& site, bool* cross_site) {
  od::json_type type;
  if (auto err = v.type().get(type)) return err;
  if (type != od::json_type::object) return Read(v, site);
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "topLevelSite") return Read(value, site);
    if (key == "hasCrossSiteAncestor" && cross_site) return Read(value, *cross_site);
    return SUCCESS;
  });
}

error_code Read(od::value v, Cookie& c) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "name") return Read(value, c.name);
    if (key == "value") return Read(value, c.value);
    if (key == "domain") return Read(value, c.domain);
    if (key == "path") return Read(value, c.path);
    if (key == "expires") return Read(value, c.expires);
    if (key == "httpOnly") return Read(value, c.http_only);
    if (key == "secure") return Read(value, c.secure);
    if (key == "session") return Read(value, c.session);
    if (key == "sameSite") return Read(value, c.same_site);
    if (key == "partitionKey") {
      return ReadPartitionKey(value, c.partition_key, &c.partition_cross_site_ancestor);
    }
    return SUCCESS;
  });
}

error_code Read(od::value v, std::vector<Cookie>& out) {
  return ForEachElement(v, [&](od::value e) { return Read(e, out.emplace_back()); });
}

error_code Read(od::value v, std::vector<BlockedSetCookie>& out) {
  return ForEachElement(v, [&](od::value e) {
    BlockedSetCookie& b = out.emplace_back();
    return ForEachField(e, [&](std::string_view key, od::value value) -> error_code {
      if (key == "blockedReasons") return Read(value, b.reasons);
      if (key == "cookieLine") return Read(value, b.cookie_line);
      return SUCCESS;
    });
  });
}

error_code Read(od::value v, std::vector<AssociatedCookie>& out) {
  return ForEachElement(v, [&](od::value e) {
    AssociatedCookie& a = out.emplace_back();
    return ForEachField(e, [&](std::string_view key, od::value value) -> error_code {
      if (key == "blockedReasons") return Read(value, a.blocked_reasons);
      if (key == "cookie") return Read(value, a.cookie);
      return SUCCESS;
    });
  });
}

error_code Read(od::value v, TargetInfo& t) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "targetId") return Read(value, t.target_id);
    if (key == "type") return Read(value, t.type);
    if (key == "url") return Read(value, t.url);
    if (key == "title") return Read(value, t.title);
    if (key == "openerId") return Read(value, t.opener_id);
    if (key == "browserContextId") return Read(value, t.browser_context_id);
    if (key == "attached") return Read(value, t.attached);
    return SUCCESS;
  });
}

// A Runtime.StackTrace: callFrames[].url, then the parent's, recursively.
error_code ReadStackUrls(od::value v, std::vector<std::string>& urls) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "parent") return ReadStackUrls(value, urls);
    if (key != "callFrames") return SUCCESS;
    return ForEachElement(value, [&](od::value frame) {
      return ForEachField(frame, [&](std::string_view k, od::value field) -> error_code {
        if (k != "url") return SUCCESS;
        std::string url;
        if (auto err = Read(field, url)) return err;
        if (!url.empty() && std::find(urls.begin(), urls.end(), url) == urls.end()) {
          urls.push_back(std::move(url));
        }
        return SUCCESS;
      });
    });
  });
}

error_code Read(od::value v, Initiator& i) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "type") return Read(value, i.type);
    if (key == "url") return Read(value, i.url);
    if (key == "stack") return ReadStackUrls(value, i.stack_urls);
    return SUCCESS;
  });
}

error_code Read(od::value v, Timing& t) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "requestTime") return Read(value, t.request_time);
    if (key == "dnsStart") return Read(value, t.dns_start);
    if (key == "dnsEnd") return Read(value, t.dns_end);
    if (key == "connectStart") return Read(value, t.connect_start);
    if (key == "connectEnd") return Read(value, t.connect_end);
    if (key == "sslStart") return Read(value, t.ssl_start);
    if (key == "sslEnd") return Read(value, t.ssl_end);
    if (key == "sendStart") return Read(value, t.send_start);
    if (key == "sendEnd") return Read(value, t.send_end);
    if (key == "receiveHeadersEnd") return Read(value, t.receive_headers_end);
    return SUCCESS;
  });
}

error_code Read(od::value v, Response& r) {
  return ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "url") return Read(value, r.url);
    if (key == "status") return Read(value, r.status);
    if (key == "statusText") return Read(value, r.status_text);
    if (key == "headers") return Read(value, r.headers);
    if (key == "mimeType") return Read(value, r.mime_type);
    if (key == "remoteIPAddress") return Read(value, r.remote_ip);
    if (key == "remotePort") return Read(value, r.remote_port);
    if (key == "protocol") return Read(value, r.protocol);
    if (key == "encodedDataLength") return Read(value, r.encoded_data_length);
    if (key == "fromDiskCache") return Read(value, r.from_disk_cache);
    if (key == "fromServiceWorker") return Read(value, r.from_service_worker);
    if (key == "fromPrefetchCache") return Read(value, r.from_prefetch_cache);
    if (key == "timing") return IsNull(value) ? SUCCESS : Read(value, r.timing.emplace());
    return SUCCESS;
  });
}

error_code Read(od::value v, std::optional<Response>& out) {
  if (IsNull(v)) return SUCCESS;
  return Read(v, out.emplace());
}

error_code Read(od::value v, Request& r) {
  std::string fragment;
  error_code err = ForEachField(v, [&](std::string_view key, od::value value) -> error_code {
    if (key == "url") return Read(value, r.url);
    if (key == "urlFragment") return Read(value, fragment);
    if (key == "method") return Read(value, r.method);
    if (key == "headers") return Read(value, r.headers);
    if (key == "postData") return Read(value, r.post_data);
    if (key == "hasPostData") return Read(value, r.has_post_data);
    return SUCCESS;
  });
  r.url += fragment;  // urlFragment includes its '#'
  return err;
}

// ---- events: one Fields() overload per struct ----

error_code Fields(std::string_view key, od::value v, RequestWillBeSent& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "loaderId") return Read(v, e.loader_id);
  if (key == "documentURL") return Read(v, e.document_url);
  if (key == "frameId") return Read(v, e.frame_id);
  if (key == "type") return Read(v, e.type);
  if (key == "request") return Read(v, e.request);
  if (key == "initiator") return Read(v, e.initiator);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key == "wallTime") return Read(v, e.wall_time);
  if (key == "redirectResponse") return Read(v, e.redirect_response);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, RequestWillBeSentExtraInfo& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "headers") return Read(v, e.headers);
  if (key == "associatedCookies") return Read(v, e.associated_cookies);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, ResponseReceived& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "loaderId") return Read(v, e.loader_id);
  if (key == "frameId") return Read(v, e.frame_id);
  if (key == "type") return Read(v, e.type);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key == "response") return Read(v, e.response);
  if (key == "hasExtraInfo") return Read(v, e.has_extra_info);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, ResponseReceivedExtraInfo& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "headers") return Read(v, e.headers);
  if (key == "statusCode") return Read(v, e.status_code);
  if (key == "blockedCookies") return Read(v, e.blocked_cookies);
  if (key == "cookiePartitionKey") return ReadPartitionKey(v, e.cookie_partition_key, nullptr);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, DataReceived& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key == "encodedDataLength") return Read(v, e.encoded_data_length);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, LoadingFinished& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key == "encodedDataLength") return Read(v, e.encoded_data_length);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, LoadingFailed& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "type") return Read(v, e.type);
  if (key == "errorText") return Read(v, e.error_text);
  if (key == "blockedReason") return Read(v, e.blocked_reason);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key == "canceled") return Read(v, e.canceled);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, RequestServedFromCache& e) {
  return key == "requestId" ? Read(v, e.request_id) : SUCCESS;
}

error_code Fields(std::string_view key, od::value v, WebSocketCreated& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "url") return Read(v, e.url);
  if (key == "initiator") return Read(v, e.initiator);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, WebSocketFrame& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "timestamp") return Read(v, e.timestamp);
  if (key != "response") return SUCCESS;
  return ForEachField(v, [&](std::string_view k, od::value value) -> error_code {
    if (k == "opcode") return Read(value, e.opcode);
    if (k == "payloadData") return Read(value, e.payload);
    return SUCCESS;
  });
}

error_code Fields(std::string_view key, od::value v, WebSocketClosed& e) {
  if (key == "requestId") return Read(v, e.request_id);
  if (key == "timestamp") return Read(v, e.timestamp);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, LoadEventFired& e) {
  return key == "timestamp" ? Read(v, e.timestamp) : SUCCESS;
}

error_code Fields(std::string_view key, od::value v, FrameNavigated& e) {
  if (key != "frame") return SUCCESS;
  std::string fragment;
  error_code err = ForEachField(v, [&](std::string_view k, od::value value) -> error_code {
    if (k == "id") return Read(value, e.frame_id);
    if (k == "parentId") return Read(value, e.parent_id);
    if (k == "loaderId") return Read(value, e.loader_id);
    if (k == "url") return Read(value, e.url);
    if (k == "urlFragment") return Read(value, fragment);
    return SUCCESS;
  });
  e.url += fragment;
  return err;
}

error_code Fields(std::string_view key, od::value v, JavascriptDialogOpening& e) {
  if (key == "url") return Read(v, e.url);
  if (key == "message") return Read(v, e.message);
  if (key == "type") return Read(v, e.type);
  if (key == "defaultPrompt") return Read(v, e.default_prompt);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, WindowOpen& e) {
  if (key == "url") return Read(v, e.url);
  if (key == "windowName") return Read(v, e.window_name);
  if (key == "windowFeatures") return Read(v, e.window_features);
  if (key == "userGesture") return Read(v, e.user_gesture);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, DownloadWillBegin& e) {
  if (key == "frameId") return Read(v, e.frame_id);
  if (key == "guid") return Read(v, e.guid);
  if (key == "url") return Read(v, e.url);
  if (key == "suggestedFilename") return Read(v, e.suggested_filename);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, BindingCalled& e) {
  if (key == "name") return Read(v, e.name);
  if (key == "payload") return Read(v, e.payload);
  if (key == "executionContextId") return Read(v, e.execution_context_id);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, AttachedToTarget& e) {
  if (key == "sessionId") return Read(v, e.session_id);
  if (key == "targetInfo") return Read(v, e.target_info);
  if (key == "waitingForDebugger") return Read(v, e.waiting_for_debugger);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, DetachedFromTarget& e) {
  if (key == "sessionId") return Read(v, e.session_id);
  if (key == "targetId") return Read(v, e.target_id);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, TargetInfoChanged& e) {
  return key == "targetInfo" ? Read(v, e.target_info) : SUCCESS;
}

error_code Fields(std::string_view key, od::value v, TargetCrashed& e) {
  if (key == "targetId") return Read(v, e.target_id);
  if (key == "status") return Read(v, e.status);
  if (key == "errorCode") return Read(v, e.error_code);
  return SUCCESS;
}

error_code Fields(std::string_view key, od::value v, InspectorDetached& e) {
  return key == "reason" ? Read(v, e.reason) : SUCCESS;
}

// ---- required fields: the name of the first one missing, or nullptr ----

template <typename T>
const char* MissingRequired(const T& e) {
  if constexpr (requires { e.request_id; }) {
    if (e.request_id.empty()) return "requestId";
  }
  return nullptr;
}
const char* MissingRequired(const FrameNavigated& e) { return e.frame_id.empty() ? "frame.id" : nullptr; }
const char* MissingRequired(const AttachedToTarget& e) {
  if (e.session_id.empty()) return "sessionId";
  return e.target_info.target_id.empty() ? "targetInfo.targetId" : nullptr;
}
const char* MissingRequired(const DetachedFromTarget& e) {
  return e.session_id.empty() && e.target_id.empty() ? "sessionId" : nullptr;
}
const char* MissingRequired(const TargetInfoChanged& e) {
  return e.target_info.target_id.empty() ? "targetInfo.targetId" : nullptr;
}
const char* MissingRequired(const TargetCrashed& e) {
  return e.target_id.empty() ? "targetId" : nullptr;
}

// ---- parsing: one parser and one padded buffer per thread ----

struct ThreadParser {
  od::parser parser;
  std::string buffer;  // input copy with SIMDJSON_PADDING spare capacity
};

// Parses `json` and calls fn(root value) -> error_code. The root must be an
// object or array (ondemand documents are turned into a value for reuse).
template <typename Fn>
Status ParseAndRun(std::string_view json, std::string_view what, Fn&& fn) {
  thread_local ThreadParser tp;
  tp.buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  tp.buffer.assign(json);
  od::document doc;
  error_code err = tp.parser.iterate(tp.buffer.data(), tp.buffer.size(), tp.buffer.capacity()).get(doc);
  od::value root;
  if (!err) err = doc.get_value().get(root);
  if (!err) err = fn(root);
  if (err) return Status::Decode(std::string(what) + ": " + simdjson::error_message(err));
  return Status::Ok();
}

template <typename T>
Result<Event> DecodeAs(std::string_view method, std::string_view params_json, T event) {
  Status status = ParseAndRun(params_json, method, [&](od::value root) {
    return ForEachField(root, [&](std::string_view key, od::value v) { return Fields(key, v, event); });
  });
  if (!status.ok()) return status;
  if (const char* missing = MissingRequired(event)) {
    return Status::Decode(std::string(method) + ": missing " + missing);
  }
  return Event(std::move(event));
}

using EventDecoder = Result<Event> (*)(std::string_view method, std::string_view params);

template <typename T>
Result<Event> DecodeDefault(std::string_view method, std::string_view params) {
  return DecodeAs(method, params, T{});
}

Result<Event> DecodeFrameSent(std::string_view method, std::string_view params) {
  WebSocketFrame frame;
  frame.sent = true;
  return DecodeAs(method, params, std::move(frame));
}

// The one table from CDP method names to decoders.
const std::pair<std::string_view, EventDecoder> kDecoders[] = {
    {RequestWillBeSent::kMethod, &DecodeDefault<RequestWillBeSent>},
    {RequestWillBeSentExtraInfo::kMethod, &DecodeDefault<RequestWillBeSentExtraInfo>},
    {ResponseReceived::kMethod, &DecodeDefault<ResponseReceived>},
    {ResponseReceivedExtraInfo::kMethod, &DecodeDefault<ResponseReceivedExtraInfo>},
    {DataReceived::kMethod, &DecodeDefault<DataReceived>},
    {LoadingFinished::kMethod, &DecodeDefault<LoadingFinished>},
    {LoadingFailed::kMethod, &DecodeDefault<LoadingFailed>},
    {RequestServedFromCache::kMethod, &DecodeDefault<RequestServedFromCache>},
    {WebSocketCreated::kMethod, &DecodeDefault<WebSocketCreated>},
    {"Network.webSocketFrameSent", &DecodeFrameSent},
    {"Network.webSocketFrameReceived", &DecodeDefault<WebSocketFrame>},
    {WebSocketClosed::kMethod, &DecodeDefault<WebSocketClosed>},
    {LoadEventFired::kMethod, &DecodeDefault<LoadEventFired>},
    {FrameNavigated::kMethod, &DecodeDefault<FrameNavigated>},
    {JavascriptDialogOpening::kMethod, &DecodeDefault<JavascriptDialogOpening>},
    {WindowOpen::kMethod, &DecodeDefault<WindowOpen>},
    {DownloadWillBegin::kMethod, &DecodeDefault<DownloadWillBegin>},
    {BindingCalled::kMethod, &DecodeDefault<BindingCalled>},
    {AttachedToTarget::kMethod, &DecodeDefault<AttachedToTarget>},
    {DetachedFromTarget::kMethod, &DecodeDefault<DetachedFromTarget>},
    {TargetInfoChanged::kMethod, &DecodeDefault<TargetInfoChanged>},
    {TargetCrashed::kMethod, &DecodeDefault<TargetCrashed>},
    {InspectorDetached::kMethod, &DecodeDefault<InspectorDetached>},
};

EventDecoder FindDecoder(std::string_view method) {
  for (const auto& [name, decoder] : kDecoders) {
    if (name == method) return decoder;
  }
  return nullptr;
}

// Decodes a result object with fn(key, value) -> error_code per field.
template <typename T, typename Fn>
Result<T> DecodeResult(std::string_view what, std::string_view json, T out, Fn&& fn) {
  Status status = ParseAndRun(json, what, [&](od::value root) {
    return ForEachField(root, [&](std::string_view key, od::value v) { return fn(key, v, out); });
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::string> DecodeOneString(std::string_view what, std::string_view json,
                                    std::string_view field) {
  auto result = DecodeResult(what, json, std::string(),
                             [&](std::string_view key, od::value v, std::string& out) {
                               return key == field ? Read(v, out) : SUCCESS;
                             });
  if (result.ok() && result->empty()) return Status::Decode(std::string(what) + ": missing " + std::string(field));
  return result;
}

}  // namespace

bool IsKnownEvent(std::string_view method) { return FindDecoder(method) != nullptr; }

Result<Event> DecodeEvent(std::string_view method, std::string_view params_json) {
  EventDecoder decoder = FindDecoder(method);
  if (decoder == nullptr) return Status::Decode("unknown event " + std::string(method));
  return decoder(method, params_json);
}

Result<BrowserVersion> DecodeBrowserGetVersion(std::string_view result_json) {
  return DecodeResult("Browser.getVersion", result_json, BrowserVersion{},
                      [](std::string_view key, od::value v, BrowserVersion& out) {
                        if (key == "product") return Read(v, out.product);
                        if (key == "protocolVersion") return Read(v, out.protocol_version);
                        if (key == "userAgent") return Read(v, out.user_agent);
                        return SUCCESS;
                      });
}

Result<std::string> DecodeCreateBrowserContext(std::string_view result_json) {
  return DecodeOneString("Target.createBrowserContext", result_json, "browserContextId");
}

Result<std::string> DecodeCreateTarget(std::string_view result_json) {
  return DecodeOneString("Target.createTarget", result_json, "targetId");
}

Result<PostData> DecodeGetRequestPostData(std::string_view result_json) {
  return DecodeResult("Network.getRequestPostData", result_json, PostData{},
                      [](std::string_view key, od::value v, PostData& out) {
                        if (key == "postData") return Read(v, out.data);
                        if (key == "base64Encoded") return Read(v, out.base64_encoded);
                        return SUCCESS;
                      });
}

Result<std::vector<Cookie>> DecodeGetCookies(std::string_view result_json) {
  return DecodeResult("Storage.getCookies", result_json, std::vector<Cookie>{},
                      [](std::string_view key, od::value v, std::vector<Cookie>& out) {
                        return key == "cookies" ? Read(v, out) : SUCCESS;
                      });
}

Result<NavigateResult> DecodeNavigate(std::string_view result_json) {
  return DecodeResult("Page.navigate", result_json, NavigateResult{},
                      [](std::string_view key, od::value v, NavigateResult& out) {
                        if (key == "frameId") return Read(v, out.frame_id);
                        if (key == "loaderId") return Read(v, out.loader_id);
                        if (key == "errorText") return Read(v, out.error_text);
                        return SUCCESS;
                      });
}

namespace {

// Runtime.RemoteObject: the JSON of `value`, or `unserializableValue` (NaN,
// -0, 1n, ...) as text; empty for undefined and other non-serializable objects.
error_code ReadRemoteValue(od::value v, std::string& value_json) {
  return ForEachField(v, [&](std::string_view key, od::value field) -> error_code {
    if (key == "unserializableValue") return Read(field, value_json);
    if (key != "value") return SUCCESS;
    std::string_view raw;
    if (auto err = RawJson(field, raw)) return err;
    value_json.assign(raw);
    return SUCCESS;
  });
}

// Runtime.ExceptionDetails: exception.description when present, else text.
error_code ReadException(od::value v, std::string& text) {
  std::string description;
  error_code err = ForEachField(v, [&](std::string_view key, od::value field) -> error_code {
    if (key == "text") return Read(field, text);
    if (key != "exception") return SUCCESS;
    return ForEachField(field, [&](std::string_view k, od::value f) {
      return k == "description" ? Read(f, description) : SUCCESS;
    });
  });
  if (!description.empty()) text = std::move(description);
  if (!err && text.empty()) text = "exception";
  return err;
}

}  // namespace

Result<EvaluateResult> DecodeEvaluate(std::string_view result_json) {
  return DecodeResult("Runtime.evaluate", result_json, EvaluateResult{},
                      [](std::string_view key, od::value v, EvaluateResult& out) {
                        if (key == "result") return ReadRemoteValue(v, out.value_json);
                        if (key == "exceptionDetails") return ReadException(v, out.exception_text);
                        return SUCCESS;
                      });
}

}  // namespace cdp::protocol
