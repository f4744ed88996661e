#include "worker/instrument/fingerprint_rules.h"

#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "worker/normalize/registrable_domain.h"
#include "common/url.h"

namespace worker {
namespace {

constexpr int kMinCanvasSide = 16;
constexpr size_t kMinTextChars = 10, kMinTextColors = 2;
constexpr int64_t kMinFontMeasures = 50;
constexpr size_t kMinFonts = 50, kMinWebglParameters = 10;
constexpr const char* kUnmaskedVendor = "37445";    // WEBGL_debug_renderer_info.UNMASKED_VENDOR_WEBGL
constexpr const char* kUnmaskedRenderer = "37446";  // ... .UNMASKED_RENDERER_WEBGL

// "CanvasRenderingContext2D.fillText" -> ("CanvasRenderingContext2D", "fillText").
std::pair<std::string, std::string> Split(const std::string& api) {
  auto dot = api.rfind('.');
  if (dot == std::string::npos) return {"", api};
  return {api.substr(0, dot), api.substr(dot + 1)};
}

bool IsContext2d(const std::string& iface) {
  return iface == "CanvasRenderingContext2D" || iface == "OffscreenCanvasRenderingContext2D";
}
bool IsWebgl(const std::string& iface) {
  return iface == "WebGLRenderingContext" || iface == "WebGL2RenderingContext";
}

int Int(const std::vector<std::string>& args, size_t i) {
  if (i >= args.size()) return 0;
  double v = 0;
  const std::string& s = args[i];
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return 0;
  return v > 1e9 || v < -1e9 ? 0 : static_cast<int>(v);
}

std::string Arg(const std::vector<std::string>& args, size_t i) { return i < args.size() ? args[i] : ""; }

// UTF-8 code points of `text` into `chars` (a malformed byte counts as one).
void AddCodePoints(const std::string& text, std::set<std::string>* chars) {
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
    chars->insert(text.substr(i, n));
    i += n;
  }
}

std::string Size(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// What one script did in one frame, gathered for the rules.
struct Use {
  std::set<std::string> text_chars, text_colors;
  std::vector<std::string> texts;  // the first few, for evidence
  std::vector<std::string> extractions;
  std::vector<std::string> interactive;  // save / restore / canvas listeners
  int64_t measures = 0;
  std::set<std::string> fonts;
  std::set<std::string> webgl_unmasked, webgl_parameters;
  bool webgl_drew = false, webgl_enumerated = false;
  std::vector<std::string> webgl_reads;
  std::set<std::string> audio;  // methods seen on an OfflineAudioContext path
};

void Gather(const ApiCallRecord& c, Use& u) {
  auto [iface, method] = Split(c.api);
  const auto& a = c.args;
  if (IsContext2d(iface)) {
    if (method == "fillText" || method == "strokeText") {
      AddCodePoints(Arg(a, 0), &u.text_chars);
      u.text_colors.insert(Arg(a, 1));
      if (u.texts.size() < 3) u.texts.push_back(method + " '" + Arg(a, 0) + "' in " + Arg(a, 1));
    } else if (method == "save" || method == "restore") {
      u.interactive.push_back(method);
    } else if (method == "measureText") {
      u.measures += c.count;
      u.fonts.insert(Arg(a, 0));
    } else if (method == "getImageData") {
      int w = Int(a, 2), h = Int(a, 3), cw = Int(a, 4), ch = Int(a, 5);
      if (w >= kMinCanvasSide && h >= kMinCanvasSide && cw >= kMinCanvasSide && ch >= kMinCanvasSide) {
        u.extractions.push_back("getImageData " + Size(w, h) + " of a " + Size(cw, ch) + " canvas");
      }
    }
  } else if (method == "toDataURL" || method == "toBlob" || method == "convertToBlob") {
    std::string type = Arg(a, 0);
    int w = Int(a, 1), h = Int(a, 2);
    bool lossy = type == "image/jpeg" || type == "image/webp";
    if (!lossy && w >= kMinCanvasSide && h >= kMinCanvasSide) {
      u.extractions.push_back(method + " " + type + " of a " + Size(w, h) + " canvas");
    }
  } else if (c.api == "HTMLCanvasElement.addEventListener") {
    u.interactive.push_back("addEventListener('" + Arg(a, 0) + "') on a canvas");
  } else if (IsWebgl(iface)) {
    if (method == "getParameter") {
      std::string pname = Arg(a, 0);
      u.webgl_parameters.insert(pname);
      if (pname == kUnmaskedVendor) u.webgl_unmasked.insert("getParameter(UNMASKED_VENDOR_WEBGL)");
      if (pname == kUnmaskedRenderer) u.webgl_unmasked.insert("getParameter(UNMASKED_RENDERER_WEBGL)");
    } else if (method == "drawArrays" || method == "drawElements") {
      u.webgl_drew = true;
    } else if (method == "getSupportedExtensions") {
      u.webgl_enumerated = true;
    } else if (method == "readPixels" && Int(a, 0) >= kMinCanvasSide && Int(a, 1) >= kMinCanvasSide) {
      u.webgl_reads.push_back("readPixels " + Size(Int(a, 0), Int(a, 1)));
    }
  } else if (iface == "OfflineAudioContext" || c.api == "AudioBuffer.getChannelData") {
    u.audio.insert(c.api);
  }
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

void Judge(const Use& u, std::vector<std::pair<std::string, std::vector<std::string>>>* found) {
  bool text = u.text_chars.size() >= kMinTextChars || u.text_colors.size() >= kMinTextColors;
  if (text && !u.extractions.empty() && u.interactive.empty()) {
    std::vector<std::string> ev = u.texts;
    ev.push_back(std::to_string(u.text_chars.size()) + " distinct characters in " +
                 std::to_string(u.text_colors.size()) + " color(s)");
    ev.insert(ev.end(), u.extractions.begin(), u.extractions.end());
    found->push_back({"canvas", ev});
  }
  if (u.measures >= kMinFontMeasures && u.fonts.size() >= kMinFonts) {
    found->push_back({"canvas_font", {"measureText " + std::to_string(u.measures) + " calls with " +
                                      std::to_string(u.fonts.size()) + " distinct fonts"}});
  }
  bool enumerated = u.webgl_enumerated || u.webgl_parameters.size() >= kMinWebglParameters;
  if (!u.webgl_unmasked.empty() || (u.webgl_drew && enumerated && !u.webgl_reads.empty())) {
    std::vector<std::string> ev(u.webgl_unmasked.begin(), u.webgl_unmasked.end());
    if (u.webgl_drew && enumerated) ev.insert(ev.end(), u.webgl_reads.begin(), u.webgl_reads.end());
    found->push_back({"webgl", ev});
  }
  auto has = [&](const char* api) { return u.audio.count(api) > 0; };
  bool compressor = has("OfflineAudioContext.createDynamicsCompressor") || has("OfflineAudioContext.createAnalyser");
  bool read = has("OfflineAudioContext.startRendering") || has("AudioBuffer.getChannelData");
  if (has("OfflineAudioContext.createOscillator") && compressor && read) {
    found->push_back({"audio", {Join(std::vector<std::string>(u.audio.begin(), u.audio.end()), ", ")}});
  }
}

}  // namespace

std::vector<FingerprintRecord> DetectFingerprinting(const std::vector<ApiCallRecord>& calls,
                                                    const std::string& site) {
  std::map<std::pair<std::string, std::string>, Use> uses;  // (script, frame)
  for (const auto& c : calls) {
    if (!c.script_url.empty()) Gather(c, uses[{c.script_url, c.frame_url}]);
  }
  std::vector<FingerprintRecord> records;
  for (const auto& [key, use] : uses) {
    std::vector<std::pair<std::string, std::vector<std::string>>> found;
    Judge(use, &found);
    for (auto& [technique, evidence] : found) {
      FingerprintRecord r;
      r.technique = technique;
      r.script_url = key.first;
      r.script_domain = normalize::RegistrableDomain(common::HostOf(key.first));
      r.third_party = normalize::IsThirdParty(key.first, site);
      r.frame_url = key.second;
      r.evidence = std::move(evidence);
      records.push_back(std::move(r));
    }
  }
  return records;
}

}  // namespace worker
