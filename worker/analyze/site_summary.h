// The site_summary record: one per visit, answering the three questions of a
// risk team or a journalist: which third parties received data (organization,
// category, mechanism), what personal data left (events, identities, canary
// and sensitive-page leaks), and through which trackers (fingerprinting and
// session recording included). Built from the visit's other records only,
// after attribution; pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace worker {

struct VisitResult;

struct SummaryParty {  // one third-party registrable domain
  std::string domain;
  std::optional<std::string> organization;
  std::vector<std::string> trackers, categories;
  std::vector<std::string> mechanisms;  // pixel | script | iframe | popup | fetch | beacon | websocket | worker | redirect | other
  int64_t requests = 0, filter_matches = 0, cookies = 0;
};

struct SummaryPlatform {  // tracker events of one platform
  std::string platform;
  std::vector<std::string> account_ids, events, button_texts;
  std::vector<std::string> identities;  // "email (sha256)", "phone (plain)", ...
};

struct SiteSummaryRecord {  // type "site_summary"
  std::string visit_id, site, input_url, final_url, outcome;
  int64_t requests = 0, third_party_requests = 0, filter_matched_requests = 0;
  int64_t first_party_cookies = 0, third_party_cookies = 0, tracker_cookies = 0;
  std::vector<std::string> organizations;  // of every attributed third party, by requests
  std::vector<std::string> categories;
  std::vector<SummaryParty> third_parties;
  std::vector<SummaryPlatform> tracker_events;
  int64_t pii_leaks = 0, third_party_pii_leaks = 0;
  std::vector<std::string> fingerprinting;     // "canvas: https://.../agent.js"
  std::vector<std::string> session_recorders;  // vendor names
  // Recipients of a typed canary value before any submit (key logging, as
  // Blacklight calls it): the page never submitted, yet the value left.
  std::vector<std::string> key_logging;
  std::vector<std::string> findings;           // plain language: "Sent to Meta: PageView, ..."
};

SiteSummaryRecord BuildSiteSummary(const VisitResult& result);

}  // namespace worker
