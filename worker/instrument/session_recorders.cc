// DetectSessionRecorders and SessionRecorderVendor of fingerprint_rules.h.
#include <map>
#include <set>

#include "worker/instrument/fingerprint_rules.h"
#include "worker/normalize/registrable_domain.h"
#include "common/url.h"

namespace worker {
namespace {

struct Endpoint {
  const char* vendor;
  const char* host_suffix;   // the host or any subdomain of it
  const char* path_part;     // "" or a string the path must contain
};

// Recording and script hosts of each vendor, from their documentation and
// CSP guides. Yandex Metrica counts as a recorder only on its webvisor paths.
constexpr Endpoint kEndpoints[] = {
    {"Microsoft Clarity", "clarity.ms", ""},
    {"Hotjar", "hotjar.com", ""},
    {"Hotjar", "hotjar.io", ""},
    {"Contentsquare", "contentsquare.net", ""},
    {"Contentsquare", "contentsquare.com", ""},
    {"Heap", "heapanalytics.com", ""},
    {"Heap", "heap.io", ""},
    {"FullStory", "fullstory.com", ""},
    {"LogRocket", "logrocket.io", ""},
    {"LogRocket", "logrocket.com", ""},
    {"LogRocket", "lr-ingest.io", ""},
    {"LogRocket", "lr-ingest.com", ""},
    {"LogRocket", "lr-in.com", ""},
    {"LogRocket", "lr-in-prod.com", ""},
    {"Mouseflow", "mouseflow.com", ""},
    {"Smartlook", "smartlook.com", ""},
    {"Smartlook", "smartlook.cloud", ""},
    {"Yandex Metrica webvisor", "mc.yandex.ru", "webvisor"},
    {"Yandex Metrica webvisor", "mc.yandex.com", "webvisor"},
    {"Yandex Metrica webvisor", "mc.webvisor.org", ""},
    {"Yandex Metrica webvisor", "mc.webvisor.com", ""},
    {"Lucky Orange", "luckyorange.com", ""},
    {"Lucky Orange", "luckyorange.net", ""},
    {"Inspectlet", "inspectlet.com", ""},
    {"Quantum Metric", "quantummetric.com", ""},
    {"Glassbox", "glassboxdigital.io", ""},
    {"Glassbox", "gbqofs.com", ""},
};

bool HostMatches(const std::string& host, const std::string& suffix) {
  if (host == suffix) return true;
  return host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         host[host.size() - suffix.size() - 1] == '.';
}

const std::set<std::string>& InteractiveEvents() {
  static const std::set<std::string> events = {
      "mousemove", "mousedown", "mouseup", "click", "scroll", "wheel", "keydown", "keyup", "keypress",
      "input", "change", "touchstart", "touchmove", "pointermove", "pointerdown"};
  return events;
}

// What one script did for recording, across frames.
struct Behaviour {
  bool observes_document = false;
  std::set<std::string> events;
  int64_t value_reads = 0;
};

std::vector<std::string> Evidence(const Behaviour& b) {
  std::string events;
  for (const auto& e : b.events) events += (events.empty() ? "" : ",") + e;
  std::vector<std::string> out = {"MutationObserver.observe with subtree on the document",
                                  "listens to " + events};
  if (b.value_reads > 0) out.push_back("reads input values " + std::to_string(b.value_reads) + " times");
  return out;
}

}  // namespace

std::string SessionRecorderVendor(const std::string& url) {
  auto parsed = common::ParseUrl(url);
  if (!parsed.ok()) return "";
  for (const auto& e : kEndpoints) {
    if (!HostMatches(parsed->host, e.host_suffix)) continue;
    if (*e.path_part && parsed->path.find(e.path_part) == std::string::npos) continue;
    return e.vendor;
  }
  return "";
}

std::vector<SessionRecorderRecord> DetectSessionRecorders(const std::vector<ApiCallRecord>& calls,
                                                          const std::vector<RequestRecord>& requests,
                                                          const std::string& site) {
  std::vector<SessionRecorderRecord> records;
  std::map<std::string, size_t> by_vendor;
  for (const auto& r : requests) {
    std::string vendor = SessionRecorderVendor(r.url);
    if (vendor.empty()) continue;
    auto [it, added] = by_vendor.emplace(vendor, records.size());
    if (added) records.push_back(SessionRecorderRecord{"", vendor, "endpoint", std::nullopt, {}, {}});
    SessionRecorderRecord& rec = records[it->second];
    rec.request_ids.push_back(r.request_id);
    if (r.resource_type == "Script" && !rec.script_url) rec.script_url = r.url;
    if (rec.evidence.size() < 5) rec.evidence.push_back(r.method + " " + r.url.substr(0, 200));
  }

  std::map<std::string, Behaviour> behaviours;  // by script URL, third-party scripts only
  for (const auto& c : calls) {
    if (c.script_url.empty() || !normalize::IsThirdParty(c.script_url, site)) continue;
    const std::string where = c.args.empty() ? "" : c.args[0];
    if (c.api == "MutationObserver.observe" && where != "element" && c.args.size() == 2 && c.args[1] == "true") {
      behaviours[c.script_url].observes_document = true;
    } else if (c.api == "EventTarget.addEventListener" && InteractiveEvents().count(where)) {
      behaviours[c.script_url].events.insert(where);
    } else if (c.api == "HTMLInputElement.value") {
      behaviours[c.script_url].value_reads += c.count;
    }
  }
  for (const auto& [script, b] : behaviours) {
    if (!b.observes_document || b.events.empty()) continue;
    std::string vendor = SessionRecorderVendor(script);
    auto it = vendor.empty() ? by_vendor.end() : by_vendor.find(vendor);
    if (it != by_vendor.end()) {
      SessionRecorderRecord& rec = records[it->second];
      if (rec.detected_by != "endpoint") continue;  // one behaviour script per vendor is enough
      rec.detected_by = "both";
      rec.script_url = script;
      for (auto& e : Evidence(b)) rec.evidence.push_back(std::move(e));
      continue;
    }
    if (!vendor.empty()) by_vendor.emplace(vendor, records.size());
    records.push_back(SessionRecorderRecord{"", vendor.empty() ? "unknown" : vendor, "behaviour", script, {},
                                            Evidence(b)});
  }
  return records;
}

}  // namespace worker
