// CookieLedger: joins the three sources of cookie facts of one visit and
// produces its `cookie` records:
//   1. Set-Cookie lines from Network.responseReceivedExtraInfo (set by http),
//      including the ones the browser blocked;
//   2. document.cookie / cookieStore writes reported by the page hook (set by js);
//   3. the final jar of the visit's browser context (Storage.getCookies).
// Each jar cookie is tagged set_by http / js / both / unknown by matching
// (name, domain) against 1 and 2, and third_party by registrable domain.
// Pure; not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cdp/protocol/events.h"
#include "worker/record/records.h"

namespace worker {

class CookieLedger {
 public:
  CookieLedger(std::string visit_id, std::string site);

  // Every Set-Cookie line of a response (the raw header value may hold several
  // lines joined by '\n'), and the lines the browser blocked with reasons.
  // `response_url` empty: not known yet (Chromium sends ExtraInfo before
  // requestWillBeSent or after loadingFinished at times); the lines wait for
  // ResolvePending.
  void OnResponseExtraInfo(const std::string& response_url,
                           const cdp::protocol::ResponseReceivedExtraInfo& e);
  // Gives the waiting lines their response URL: url_of(cdp request id,
  // status code), "" when still unknown. Call once, before Finish.
  void ResolvePending(const std::function<std::string(const std::string&, int)>& url_of);
  // A script write; `cookie_string` is what was assigned to document.cookie
  // ("a=b; Path=/; ..."), `frame_url` the document's URL, `script_url` the
  // writer from the stack (empty when unknown).
  void OnScriptWrite(const CookieWriteRecord& write);

  // The final jar; returns one record per jar cookie plus one per blocked
  // Set-Cookie line (blocked=true), and the script writes as cookie_write records.
  std::vector<CookieRecord> Finish(const std::vector<cdp::protocol::Cookie>& jar) const;
  const std::vector<CookieWriteRecord>& writes() const { return writes_; }

 private:
  struct HttpSet { std::string name, domain, setter_url; };
  void Record(const std::string& response_url, const cdp::protocol::ResponseReceivedExtraInfo& e);
  void AddBlocked(const std::string& response_url, const cdp::protocol::BlockedSetCookie& b);
  void Attribute(const cdp::protocol::Cookie& c, CookieRecord& r) const;
  std::string visit_id_, site_;
  std::vector<HttpSet> http_sets_;
  std::vector<CookieRecord> blocked_;
  std::vector<CookieWriteRecord> writes_;
  std::vector<cdp::protocol::ResponseReceivedExtraInfo> pending_;  // response URL not known yet
};

}  // namespace worker
