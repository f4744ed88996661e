#include "cdp/protocol/decode.h"

#include <utility>

#include "cdp/protocol/internal/json_reader.h"

// Every decoder walks the fields of its object once, in whatever order the
// browser sent them, and copies what it keeps. Unknown keys are skipped and
// JSON null counts as absent, so optional fields never fail a decode; a type
// mismatch or malformed JSON does (kDecode).
namespace cdp::protocol {
namespace {

using namespace internal;  // NOLINT: the readers are this file's vocabulary
using common::Result;
using common::Status;

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
// A result with a lone surrogate (a cookie, a page's string) is read again
// with it replaced by U+FFFD (RepairLoneSurrogates).
template <typename T, typename Fn>
Result<T> DecodeResult(std::string_view what, std::string_view json, T initial, Fn&& fn) {
  auto decode = [&](std::string_view text) -> Result<T> {
    T out = initial;
    Status status = ParseAndRun(text, what, [&](od::value root) {
      return ForEachField(root, [&](std::string_view key, od::value v) { return fn(key, v, out); });
    });
    if (!status.ok()) return status;
    return out;
  };
  Result<T> result = decode(json);
  if (result.ok()) return result;
  if (auto repaired = RepairLoneSurrogates(json)) return decode(*repaired);
  return result;
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
  Result<Event> event = decoder(method, params_json);
  if (event.ok()) return event;
  // A lone surrogate made by the page: the event is still worth recording.
  if (auto repaired = RepairLoneSurrogates(params_json)) return decoder(method, *repaired);
  return event;
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

// A JSON string literal's text, read on its own (the raw JSON is consumed
// already); a lone surrogate in it (a page's string) becomes U+FFFD.
std::optional<std::string> UnescapeString(std::string_view literal) {
  auto unescape = [](std::string_view json) -> std::optional<std::string> {
    simdjson::padded_string padded(json);
    od::parser parser;
    std::string_view text;
    auto doc = parser.iterate(padded);
    if (doc.get_string().get(text) != SUCCESS) return std::nullopt;
    return std::string(text);
  };
  std::optional<std::string> text = unescape(literal);
  if (text) return text;
  auto repaired = RepairLoneSurrogates(literal);
  return repaired ? unescape(*repaired) : std::nullopt;
}

// Runtime.RemoteObject: the JSON of `value`, or `unserializableValue` (NaN,
// -0, 1n, ...) as text; empty for undefined and other non-serializable objects.
error_code ReadRemoteValue(od::value v, EvaluateResult& out) {
  return ForEachField(v, [&](std::string_view key, od::value field) -> error_code {
    if (key == "unserializableValue") return Read(field, out.value_json);
    if (key != "value") return SUCCESS;
    std::string_view raw;
    if (auto err = RawJson(field, raw)) return err;
    out.value_json.assign(raw);
    if (!raw.empty() && raw.front() == '"') out.string_value = UnescapeString(raw);
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
                        if (key == "result") return ReadRemoteValue(v, out);
                        if (key == "exceptionDetails") return ReadException(v, out.exception_text);
                        return SUCCESS;
                      });
}

}  // namespace cdp::protocol