// Decoders from CDP JSON to the owned structs of events.h.
// Stateless free functions; thread-compatible. The only place simdjson's
// on-demand API meets CDP payloads (besides the router's envelope parse).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/protocol/events.h"
#include "common/status.h"


namespace cdp::protocol {

// True when DecodeEvent knows `method`; the router skips other events without
// decoding their params.
bool IsKnownEvent(std::string_view method);

// Decodes the `params` of event `method` from its raw JSON text (an object).
// kDecode when the JSON is malformed or a required field is missing; unknown
// optional fields are ignored.
common::Result<Event> DecodeEvent(std::string_view method, std::string_view params_json);

// ---- command results (the raw JSON text of a response's "result") ----
struct BrowserVersion { std::string product, protocol_version, user_agent; };
common::Result<BrowserVersion> DecodeBrowserGetVersion(std::string_view result_json);
common::Result<std::string> DecodeCreateBrowserContext(std::string_view result_json);  // browserContextId
common::Result<std::string> DecodeCreateTarget(std::string_view result_json);          // targetId
struct PostData { std::string data; bool base64_encoded = false; };
common::Result<PostData> DecodeGetRequestPostData(std::string_view result_json);
common::Result<std::vector<Cookie>> DecodeGetCookies(std::string_view result_json);    // Storage.getCookies
struct NavigateResult { std::string frame_id, loader_id, error_text; };
common::Result<NavigateResult> DecodeNavigate(std::string_view result_json);           // Page.navigate
struct EvaluateResult {
  std::string value_json;                   // the value as JSON (returnByValue)
  std::optional<std::string> string_value;  // the value itself when it is a string
  std::string exception_text;
};
common::Result<EvaluateResult> DecodeEvaluate(std::string_view result_json);           // Runtime.evaluate

}  // namespace cdp::protocol
