#include "worker/instrument/fingerprint_rules.h"

#include <catch2/catch.hpp>

#include "worker/record/record_json.h"

namespace worker {
namespace {

const std::string kSite = "fp.test";
const std::string kFrame = "https://www.fp.test/";
const std::string kFp = "https://cdn.fpjs.test/fp.js";
const std::string kChart = "https://www.fp.test/chart.js";

ApiCallRecord Call(std::string api, std::string script, std::vector<std::string> args, int64_t count = 1) {
  return ApiCallRecord{std::move(api), std::move(script), kFrame, count, std::move(args), 0};
}

// The classic canvas fingerprint: a pangram in two colours, read as PNG.
std::vector<ApiCallRecord> CanvasFingerprint(const std::string& script) {
  return {Call("CanvasRenderingContext2D.fillStyle", script, {"#f60"}),
          Call("CanvasRenderingContext2D.fillText", script, {"Cwm fjordbank glyphs vext quiz", "#f60"}),
          Call("CanvasRenderingContext2D.fillText", script, {"Cwm fjordbank glyphs vext quiz", "rgba(102, 204, 0, 0.7)"}),
          Call("HTMLCanvasElement.toDataURL", script, {"image/png", "240", "60"})};
}

std::vector<std::string> Techniques(const std::vector<FingerprintRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.technique + " " + r.script_url);
  return out;
}

TEST_CASE("canvas fingerprinting by the Englehardt-Narayanan rules", "[fingerprint]") {
  auto records = DetectFingerprinting(CanvasFingerprint(kFp), kSite);
  REQUIRE(records.size() == 1);
  const FingerprintRecord& r = records[0];
  CHECK(r.technique == "canvas");
  CHECK(r.script_url == kFp);
  CHECK(r.script_domain == "fpjs.test");
  CHECK(r.third_party);
  CHECK(r.frame_url == kFrame);
  CHECK(r.evidence == std::vector<std::string>{
      "fillText 'Cwm fjordbank glyphs vext quiz' in #f60",
      "fillText 'Cwm fjordbank glyphs vext quiz' in rgba(102, 204, 0, 0.7)",
      "27 distinct characters in 2 color(s)", "toDataURL image/png of a 240x60 canvas"});
}

TEST_CASE("a chart read back with three characters is no canvas fingerprint", "[fingerprint]") {
  std::vector<ApiCallRecord> chart = {
      Call("CanvasRenderingContext2D.fillStyle", kChart, {"#36c"}, 12),
      Call("CanvasRenderingContext2D.fillStyle", kChart, {"#dc3912"}, 12),
      Call("CanvasRenderingContext2D.fillText", kChart, {"0", "#333"}),
      Call("CanvasRenderingContext2D.fillText", kChart, {"50", "#333"}),
      Call("CanvasRenderingContext2D.fillText", kChart, {"100", "#333"}),
      Call("HTMLCanvasElement.toDataURL", kChart, {"image/png", "400", "300"})};
  CHECK(DetectFingerprinting(chart, kSite).empty());
}

TEST_CASE("each canvas exclusion holds on its own", "[fingerprint]") {
  auto with = [](std::vector<ApiCallRecord> extra, bool replace_read) {
    auto calls = CanvasFingerprint(kFp);
    if (replace_read) calls.pop_back();
    calls.insert(calls.end(), extra.begin(), extra.end());
    return DetectFingerprinting(calls, kSite).size();
  };
  CHECK(with({Call("CanvasRenderingContext2D.save", kFp, {})}, false) == 0);
  CHECK(with({Call("CanvasRenderingContext2D.restore", kFp, {})}, false) == 0);
  CHECK(with({Call("HTMLCanvasElement.addEventListener", kFp, {"click"})}, false) == 0);
  CHECK(with({Call("HTMLCanvasElement.toDataURL", kFp, {"image/jpeg", "240", "60"})}, true) == 0);
  CHECK(with({Call("HTMLCanvasElement.toDataURL", kFp, {"image/webp", "240", "60"})}, true) == 0);
  CHECK(with({Call("HTMLCanvasElement.toDataURL", kFp, {"image/png", "15", "60"})}, true) == 0);
  CHECK(with({Call("CanvasRenderingContext2D.getImageData", kFp, {"0", "0", "15", "16", "240", "60"})}, true) == 0);
  CHECK(with({Call("CanvasRenderingContext2D.getImageData", kFp, {"0", "0", "16", "16", "240", "60"})}, true) == 1);
  CHECK(with({Call("OffscreenCanvas.convertToBlob", kFp, {"image/png", "16", "16"})}, true) == 1);
  // save/restore by another script (a chart library on the same page) does not excuse this one
  CHECK(with({Call("CanvasRenderingContext2D.save", kChart, {})}, false) == 1);
}

TEST_CASE("ten distinct characters in one colour suffice, nine do not", "[fingerprint]") {
  auto calls = [](const std::string& text) {
    return std::vector<ApiCallRecord>{Call("CanvasRenderingContext2D.fillText", kFp, {text, "#000"}),
                                      Call("HTMLCanvasElement.toBlob", kFp, {"image/png", "100", "20"})};
  };
  CHECK(DetectFingerprinting(calls("0123456789"), kSite).size() == 1);
  CHECK(DetectFingerprinting(calls("012345678888"), kSite).empty());
  // 9 code points in 10 distinct bytes: characters are counted, not bytes
  CHECK(DetectFingerprinting(calls("\xC3\xA9\xC3\xA8\xC3\xAA" "abcdef"), kSite).empty());
}

TEST_CASE("canvas font fingerprinting needs 50 measures of 50 fonts by one script", "[fingerprint]") {
  std::vector<ApiCallRecord> calls;
  for (int i = 0; i < 50; ++i) calls.push_back(Call("CanvasRenderingContext2D.measureText", kFp, {"72px Font" + std::to_string(i)}));
  auto records = DetectFingerprinting(calls, kSite);
  REQUIRE(records.size() == 1);
  CHECK(records[0].technique == "canvas_font");
  CHECK(records[0].evidence == std::vector<std::string>{"measureText 50 calls with 50 distinct fonts"});
  calls.pop_back();
  calls.push_back(Call("CanvasRenderingContext2D.measureText", kFp, {"72px Font0"}, 100));
  CHECK(DetectFingerprinting(calls, kSite).empty());  // 149 calls, 49 fonts
}

TEST_CASE("WebGL fingerprinting: unmasked vendor or renderer, or an enumerated render read back", "[fingerprint]") {
  auto records = DetectFingerprinting({Call("WebGLRenderingContext.getExtension", kFp, {"WEBGL_debug_renderer_info"}),
                                       Call("WebGLRenderingContext.getParameter", kFp, {"37445"}),
                                       Call("WebGLRenderingContext.getParameter", kFp, {"37446"})}, kSite);
  REQUIRE(records.size() == 1);
  CHECK(records[0].technique == "webgl");
  CHECK(records[0].evidence == std::vector<std::string>{"getParameter(UNMASKED_RENDERER_WEBGL)",
                                                        "getParameter(UNMASKED_VENDOR_WEBGL)"});
  std::vector<ApiCallRecord> render = {Call("WebGL2RenderingContext.drawArrays", kFp, {}),
                                       Call("WebGL2RenderingContext.getSupportedExtensions", kFp, {}),
                                       Call("WebGL2RenderingContext.readPixels", kFp, {"256", "128"})};
  records = DetectFingerprinting(render, kSite);
  REQUIRE(records.size() == 1);
  CHECK(records[0].evidence == std::vector<std::string>{"readPixels 256x128"});
  render[1] = Call("WebGL2RenderingContext.getParameter", kFp, {"7936"});  // VENDOR only: a game, not enumeration
  CHECK(DetectFingerprinting(render, kSite).empty());
  CHECK(DetectFingerprinting({Call("WebGLRenderingContext.drawElements", kFp, {}),
                              Call("WebGLRenderingContext.getSupportedExtensions", kFp, {}),
                              Call("WebGLRenderingContext.readPixels", kFp, {"1", "1"})}, kSite).empty());  // picking
}

TEST_CASE("audio fingerprinting needs oscillator, compressor or analyser, and a read", "[fingerprint]") {
  std::vector<ApiCallRecord> audio = {Call("OfflineAudioContext.constructor", kFp, {}),
                                      Call("OfflineAudioContext.createOscillator", kFp, {}),
                                      Call("OfflineAudioContext.createDynamicsCompressor", kFp, {}),
                                      Call("OfflineAudioContext.startRendering", kFp, {}),
                                      Call("AudioBuffer.getChannelData", kFp, {"0"})};
  auto records = DetectFingerprinting(audio, kSite);
  REQUIRE(Techniques(records) == std::vector<std::string>{"audio " + kFp});
  CHECK(records[0].evidence == std::vector<std::string>{
      "AudioBuffer.getChannelData, OfflineAudioContext.constructor, OfflineAudioContext.createDynamicsCompressor, "
      "OfflineAudioContext.createOscillator, OfflineAudioContext.startRendering"});
  // A synthesizer on a live AudioContext is not a fingerprint.
  CHECK(DetectFingerprinting({Call("AudioContext.createOscillator", kFp, {}),
                              Call("AudioContext.createDynamicsCompressor", kFp, {}),
                              Call("AudioBuffer.getChannelData", kFp, {"0"})}, kSite).empty());
  audio.erase(audio.begin() + 2);
  CHECK(DetectFingerprinting(audio, kSite).empty());
}

TEST_CASE("calls are judged per script and frame, and unattributed calls never count", "[fingerprint]") {
  auto calls = CanvasFingerprint("");
  CHECK(DetectFingerprinting(calls, kSite).empty());
  calls = CanvasFingerprint(kFp);
  calls.back().frame_url = "https://www.fp.test/other";  // text drawn in one frame, read in another
  CHECK(DetectFingerprinting(calls, kSite).empty());
  auto first_party = DetectFingerprinting(CanvasFingerprint(kChart), kSite);
  REQUIRE(first_party.size() == 1);
  CHECK(!first_party[0].third_party);
  CHECK(first_party[0].script_domain == "fp.test");
}

RequestRecord Request(std::string id, std::string url, std::string type = "XHR") {
  RequestRecord r;
  r.request_id = std::move(id);
  r.url = std::move(url);
  r.method = "GET";
  r.resource_type = std::move(type);
  return r;
}

TEST_CASE("session recorder vendors by endpoint", "[fingerprint][session_recorder]") {
  CHECK(SessionRecorderVendor("https://y.clarity.ms/collect") == "Microsoft Clarity");
  CHECK(SessionRecorderVendor("https://www.clarity.ms/tag/abc") == "Microsoft Clarity");
  CHECK(SessionRecorderVendor("https://notclarity.ms/") == "");
  CHECK(SessionRecorderVendor("https://c.contentsquare.net/pageview") == "Contentsquare");
  CHECK(SessionRecorderVendor("https://heapanalytics.com/h?a=1") == "Heap");
  CHECK(SessionRecorderVendor("https://mc.yandex.ru/webvisor/123") == "Yandex Metrica webvisor");
  CHECK(SessionRecorderVendor("https://mc.yandex.ru/watch/123") == "");
  CHECK(SessionRecorderVendor("https://report.eu.gbqofs.com/x") == "Glassbox");
  CHECK(SessionRecorderVendor("not a url") == "");

  auto records = DetectSessionRecorders({}, {Request("1", "https://www.fp.test/"),
                                             Request("2", "https://www.clarity.ms/tag/abc", "Script"),
                                             Request("3", "https://y.clarity.ms/collect", "Fetch"),
                                             Request("4", "https://static.hotjar.com/c/hotjar-1.js", "Script")},
                                         kSite);
  REQUIRE(records.size() == 2);
  CHECK(records[0].vendor == "Microsoft Clarity");
  CHECK(records[0].detected_by == "endpoint");
  CHECK(records[0].script_url == "https://www.clarity.ms/tag/abc");
  CHECK(records[0].request_ids == std::vector<std::string>{"2", "3"});
  CHECK(records[1].vendor == "Hotjar");
  CHECK(records[1].request_ids == std::vector<std::string>{"4"});
}

std::vector<ApiCallRecord> Recording(const std::string& script) {
  return {Call("MutationObserver.observe", script, {"document", "true"}),
          Call("EventTarget.addEventListener", script, {"mousemove", "document"}),
          Call("EventTarget.addEventListener", script, {"keydown", "window"}),
          Call("HTMLInputElement.value", script, {"email"}, 3)};
}

TEST_CASE("session recorders by behaviour, joined with their vendor", "[fingerprint][session_recorder]") {
  auto records = DetectSessionRecorders(Recording("https://rec.replay3p.test/r.js"), {}, kSite);
  REQUIRE(records.size() == 1);
  CHECK(records[0].vendor == "unknown");
  CHECK(records[0].detected_by == "behaviour");
  CHECK(records[0].script_url == "https://rec.replay3p.test/r.js");
  CHECK(records[0].request_ids.empty());
  CHECK(records[0].evidence == std::vector<std::string>{"MutationObserver.observe with subtree on the document",
                                                        "listens to keydown,mousemove", "reads input values 3 times"});

  records = DetectSessionRecorders(Recording("https://www.clarity.ms/s/0.7/clarity.js"),
                                   {Request("7", "https://y.clarity.ms/collect", "Fetch")}, kSite);
  REQUIRE(records.size() == 1);
  CHECK(records[0].detected_by == "both");
  CHECK(records[0].script_url == "https://www.clarity.ms/s/0.7/clarity.js");
  CHECK(records[0].request_ids == std::vector<std::string>{"7"});
}

TEST_CASE("no recorder without both halves of the behaviour, nor for first-party scripts", "[fingerprint][session_recorder]") {
  auto calls = Recording("https://rec.replay3p.test/r.js");
  CHECK(DetectSessionRecorders(calls, {}, "replay3p.test").empty());  // the site's own script
  auto no_subtree = calls;
  no_subtree[0].args = {"document", "false"};
  CHECK(DetectSessionRecorders(no_subtree, {}, kSite).empty());
  auto element = calls;
  element[0].args = {"element", "true"};
  CHECK(DetectSessionRecorders(element, {}, kSite).empty());
  auto no_listeners = std::vector<ApiCallRecord>{calls[0], calls[3]};
  CHECK(DetectSessionRecorders(no_listeners, {}, kSite).empty());
}

TEST_CASE("fingerprint and session_recorder records serialize like the others", "[fingerprint]") {
  FingerprintRecord f{"v-1", "webgl", kFp, "fpjs.test", true, kFrame, {"getParameter(UNMASKED_VENDOR_WEBGL)"}};
  CHECK(ToJson(f) ==
        R"j({"type":"fingerprint","schema_version":1,"visit_id":"v-1","technique":"webgl",)j"
        R"j("script_url":"https://cdn.fpjs.test/fp.js","script_domain":"fpjs.test","third_party":true,)j"
        R"j("frame_url":"https://www.fp.test/","evidence":["getParameter(UNMASKED_VENDOR_WEBGL)"]})j");
  SessionRecorderRecord s{"v-1", "Heap", "endpoint", std::nullopt, {"12.1"}, {}};
  CHECK(ToJson(s) ==
        R"j({"type":"session_recorder","schema_version":1,"visit_id":"v-1","vendor":"Heap",)j"
        R"j("detected_by":"endpoint","script_url":null,"request_ids":["12.1"],"evidence":[]})j");
}

}  // namespace
}  // namespace worker
