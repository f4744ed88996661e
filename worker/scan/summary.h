// ScanSummary: the readable per-site report `trackscan scan` prints: third
// parties contacted with request counts, first- and third-party cookies,
// errors, and the site_summary's findings ("Sent to Meta: PageView, ...").
// Pure; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "worker/record/visit_result.h"

namespace worker {

class ScanSummary {
 public:
  void Add(const VisitResult& result);
  std::string Render() const;

 private:
  struct Site {
    std::string input_url, outcome, error;
    int attempt = 1;
    size_t requests = 0, first_party_cookies = 0, third_party_cookies = 0, popups = 0, downloads = 0,
           dialogs = 0, websocket_frames = 0;
    std::map<std::string, size_t> third_parties;  // registrable domain -> requests
    std::vector<std::string> findings;             // the site_summary's plain-language lines
  };
  std::vector<Site> sites_;
};

}  // namespace worker
