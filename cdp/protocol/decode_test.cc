// Decoders against a real Chromium 156 transcript (tests/fixtures/cdp/) and
// hand-written edge cases.
#include "cdp/protocol/decode.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <string>
#include <vector>

namespace cdp::protocol {
namespace {

using common::Code;

// One transcript line, split with RapidJSON (independent of the decoders).
struct Line {
  std::string method, session_id, params, result;
  int64_t id = 0;
};

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<Line> LoadTranscript(const std::string& name) {
  std::ifstream in(std::string(TRACKSCAN_SOURCE_DIR) + "/tests/fixtures/cdp/" + name);
  REQUIRE(in.good());
  std::vector<Line> lines;
  for (std::string text; std::getline(in, text);) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    Line& line = lines.emplace_back();
    if (doc.HasMember("method")) line.method = doc["method"].GetString();
    if (doc.HasMember("sessionId")) line.session_id = doc["sessionId"].GetString();
    if (doc.HasMember("params")) line.params = ToJson(doc["params"]);
    if (doc.HasMember("result")) line.result = ToJson(doc["result"]);
    if (doc.HasMember("id")) line.id = doc["id"].GetInt64();
  }
  return lines;
}

const std::vector<Line>& PageLoad() {
  static const std::vector<Line> lines = LoadTranscript("cdp_page_load.jsonl");
  return lines;
}

// Every decoded event of type T in the transcript, in order.
template <typename T>
std::vector<T> All(const std::vector<Line>& lines, bool sent_frames = false) {
  std::vector<T> out;
  for (const Line& line : lines) {
    if (!IsKnownEvent(line.method)) continue;
    auto event = DecodeEvent(line.method, line.params);
    REQUIRE(event.ok());
    if (auto* e = std::get_if<T>(&*event)) out.push_back(*e);
  }
  return out;
}

// The result of the first response whose result text contains `needle`.
std::string ResultWith(const std::string& needle) {
  for (const Line& line : PageLoad()) {
    if (line.id != 0 && line.result.find(needle) != std::string::npos) return line.result;
  }
  FAIL("no result containing " << needle);
  return "";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string HeaderValue(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST_CASE("every known event in the transcript decodes", "[cdp]") {
  size_t known = 0, unknown = 0;
  for (const Line& line : PageLoad()) {
    if (line.method.empty()) continue;
    if (!IsKnownEvent(line.method)) {
      ++unknown;
      continue;
    }
    INFO(line.method << " " << line.params.substr(0, 200));
    auto event = DecodeEvent(line.method, line.params);
    CHECK(event.ok());
    ++known;
  }
  CHECK(known > 60);
  CHECK(unknown > 10);  // Page.frameStartedLoading, Debugger.scriptParsed, ...
}

TEST_CASE("requestWillBeSent: redirect hop, fragment and initiator stack", "[cdp]") {
  auto requests = All<RequestWillBeSent>(PageLoad());
  REQUIRE(requests.size() >= 3);
  const RequestWillBeSent& start = requests[0];
  CHECK(EndsWith(start.request.url, "/start#top"));
  CHECK(start.type == "Document");
  CHECK(start.initiator.type == "other");
  CHECK(start.request_id == start.loader_id);
  CHECK(start.timestamp > 0);
  CHECK(start.wall_time > 1.7e9);
  CHECK_FALSE(start.redirect_response.has_value());
  CHECK(HeaderValue(start.request.headers, "Upgrade-Insecure-Requests") == "1");

  const RequestWillBeSent& hop = requests[1];
  CHECK(hop.request_id == start.request_id);
  CHECK(EndsWith(hop.request.url, "/index.html#top"));
  REQUIRE(hop.redirect_response.has_value());
  CHECK(hop.redirect_response->status == 302);
  CHECK(hop.redirect_response->status_text == "Found");
  CHECK(HeaderValue(hop.redirect_response->headers, "Location") == "/index.html");
  CHECK(hop.redirect_response->remote_ip == "127.0.0.1");
  CHECK(hop.redirect_response->remote_port > 0);
  CHECK(hop.redirect_response->protocol == "http/1.1");
  REQUIRE(hop.redirect_response->timing.has_value());
  CHECK(hop.redirect_response->timing->request_time > 0);
  CHECK(hop.redirect_response->timing->ssl_start == -1);
  CHECK(hop.redirect_response->timing->receive_headers_end > 0);

  const RequestWillBeSent* post = nullptr;
  for (const auto& r : requests) {
    if (r.request.method == "POST") post = &r;
  }
  REQUIRE(post != nullptr);
  CHECK(post->type == "Fetch");
  CHECK(post->request.post_data == std::optional<std::string>("hello=world"));
  CHECK(post->request.has_post_data);
  CHECK(HeaderValue(post->request.headers, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(post->initiator.type == "script");
  REQUIRE(post->initiator.stack_urls.size() == 1);  // app.js in the frame and its async parent
  CHECK(EndsWith(post->initiator.stack_urls[0], "/app.js"));
}

TEST_CASE("extra info: raw Set-Cookie, blocked and associated cookies", "[cdp]") {
  auto responses = All<ResponseReceivedExtraInfo>(PageLoad());
  const ResponseReceivedExtraInfo* index = nullptr;
  const ResponseReceivedExtraInfo* api = nullptr;
  for (const auto& r : responses) {
    if (HeaderValue(r.headers, "Set-Cookie").find("session=abc") != std::string::npos) index = &r;
    if (HeaderValue(r.headers, "Set-Cookie").find("api=1") != std::string::npos) api = &r;
  }
  REQUIRE(index != nullptr);
  CHECK(index->status_code == 200);
  CHECK(HeaderValue(index->headers, "Set-Cookie") ==
        "session=abc; Path=/; SameSite=Lax\nbad=1; Domain=example.com");
  REQUIRE(index->blocked_cookies.size() == 1);
  CHECK(index->blocked_cookies[0].reasons == std::vector<std::string>{"InvalidDomain"});
  CHECK(index->blocked_cookies[0].cookie_line == "bad=1; Domain=example.com");
  CHECK(index->cookie_partition_key == "http://127.0.0.1");
  REQUIRE(api != nullptr);
  REQUIRE(api->blocked_cookies.size() == 1);
  CHECK(api->blocked_cookies[0].reasons == std::vector<std::string>{"SameSiteNoneInsecure"});

  const AssociatedCookie* visits = nullptr;
  const auto requests = All<RequestWillBeSentExtraInfo>(PageLoad());
  for (const auto& r : requests) {
    for (const auto& c : r.associated_cookies) {
      if (c.cookie.name == "visits") visits = &c;
      if (c.cookie.name == "session") CHECK(c.cookie.same_site == "Lax");
    }
    if (visits) {
      CHECK(HeaderValue(r.headers, "Cookie") == "session=abc; visits=2");
      break;
    }
  }
  REQUIRE(visits != nullptr);
  CHECK(visits->blocked_reasons.empty());
  CHECK(visits->cookie.http_only);
  CHECK_FALSE(visits->cookie.session);
  CHECK(visits->cookie.expires > 1.7e9);
  CHECK(visits->cookie.domain == "127.0.0.1");
  CHECK(visits->cookie.same_site.empty());
}

TEST_CASE("responses, finishes and failures", "[cdp]") {
  auto responses = All<ResponseReceived>(PageLoad());
  REQUIRE_FALSE(responses.empty());
  const auto& doc = responses[0];
  CHECK(doc.type == "Document");
  CHECK(doc.has_extra_info);
  CHECK(doc.response.status == 200);
  CHECK(doc.response.mime_type == "text/html");
  CHECK(doc.response.timing.has_value());
  CHECK_FALSE(doc.response.from_disk_cache);

  auto finished = All<LoadingFinished>(PageLoad());
  REQUIRE_FALSE(finished.empty());
  CHECK(finished[0].encoded_data_length > 0);
  auto data = All<DataReceived>(PageLoad());
  REQUIRE_FALSE(data.empty());
  CHECK(data[0].encoded_data_length >= 0);
  auto failed = All<LoadingFailed>(PageLoad());
  REQUIRE_FALSE(failed.empty());
  CHECK_FALSE(failed[0].error_text.empty());
  CHECK_FALSE(All<RequestServedFromCache>(PageLoad()).empty());
}

TEST_CASE("websocket events, frames in both directions", "[cdp]") {
  auto created = All<WebSocketCreated>(PageLoad());
  REQUIRE(created.size() == 1);
  CHECK(EndsWith(created[0].url, "/ws"));
  CHECK(created[0].initiator.type == "script");
  auto frames = All<WebSocketFrame>(PageLoad());
  REQUIRE(frames.size() == 2);
  const WebSocketFrame& received = frames[0].sent ? frames[1] : frames[0];
  const WebSocketFrame& sent = frames[0].sent ? frames[0] : frames[1];
  CHECK(received.payload == "ping from server");
  CHECK_FALSE(received.sent);
  CHECK(sent.payload == "pong from page");
  CHECK(sent.sent);
  CHECK(sent.opcode == 1);
  CHECK(sent.request_id == created[0].request_id);
  CHECK(All<WebSocketClosed>(PageLoad()).size() == 1);
}

TEST_CASE("page, runtime and target events", "[cdp]") {
  auto navigated = All<FrameNavigated>(PageLoad());
  REQUIRE_FALSE(navigated.empty());
  CHECK(EndsWith(navigated[0].url, "/index.html#top"));
  CHECK(navigated[0].parent_id.empty());
  CHECK(All<LoadEventFired>(PageLoad()).at(0).timestamp > 0);

  auto dialogs = All<JavascriptDialogOpening>(PageLoad());
  REQUIRE(dialogs.size() == 1);
  CHECK(dialogs[0].message == "hello");
  CHECK(dialogs[0].type == "alert");

  auto bindings = All<BindingCalled>(PageLoad());
  REQUIRE_FALSE(bindings.empty());
  CHECK(bindings[0].name == "report");
  CHECK(bindings[0].payload == "posted");
  CHECK(bindings[0].execution_context_id > 0);

  auto attached = All<AttachedToTarget>(PageLoad());
  REQUIRE(attached.size() == 2);
  CHECK(attached[0].target_info.type == "page");  // Target.attachToTarget
  CHECK_FALSE(attached[0].waiting_for_debugger);
  const AttachedToTarget& frame = attached[1];     // auto-attached cross-site iframe
  CHECK(frame.target_info.type == "iframe");
  CHECK(frame.waiting_for_debugger);
  CHECK_FALSE(frame.session_id.empty());
  CHECK(frame.target_info.url.empty());  // not navigated yet when attached
  CHECK_FALSE(frame.target_info.browser_context_id.empty());
  CHECK_FALSE(All<DetachedFromTarget>(PageLoad()).empty());
  CHECK_FALSE(All<TargetInfoChanged>(PageLoad()).empty());
}

TEST_CASE("command results from the transcript", "[cdp]") {
  auto version = DecodeBrowserGetVersion(ResultWith("\"product\""));
  REQUIRE(version.ok());
  CHECK(version->product.rfind("Chrome/156", 0) == 0);
  CHECK(version->protocol_version == "1.3");
  CHECK(version->user_agent.find("HeadlessChrome") != std::string::npos);

  CHECK(DecodeCreateBrowserContext(ResultWith("browserContextId")).ok());
  CHECK(DecodeCreateTarget(ResultWith("\"targetId\"")).ok());

  auto post = DecodeGetRequestPostData(ResultWith("\"postData\""));
  REQUIRE(post.ok());
  CHECK(post->data == "hello=world");
  CHECK_FALSE(post->base64_encoded);

  auto cookies = DecodeGetCookies(ResultWith("\"cookies\""));
  REQUIRE(cookies.ok());
  REQUIRE(cookies->size() == 2);
  CHECK((*cookies)[0].name == "session");

  auto value = DecodeEvaluate(ResultWith("\"two\""));
  REQUIRE(value.ok());
  CHECK(value->value_json == R"({"a":[1,"two"],"b":null})");
  CHECK(value->exception_text.empty());
  auto thrown = DecodeEvaluate(ResultWith("exceptionDetails"));
  REQUIRE(thrown.ok());
  CHECK(thrown->exception_text.rfind("Error: boom", 0) == 0);

  auto navigate = DecodeNavigate(ResultWith("errorText"));
  REQUIRE(navigate.ok());
  CHECK(navigate->error_text.rfind("net::ERR_", 0) == 0);
  CHECK_FALSE(navigate->frame_id.empty());
}

TEST_CASE("missing required fields and malformed JSON are kDecode", "[cdp]") {
  auto missing = DecodeEvent("Network.loadingFinished", R"({"timestamp":1})");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kDecode);
  CHECK(missing.status().message() == "Network.loadingFinished: missing requestId");
  CHECK(DecodeEvent("Network.loadingFinished", R"({"requestId":"R1",)").status().code() == Code::kDecode);
  CHECK(DecodeEvent("Network.loadingFinished", R"({"requestId":5})").status().code() == Code::kDecode);
  CHECK(DecodeEvent("Page.frameNavigated", R"({"frame":{"url":"x"}})").status().code() == Code::kDecode);
  CHECK(DecodeEvent("Target.attachedToTarget", R"({"sessionId":"S"})").status().code() == Code::kDecode);
  CHECK(DecodeEvent("Made.up", "{}").status().code() == Code::kDecode);
  CHECK_FALSE(IsKnownEvent("Made.up"));
  CHECK(DecodeCreateTarget("{}").status().code() == Code::kDecode);
  CHECK(DecodeBrowserGetVersion("[").status().code() == Code::kDecode);
}

// Chromium writes UTF-16 code units as \uXXXX escapes, so a lone surrogate
// that a page put in a string (here the sourceURL of an eval'd script that
// fetches, and the URL) reaches us as "\ud800", which simdjson rejects. The
// request must still be recorded: the surrogate becomes U+FFFD.
TEST_CASE("a lone surrogate in a URL or a sourceURL decodes, as U+FFFD", "[cdp]") {
  const std::string params =
      R"({"requestId":"9798.7","loaderId":"C010F03EF9AC7E43D1F6042E1C33F05B",)"
      R"("documentURL":"http://www.clinic.test/surrogate.html",)"
      R"("request":{"url":"https://tracker.test/px?src=lone\ud800","method":"GET",)"
      R"("headers":{"Referer":"http://www.clinic.test/","User-Agent":"Mozilla/5.0 HeadlessChrome/156.0.0.0"},)"
      R"("mixedContentType":"none","initialPriority":"High","referrerPolicy":"strict-origin-when-cross-origin",)"
      R"("isSameSite":false},"timestamp":1053.59598,"wallTime":1795914342.855368,)"
      R"("initiator":{"type":"script","stack":{"callFrames":[{"functionName":"","scriptId":"7",)"
      R"("url":"https://cdn.test/lone\ud800.js","lineNumber":0,"columnNumber":0},)"
      R"({"functionName":"","scriptId":"3","url":"http://www.clinic.test/surrogate.html","lineNumber":9,)"
      R"("columnNumber":1}]}},"redirectHasExtraInfo":false,"type":"Fetch",)"
      R"("frameId":"65370649A498A8A9DA5D9E2ACB6A41AA","hasUserGesture":false})";
  auto e = DecodeEvent("Network.requestWillBeSent", params);
  INFO(e.status().ToString());
  REQUIRE(e.ok());
  const auto& r = std::get<RequestWillBeSent>(*e);
  CHECK(r.request_id == "9798.7");
  CHECK(r.request.url == "https://tracker.test/px?src=lone\xEF\xBF\xBD");
  CHECK(r.initiator.stack_urls ==
        std::vector<std::string>{"https://cdn.test/lone\xEF\xBF\xBD.js", "http://www.clinic.test/surrogate.html"});
  CHECK(r.request.headers.size() == 2);  // decoded once, not appended to by a first, failed pass

  // A proper pair stays what it is; a lone low surrogate is repaired too.
  auto pair = DecodeEvent("Page.frameNavigated", R"({"frame":{"id":"F","url":"http://a.test/\ud83d\ude00\udc00"}})");
  REQUIRE(pair.ok());
  CHECK(std::get<FrameNavigated>(*pair).url == "http://a.test/\xF0\x9F\x98\x80\xEF\xBF\xBD");
  // Command results too (a cookie value a page wrote).
  auto cookies = DecodeGetCookies(R"({"cookies":[{"name":"n\ud800","value":"v","domain":"a.test","path":"/"}]})");
  REQUIRE(cookies.ok());
  REQUIRE(cookies->size() == 1);
  CHECK(cookies->at(0).name == "n\xEF\xBF\xBD");
  // A string a page made, as Runtime.evaluate returns it (document.title).
  auto title = DecodeEvaluate(R"({"result":{"type":"string","value":"Lone \ud800 title"}})");
  REQUIRE(title.ok());
  REQUIRE(title->string_value.has_value());
  CHECK(*title->string_value == "Lone \xEF\xBF\xBD title");
  // Malformed JSON is still kDecode.
  CHECK(DecodeEvent("Network.loadingFinished", R"({"requestId":"R\ud800",)").status().code() == Code::kDecode);
}

TEST_CASE("optional fields may be missing or null", "[cdp]") {
  auto e = DecodeEvent("Network.requestWillBeSent",
                       R"({"requestId":"R1","redirectResponse":null,"request":{"url":"u","postData":null}})");
  REQUIRE(e.ok());
  const auto& r = std::get<RequestWillBeSent>(*e);
  CHECK(r.request.url == "u");
  CHECK_FALSE(r.request.post_data.has_value());
  CHECK_FALSE(r.redirect_response.has_value());
  CHECK(r.initiator.stack_urls.empty());
}

TEST_CASE("partition keys as objects or plain strings, non-string header values", "[cdp]") {
  auto cookies = DecodeGetCookies(
      R"({"cookies":[{"name":"a","partitionKey":"https://top.test"},)"
      R"({"name":"b","partitionKey":{"hasCrossSiteAncestor":true,"topLevelSite":"https://x.test"}}]})");
  REQUIRE(cookies.ok());
  CHECK((*cookies)[0].partition_key == "https://top.test");
  CHECK_FALSE((*cookies)[0].partition_cross_site_ancestor);
  CHECK((*cookies)[1].partition_key == "https://x.test");
  CHECK((*cookies)[1].partition_cross_site_ancestor);

  auto e = DecodeEvent("Network.responseReceivedExtraInfo",
                       R"({"requestId":"R","cookiePartitionKey":"https://s.test","headers":{"X-N":5,"B":"v"}})");
  REQUIRE(e.ok());
  const auto& info = std::get<ResponseReceivedExtraInfo>(*e);
  CHECK(info.cookie_partition_key == "https://s.test");
  CHECK(info.headers == Headers{{"X-N", "5"}, {"B", "v"}});
}

TEST_CASE("initiator stack URLs: every parent, deduplicated, empty ones skipped", "[cdp]") {
  auto e = DecodeEvent("Network.webSocketCreated", R"({"requestId":"W","url":"ws://a/","initiator":{
      "type":"script","stack":{"callFrames":[{"url":"https://a/1.js"},{"url":""},{"url":"https://a/2.js"}],
      "parent":{"callFrames":[{"url":"https://a/1.js"}],"parent":{"callFrames":[{"url":"https://b/3.js"}]}}}}})");
  REQUIRE(e.ok());
  CHECK(std::get<WebSocketCreated>(*e).initiator.stack_urls ==
        std::vector<std::string>{"https://a/1.js", "https://a/2.js", "https://b/3.js"});
}

TEST_CASE("events absent from the transcript decode from the protocol's shape", "[cdp]") {
  auto crashed = DecodeEvent("Target.targetCrashed", R"({"targetId":"T","status":"crashed","errorCode":139})");
  REQUIRE(crashed.ok());
  CHECK(std::get<TargetCrashed>(*crashed).error_code == 139);
  auto open = DecodeEvent("Page.windowOpen",
                          R"({"url":"https://p/","windowName":"w","windowFeatures":["a=1"],"userGesture":true})");
  REQUIRE(open.ok());
  CHECK(std::get<WindowOpen>(*open).window_features == std::vector<std::string>{"a=1"});
  CHECK(std::get<WindowOpen>(*open).user_gesture);
  auto download = DecodeEvent("Browser.downloadWillBegin",
                              R"({"frameId":"F","guid":"G","url":"https://d/f.zip","suggestedFilename":"f.zip"})");
  REQUIRE(download.ok());
  CHECK(std::get<DownloadWillBegin>(*download).suggested_filename == "f.zip");
  auto undefined = DecodeEvaluate(R"({"result":{"type":"number","unserializableValue":"NaN"}})");
  REQUIRE(undefined.ok());
  CHECK(undefined->value_json == "NaN");
  auto escaped = DecodeEvaluate(R"({"result":{"type":"string","value":"a\"b"}})");
  REQUIRE(escaped.ok());
  CHECK(escaped->value_json == R"("a\"b")");
  CHECK(escaped->string_value == std::optional<std::string>("a\"b"));
}

}  // namespace
}  // namespace cdp::protocol
