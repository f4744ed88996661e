// CookieLedger: joins the three sources of cookie facts of one visit and
// produces its `cookie` records:
//   1. Set-Cookie lines from Network.responseReceivedExtraInfo (set by http),
//      including the ones the browser blocked;
//   2. document.cookie / cookieStore writes reported by the page hook (set by js);
//   3. the final jar of the visit's browser context (Storage.getCookies).
// Each jar cookie is tagged set_by http / js / both / unknown by matching
// (name, domain) against 1 and 2, and third_party by registrable domain.
// Each Set-Cookie line and script write is parsed once, when it comes, into
// an index by (name, domain) that keeps the first setter of each key, so
// Finish is O(jar + lines + writes), not jar x writes (a page writing 100k
// cookies would stall the loop). Script writes over the visit's
// cookie_writes budget get no record but still attribute jar cookies.
// Pure; not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cdp/protocol/events.h"
#include "worker/network/visit_budget.h"
#include "worker/record/records.h"

namespace worker {

class CookieLedger {
 public:
  // `budget` (may be null: unlimited) must outlive the ledger.
  CookieLedger(std::string visit_id, std::string site, VisitBudget* budget = nullptr);

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
  // writer from the stack (empty when unknown). Over the cookie_writes
  // budget the write is counted as dropped and only indexed.
  void OnScriptWrite(const CookieWriteRecord& write);

  // The final jar; returns one record per jar cookie plus one per blocked
  // Set-Cookie line (blocked=true), and the script writes as cookie_write records.
  std::vector<CookieRecord> Finish(const std::vector<cdp::protocol::Cookie>& jar) const;
  const std::vector<CookieWriteRecord>& writes() const { return writes_; }

 private:
  // Distinct (name, domain) keys indexed per source, at most: Chromium keeps
  // ~3,300 cookies a context, so more keys cannot match the jar anyway, and
  // a page inventing names cannot grow the index without bound.
  static constexpr size_t kMaxIndexedKeys = 20000;
  static std::string Key(std::string_view name, std::string_view domain);
  void Record(const std::string& response_url, const cdp::protocol::ResponseReceivedExtraInfo& e);
  void AddBlocked(const std::string& response_url, const cdp::protocol::BlockedSetCookie& b);
  void Attribute(const cdp::protocol::Cookie& c, CookieRecord& r) const;
  std::string visit_id_, site_;
  VisitBudget* budget_;
  std::unordered_map<std::string, std::string> http_setter_;  // key -> URL of the first response
  std::unordered_map<std::string, std::optional<std::string>> js_setter_;  // key -> first writer
  std::vector<CookieRecord> blocked_;
  std::vector<CookieWriteRecord> writes_;
  std::vector<cdp::protocol::ResponseReceivedExtraInfo> pending_;  // response URL not known yet
};

}  // namespace worker
