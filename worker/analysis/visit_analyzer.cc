#include "worker/analysis/visit_analyzer.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "worker/analysis/site_summary.h"
#include "worker/analysis/decode/tracker_event.h"
#include "worker/instrument/fingerprint_rules.h"
#include "worker/normalize/registrable_domain.h"
#include "common/strings.h"
#include "common/url.h"

namespace worker {
namespace {

std::optional<std::string_view> Header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return value;
    }
  }
  return std::nullopt;
}

TrackerAttribution ToAttribution(const classify::TrackerInfo& info) {
  return TrackerAttribution{info.tracker_name, info.organization_name, info.category};
}

}  // namespace

common::Result<std::vector<std::string>> LoadSensitiveTerms(const std::string& path) {
  std::ifstream in(path);
  if (!in) return common::Status::Unavailable("cannot read sensitive terms file " + path);
  std::vector<std::string> terms;
  for (std::string line; std::getline(in, line);) {
    std::string_view term = common::Trim(line, " \t\r");
    if (term.empty() || term.front() == '#') continue;
    terms.push_back(common::AsciiLower(term));
  }
  if (terms.empty()) return common::Status::InvalidArgument(path + " holds no sensitive term");
  return terms;
}

VisitAnalyzer::VisitAnalyzer(std::shared_ptr<const classify::TrackerData> data, AnalysisOptions options)
    : data_(std::move(data)), options_(std::move(options)) {}

std::optional<TrackerAttribution> VisitAnalyzer::AttributeHost(const std::string& host) const {
  auto info = data_->trackerdb.LookupHost(host);
  if (!info) return std::nullopt;
  return ToAttribution(*info);
}

// Filter lists decide for every request, as uBlock Origin would in that
// browser: the page is the top-level document of the tab the request came
// from (a popup is its own tab). TrackerDB names every third party.
void VisitAnalyzer::Classify(VisitResult& result) const {
  result.visit.tracker_data = data_->versions;
  std::string page_host = common::HostOf(result.visit.final_url.empty() ? result.visit.input_url
                                                                           : result.visit.final_url);
  for (RequestRecord& r : result.requests) {
    bool popup = r.target_type == "popup";
    std::string host = popup ? common::HostOf(r.target_url) : page_host;
    std::string tab_site = normalize::RegistrableDomain(host);
    classify::FilterContext ctx{r.url, host,
                                classify::ResourceTypeFromCdp(r.resource_type, r.target_type == "iframe"),
                                popup ? normalize::IsThirdParty(r.url, tab_site) : r.third_party, r.method};
    if (auto match = data_->filters.Match(ctx)) {
      r.filter_list = match->list;
      r.filter_rule = match->filter;
    }
    if (!r.third_party) continue;
    ctx.third_party = true;
    if (auto info = data_->trackerdb.Lookup(ctx)) r.tracker = ToAttribution(*info);
  }
  for (CookieRecord& c : result.cookies) {
    if (c.third_party) c.tracker = AttributeHost(c.domain);
  }
}

void VisitAnalyzer::Analyze(VisitResult& result) const {
  if (data_) Classify(result);
  const std::string& visit_id = result.visit.visit_id;

  result.tracker_events.clear();
  for (const RequestRecord& r : result.requests) {
    if (r.redirect_from && r.method != "GET") continue;  // a hop repeats its first request's body
    OutgoingRequest out{r.request_id, r.url, r.method, std::nullopt, Header(r.request_headers, "content-type")};
    if (r.post_data) out.post_data = *r.post_data;
    for (auto& event : DecodeTrackerEvents(out)) {
      event.visit_id = visit_id;
      result.tracker_events.push_back(std::move(event));
    }
  }
  MarkDuplicateEvents(result.tracker_events);

  PiiOptions pii;
  pii.canary = options_.canary;
  pii.sensitive_terms = options_.sensitive_terms;
  pii.first_submit_wall_time = result.first_submit_wall_time;
  pii.site = result.visit.site;
  pii.page_url = result.visit.final_url.empty() ? result.visit.input_url : result.visit.final_url;
  pii.page_title = result.visit.title.value_or("");
  result.pii_leaks = FindPiiLeaks(result, pii);
  if (data_) {
    for (PiiLeakRecord& leak : result.pii_leaks) {
      if (auto who = AttributeHost(leak.recipient_host)) leak.organization = who->organization;
    }
  }

  result.fingerprints = DetectFingerprinting(result.api_calls, result.visit.site);
  result.session_recorders = DetectSessionRecorders(result.api_calls, result.requests, result.visit.site);
  for (auto& f : result.fingerprints) f.visit_id = visit_id;
  for (auto& s : result.session_recorders) s.visit_id = visit_id;

  result.site_summary = BuildSiteSummary(result);
}

}  // namespace worker
