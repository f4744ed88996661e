// RequestTracker: pairs the Network.* events of ONE CDP session (one target)
// into finished RequestRecords.
// Handles: ExtraInfo arriving before or after its request/response; redirect
// chains that reuse one requestId (one record per hop, linked both ways);
// loadingFailed without a response; events for unknown ids (ignored);
// POST bodies fetched later with Network.getRequestPostData; the visit's
// budgets (requests, header bytes, POST data bytes) when it lends one.
// Pure: no I/O, no clock (times come from the events), no simdjson, no CDP
// session. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cdp/protocol/events.h"
#include "worker/network/visit_budget.h"
#include "worker/record/records.h"

namespace worker {

struct TrackerContext {
  std::string visit_id;
  std::string site;         // registrable domain of the visit; decides third_party
  std::string target_type;  // page | popup | iframe | worker | shared_worker | service_worker
  std::string target_url;
  size_t post_data_cap = 1 << 20;  // bytes kept of a body; longer ones are cut and flagged
  // The visit's budgets, shared by all its trackers; null: unlimited. Borrowed:
  // it must outlive the tracker. Over `requests` a new request gets no record
  // and its later events are ignored; header lists and bodies are cut to the
  // header and POST data budgets (headers_truncated, post_data_truncated).
  VisitBudget* budget = nullptr;
};

class RequestTracker {
 public:
  explicit RequestTracker(TrackerContext context);

  // Returns true when the body must be fetched with Network.getRequestPostData
  // (has_post_data without an inline body, and POST data budget left: each
  // ask holds up to post_data_cap of it until answered); the record then
  // waits for OnPostData.
  bool OnRequestWillBeSent(const cdp::protocol::RequestWillBeSent& e);
  void OnRequestExtraInfo(const cdp::protocol::RequestWillBeSentExtraInfo& e);
  void OnResponseExtraInfo(const cdp::protocol::ResponseReceivedExtraInfo& e);
  void OnResponseReceived(const cdp::protocol::ResponseReceived& e);
  void OnServedFromCache(const cdp::protocol::RequestServedFromCache& e);
  void OnLoadingFinished(const cdp::protocol::LoadingFinished& e);
  // `blocked_by_guard`: the egress guard's reason, when it refused the connection.
  void OnLoadingFailed(const cdp::protocol::LoadingFailed& e,
                       std::optional<std::string> blocked_by_guard = std::nullopt);
  // The getRequestPostData answer; nullopt when the browser could not give it.
  // `base64` bodies are decoded before the cap applies.
  void OnPostData(const std::string& request_id, std::optional<std::string> body, bool base64);

  // Moves out records finished since the last call, in the order they finished.
  std::vector<RequestRecord> TakeCompleted();
  // Visit end: every record not yet taken: the completed ones, then those
  // still awaiting their body, then open ones with finished=false. Drops nothing.
  std::vector<RequestRecord> Flush();

  // The URL of the current hop of an open request; "" when the id is unknown
  // (e.g. its ExtraInfo came first). For attributing Set-Cookie lines.
  std::string UrlOf(const std::string& request_id) const;
  const TrackerContext& context() const { return context_; }
  // Updates target_url (a page's URL changes as it navigates).
  void set_target_url(std::string url) { context_.target_url = std::move(url); }

 private:
  struct Open {
    RequestRecord record;
    std::string cdp_id;  // the requestId every hop of a redirect chain shares
    int hop = 0;
    uint64_t seq = 0;    // opening order, so Flush is deterministic
    double started = 0;  // event timestamp, seconds
    bool awaiting_post_data = false;
    // POST data budget held for a body asked for and not yet answered, so
    // that a burst of POSTs cannot all be asked for before the first answer.
    int64_t post_data_reserved = 0;
    bool response_seen = false;
    bool expects_response_extra = false;  // responseReceived.hasExtraInfo (assumed for redirects)
    bool has_extra_request_headers = false;
    bool has_extra_response_headers = false;
  };
  // The latest closed hop of a requestId that still lacks an ExtraInfo, so a
  // late one can be merged while the record is not yet taken.
  struct Late {
    std::string record_id;
    bool wants_request = false, wants_response = false;
  };
  Open NewHop(const cdp::protocol::RequestWillBeSent& e, int hop);
  void CloseRedirectHop(Open hop, const cdp::protocol::RequestWillBeSent& e);
  void Close(std::unordered_map<std::string, Open>::iterator it, double timestamp);
  void Complete(Open hop);
  bool PatchLate(const cdp::protocol::ResponseReceivedExtraInfo& e);
  bool PatchLate(const cdp::protocol::RequestWillBeSentExtraInfo& e);
  RequestRecord* FindUntaken(const std::string& record_id);
  void ApplyPostData(RequestRecord& record, std::optional<std::string> body);
  void ApplyRequestExtra(const cdp::protocol::RequestWillBeSentExtraInfo& e, RequestRecord& record);
  void ApplyResponseExtra(const cdp::protocol::ResponseReceivedExtraInfo& e, RequestRecord& record);
  void ApplyResponse(const cdp::protocol::Response& r, bool keep_headers, RequestRecord& record);
  // Sets a header list of `record` (`slot` is one of its two lists) to as
  // much of `headers` as the header budgets allow, refunding the list it replaces.
  void KeepHeaders(RequestRecord& record, HeaderList& slot, HeaderList headers);
  bool Ignored(const std::string& request_id) const { return dropped_.count(request_id) > 0; }

  TrackerContext context_;
  std::unordered_map<std::string, Open> open_;  // by requestId: the current hop
  std::vector<Open> held_;                      // finished, waiting for OnPostData
  // ExtraInfo that arrived before its hop could take it, oldest first; capped
  // so ids that never get a requestWillBeSent cannot grow memory.
  std::deque<cdp::protocol::RequestWillBeSentExtraInfo> early_request_extra_;
  std::deque<cdp::protocol::ResponseReceivedExtraInfo> early_response_extra_;
  std::unordered_map<std::string, Late> late_;  // by requestId; cleared by TakeCompleted
  std::vector<RequestRecord> completed_;
  // Requests over the requests budget that have not ended yet: their events
  // are ignored (and not buffered as early ExtraInfo).
  std::unordered_set<std::string> dropped_;
  uint64_t next_seq_ = 0;
};

}  // namespace worker
