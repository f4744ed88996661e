#include "worker/scan/summary.h"

#include <algorithm>
#include <sstream>

#include "worker/normalize/registrable_domain.h"
#include "common/url.h"

namespace worker {

void ScanSummary::Add(const VisitResult& result) {
  Site site;
  site.input_url = result.visit.input_url;
  site.outcome = result.visit.outcome;
  site.error = result.visit.error.value_or("");
  site.attempt = result.visit.attempt;
  site.requests = result.requests.size();
  for (const auto& r : result.requests) {
    if (r.third_party) ++site.third_parties[normalize::RegistrableDomain(common::HostOf(r.url))];
  }
  for (const auto& c : result.cookies) {
    if (c.blocked) continue;
    ++(c.third_party ? site.third_party_cookies : site.first_party_cookies);
  }
  site.popups = result.popups.size();
  site.downloads = result.downloads.size();
  site.dialogs = result.dialogs.size();
  for (const auto& w : result.websockets) site.websocket_frames += (w.direction == "sent" || w.direction == "received");
  if (result.site_summary) site.findings = result.site_summary->findings;
  sites_.push_back(std::move(site));
}

std::string ScanSummary::Render() const {
  std::ostringstream out;
  for (const auto& s : sites_) {
    out << s.input_url << "  [" << s.outcome;
    if (!s.error.empty()) out << ": " << s.error;
    if (s.attempt > 1) out << ", attempt " << s.attempt;
    out << "]\n";
    out << "  requests: " << s.requests << ", cookies: " << s.first_party_cookies << " first-party, "
        << s.third_party_cookies << " third-party";
    if (s.popups) out << ", popups: " << s.popups;
    if (s.dialogs) out << ", dialogs: " << s.dialogs;
    if (s.downloads) out << ", downloads: " << s.downloads;
    if (s.websocket_frames) out << ", websocket frames: " << s.websocket_frames;
    out << "\n";
    std::vector<std::pair<std::string, size_t>> parties(s.third_parties.begin(), s.third_parties.end());
    std::sort(parties.begin(), parties.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    out << "  third parties: " << (parties.empty() ? "none" : std::to_string(parties.size())) << "\n";
    for (const auto& [domain, count] : parties) out << "    " << domain << "  " << count << " requests\n";
    for (const auto& finding : s.findings) out << "  " << finding << "\n";
  }
  return out.str();
}

}  // namespace worker
