#include "worker/interact/autoconsent.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace worker::interact {
namespace {

// The bundle's first message (init) comes while it is being constructed,
// before Chromium has installed the binding in the new document: messages
// wait in a queue until the binding is there. `report` messages come at
// every state change with the whole state; only lifecycle changes are sent.
constexpr const char* kWrapper = R"JS((() => {
  if (window.autoconsentSendMessage) return;
  const name = "@BINDING@";
  const now = Date.now.bind(Date), stringify = JSON.stringify;
  const top = window.top === window;
  const config = @CONFIG@;
  const rules = JSON.parse(@RULES@);
  let binding = null, queue = [], tries = 0, scheduled = false, lifecycle = "";
  const flush = () => {
    scheduled = false;
    if (!binding && typeof globalThis[name] === "function") {
      binding = globalThis[name];
      try { delete globalThis[name]; } catch (e) {}
    }
    if (!binding) {
      if (tries++ < 200) { scheduled = true; setTimeout(flush, 10); }
      return;
    }
    while (queue.length) binding(queue.shift());
  };
  const forward = (msg) => {
    queue.push(stringify({ top, url: location.href, time: now() / 1000, msg }));
    if (!scheduled) flush();
  };
  window.autoconsentSendMessage = (msg) => {
    if (!msg || typeof msg !== "object") return Promise.resolve();
    if (msg.type === "init") {
      Promise.resolve().then(() => window.autoconsentReceiveMessage &&
          window.autoconsentReceiveMessage({ type: "initResp", config, rules }));
      forward({ type: "init", url: msg.url });
    } else if (msg.type === "report") {
      const state = msg.state && msg.state.lifecycle;
      if (state && state !== lifecycle) forward({ type: "report", lifecycle: (lifecycle = state) });
    } else if (msg.type === "autoconsentError") {
      forward({ type: msg.type, details: stringify(msg.details).slice(0, 500) });
    } else {
      forward(msg);
    }
    return Promise.resolve();
  };
})();
)JS";

std::string JsString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ConfigJson(ConsentMode mode) {
  std::string action = mode == ConsentMode::kAccept ? "optIn" : "optOut";
  return R"({"enabled":true,"autoAction":")" + action +
         R"(","disabledCmps":[],"enablePrehide":true,"enableCosmeticRules":true,"enableGeneratedRules":true,)"
         R"("detectRetries":10,"isMainWorld":true,"logs":{"lifecycle":false,"rulesteps":false,)"
         R"("detectionsteps":false,"evals":false,"errors":false,"messages":false,"waits":false}})";
}

void ReplaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

common::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return common::Status::Unavailable("cannot read " + path + " (is @duckduckgo/autoconsent installed?)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsTerminal(const std::string& lifecycle) {
  return lifecycle == "nothingDetected" || lifecycle == "done" || lifecycle == "optOutSucceeded" ||
         lifecycle == "optOutFailed" || lifecycle == "optInSucceeded" || lifecycle == "optInFailed";
}

}  // namespace

std::string AutoconsentSource(std::string_view binding, ConsentMode mode, std::string_view bundle_js,
                              std::string_view rules_json) {
  std::string wrapper = kWrapper;
  ReplaceAll(wrapper, "@BINDING@", std::string(binding));
  ReplaceAll(wrapper, "@CONFIG@", ConfigJson(mode));
  // The rules last: their text may contain anything, even "@BINDING@".
  ReplaceAll(wrapper, "@RULES@", JsString(rules_json));
  return wrapper + std::string(bundle_js);
}

common::Result<std::string> LoadAutoconsentSource(const std::string& dir, std::string_view binding,
                                                  ConsentMode mode) {
  auto bundle = ReadFile(dir + "/dist/autoconsent.playwright.js");
  if (!bundle.ok()) return bundle.status();
  auto rules = ReadFile(dir + "/rules/rules.json");
  if (!rules.ok()) return rules.status();
  return AutoconsentSource(binding, mode, bundle.value(), rules.value());
}

// The ladder of autoconsent's messages, one frame at a time. A failed result
// is kept even when autoconsentDone follows.
bool ConsentTracker::OnMessage(const std::string& frame_key, std::string_view payload) {
  simdjson::dom::parser parser;
  simdjson::dom::object root, msg;
  if (parser.parse(payload.data(), payload.size()).get_object().get(root) != simdjson::SUCCESS) return false;
  if (root["msg"].get_object().get(msg) != simdjson::SUCCESS) return false;
  std::string_view type, text;
  if (msg["type"].get_string().get(type) != simdjson::SUCCESS) return false;
  bool top = false;
  std::string_view url;
  if (root["top"].get_bool().get(top) != simdjson::SUCCESS) top = false;
  if (root["url"].get_string().get(url) != simdjson::SUCCESS) url = {};
  // The page before navigation (a prepared about:blank) is no visit's page.
  if (top && url == "about:blank") return true;
  if (!frames_.count(frame_key)) order_.push_back(frame_key);
  Frame& f = frames_[frame_key];
  f.top = top;
  f.url = std::string(url);
  double time = 0;
  bool has_time = root["time"].get_double().get(time) == simdjson::SUCCESS;
  auto when = has_time ? std::optional<double>(time) : std::nullopt;
  if (msg["cmp"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) f.cmp = std::string(text);

  if (type == "report") {
    if (msg["lifecycle"].get_string().get(text) == simdjson::SUCCESS) f.lifecycle = std::string(text);
    if (f.lifecycle == "nothingDetected" && f.result.empty()) f.result = "no_banner";
  } else if (type == "popupFound") {
    f.found = true;
    if (!f.found_time) f.found_time = when;
  } else if (type == "optOutResult" || type == "optInResult") {
    bool ok = false;
    if (msg["result"].get_bool().get(ok) != simdjson::SUCCESS) return false;
    if (f.result != "failed") f.result = ok ? "done" : "failed";
    if (!ok) f.error = std::string(type) + " false";
    f.done_time = when;
  } else if (type == "autoconsentDone") {
    if (f.result != "failed") f.result = "done";
    if (!f.done_time) f.done_time = when;
  } else if (type == "autoconsentError") {
    f.result = "failed";
    f.error = msg["details"].get_string().get(text) == simdjson::SUCCESS ? std::string(text) : "autoconsentError";
  }
  return true;
}

bool ConsentTracker::Settled() const {
  bool top_settled = false;
  for (const auto& [key, f] : frames_) {
    if (f.found && f.result.empty()) return false;  // acting on a banner
    if (f.top && (!f.result.empty() || IsTerminal(f.lifecycle))) top_settled = true;
  }
  return top_settled;
}

std::vector<ConsentRecord> ConsentTracker::Records(const std::string& visit_id) const {
  std::vector<ConsentRecord> out;
  std::string mode = ConsentModeName(mode_);
  std::string action = mode_ == ConsentMode::kAccept ? "opt_in" : "opt_out";
  for (const std::string& key : order_) {
    const Frame& f = frames_.at(key);
    if (!f.top && !f.found && f.result != "failed") continue;
    ConsentRecord r{visit_id, mode, f.cmp, f.found ? action : "none", f.result, f.url,
                    f.found_time, f.done_time, f.error};
    // No banner found by the end of the visit is no_banner, even while
    // autoconsent still looks (after its second try it waits for a DOM
    // mutation, which a static page never makes); a consent manager present
    // without a banner (consent given before) is no_banner too.
    if (r.result.empty()) r.result = f.found ? "timeout" : "no_banner";
    if (r.result == "timeout" && !r.error) r.error = "autoconsent did not finish (lifecycle " + f.lifecycle + ")";
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace worker::interact
