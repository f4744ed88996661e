// VisitResult: everything one visit recorded, as the records that leave the
// process (worker/record/records.h), in the order they are written. Filled by
// worker/browser/visit.cc, completed by the analysis (worker/analysis/), read
// by every writer through ForEachRecord. Plain values, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "worker/record/records.h"

namespace worker {

struct VisitResult {
  VisitRecord visit;
  std::vector<RequestRecord> requests;
  std::vector<WebSocketRecord> websockets;
  std::vector<CookieRecord> cookies;
  std::vector<CookieWriteRecord> cookie_writes;
  std::vector<DialogRecord> dialogs;
  std::vector<PopupRecord> popups;
  std::vector<DownloadRecord> downloads;
  std::vector<ApiCallRecord> api_calls;  // for DetectFingerprinting / DetectSessionRecorders
  std::vector<InteractionRecord> interactions;
  std::vector<ConsentRecord> consents;
  std::optional<double> first_submit_wall_time;  // seconds since epoch; null: no submit event seen
  std::vector<TrackerEventRecord> tracker_events;  // the rest is set by VisitAnalyzer
  std::vector<PiiLeakRecord> pii_leaks;
  std::vector<FingerprintRecord> fingerprints;
  std::vector<SessionRecorderRecord> session_recorders;
  std::optional<SiteSummaryRecord> site_summary;  // set by VisitAnalyzer; written last
  std::vector<std::string> links;  // the page's a.href values, with VisitOptions::collect_links
  bool browser_lost = false;  // the browser died mid-visit; a retry is worthwhile
};

// Calls fn(record) for every record of a result, in output order: the visit
// first. Every writer goes through here, so a new record type is one line.
template <typename Fn>
void ForEachRecord(const VisitResult& r, Fn&& fn) {
  fn(r.visit);
  auto each = [&fn](const auto& records) {
    for (const auto& record : records) fn(record);
  };
  each(r.requests);
  each(r.websockets);
  each(r.cookies);
  each(r.cookie_writes);
  each(r.dialogs);
  each(r.popups);
  each(r.downloads);
  each(r.consents);
  each(r.interactions);
  each(r.tracker_events);
  each(r.pii_leaks);
  each(r.fingerprints);
  each(r.session_recorders);
  if (r.site_summary) fn(*r.site_summary);
}

}  // namespace worker
