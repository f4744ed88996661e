#include "worker/network/request_tracker.h"

#include <algorithm>
#include <string_view>

#include "worker/normalize/registrable_domain.h"

namespace worker {
namespace {

namespace p = cdp::protocol;

// Bound on ExtraInfo buffered for ids without a (matching) hop yet. Chrome
// sends some ExtraInfo for requests that never get a requestWillBeSent on this
// session; beyond the bound the oldest go.
constexpr size_t kMaxEarly = 1000;

std::string HopId(const std::string& cdp_id, int hop) {
  return hop == 0 ? cdp_id : cdp_id + ":" + std::to_string(hop);
}

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// CDP joins repeated headers (several Set-Cookie lines) into one value with
// '\n'; records keep one [name, value] pair per line, as on the wire.
HeaderList SplitRepeated(const p::Headers& headers) {
  HeaderList out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    size_t start = 0;
    for (size_t nl = value.find('\n'); nl != std::string::npos; nl = value.find('\n', start)) {
      out.emplace_back(name, value.substr(start, nl - start));
      start = nl + 1;
    }
    out.emplace_back(name, value.substr(start));
  }
  return out;
}

bool IsRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Whether a response ExtraInfo with `extra_status` may belong to a response
// with `status`. Only redirects are told apart: a late ExtraInfo of a closed
// redirect hop must not land on the next hop. Other statuses legitimately
// differ (ExtraInfo says 304 where a revalidated response says 200).
bool ExtraMatches(int extra_status, int status) {
  if (extra_status == 0 || status == 0 || extra_status == status) return true;
  return !IsRedirectStatus(extra_status) && !IsRedirectStatus(status);
}

template <typename T>
void Buffer(std::deque<T>& early, const T& e) {
  early.push_back(e);
  if (early.size() > kMaxEarly) early.pop_front();
}

// Removes and returns the oldest buffered entry for `id` that `fits`.
template <typename T, typename Fits>
std::optional<T> TakeEarly(std::deque<T>& early, const std::string& id, Fits fits) {
  for (auto it = early.begin(); it != early.end(); ++it) {
    if (it->request_id == id && fits(*it)) {
      T found = std::move(*it);
      early.erase(it);
      return found;
    }
  }
  return std::nullopt;
}

template <typename T>
void Purge(std::deque<T>& early, const std::string& id) {
  early.erase(std::remove_if(early.begin(), early.end(),
                             [&](const T& e) { return e.request_id == id; }),
              early.end());
}

// Base64 (RFC 4648, standard alphabet) for getRequestPostData bodies. Not
// OpenSSL's EVP_DecodeBlock, though worker/ links OpenSSL: that one wants a
// multiple of 4 characters with no line breaks inside, and pads its output
// with zero bytes that would have to be trimmed by hand; this one takes
// unpadded and line-wrapped input as it comes.
int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

std::optional<std::string> DecodeBase64(std::string_view in) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : in) {
    if (c == '=') break;  // padding: the remainder is handled below
    if (c == '\n' || c == '\r' || c == ' ') continue;
    int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count % 4 == 0) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
    }
  }
  if (count % 4 == 1) return std::nullopt;
  if (count % 4 >= 2) out.push_back(static_cast<char>(bits >> (count % 4 == 2 ? 4 : 10)));
  if (count % 4 == 3) out.push_back(static_cast<char>(bits >> 2));
  return out;
}

int64_t HeaderBytes(const HeaderList& headers) {
  int64_t bytes = 0;
  for (const auto& [name, value] : headers) bytes += static_cast<int64_t>(name.size() + value.size());
  return bytes;
}

// What a hop's requestWillBeSent says; the response and the end come later.
RequestRecord RecordOf(const p::RequestWillBeSent& e, const TrackerContext& context,
                       std::string request_id) {
  RequestRecord r;
  r.visit_id = context.visit_id;
  r.request_id = std::move(request_id);
  r.url = e.request.url;
  r.method = e.request.method;
  r.resource_type = e.type;
  r.frame_id = NonEmpty(e.frame_id);
  r.target_type = context.target_type;
  r.target_url = context.target_url;
  r.initiator_type = e.initiator.type;
  r.initiator_url = NonEmpty(e.initiator.url);
  r.initiator_stack_urls = e.initiator.stack_urls;
  if (e.wall_time > 0) r.wall_time = e.wall_time;
  r.third_party = normalize::IsThirdParty(r.url, context.site);
  return r;
}

}  // namespace

RequestTracker::RequestTracker(TrackerContext context) : context_(std::move(context)) {}

void RequestTracker::ApplyRequestExtra(const p::RequestWillBeSentExtraInfo& e, RequestRecord& record) {
  KeepHeaders(record, record.request_headers, SplitRepeated(e.headers));  // as on the wire, Cookie included
}

void RequestTracker::ApplyResponseExtra(const p::ResponseReceivedExtraInfo& e, RequestRecord& record) {
  KeepHeaders(record, record.response_headers, SplitRepeated(e.headers));  // raw: the real Set-Cookie lines
  record.blocked_set_cookies.clear();
  for (const p::BlockedSetCookie& blocked : e.blocked_cookies) {
    std::string reasons;
    for (const std::string& reason : blocked.reasons) {
      reasons += (reasons.empty() ? "" : ",") + reason;
    }
    record.blocked_set_cookies.push_back(reasons + ": " + blocked.cookie_line);
  }
}

void RequestTracker::ApplyResponse(const p::Response& r, bool keep_headers, RequestRecord& record) {
  if (r.status != 0) record.status = r.status;
  record.mime_type = NonEmpty(r.mime_type);
  record.remote_ip = NonEmpty(r.remote_ip);
  record.encoded_data_length = r.encoded_data_length;
  record.from_cache = record.from_cache || r.from_disk_cache || r.from_prefetch_cache;
  record.from_service_worker = r.from_service_worker;
  if (!keep_headers) KeepHeaders(record, record.response_headers, SplitRepeated(r.headers));
}

// The first pairs, in order, that fit both the request's and the visit's
// header budgets; a cut list is flagged and counted against the tighter one.
void RequestTracker::KeepHeaders(RequestRecord& record, HeaderList& slot, HeaderList headers) {
  VisitBudget* budget = context_.budget;
  if (budget == nullptr) {
    slot = std::move(headers);
    return;
  }
  budget->Refund(Budget::kHeaderBytes, HeaderBytes(slot));
  slot.clear();
  const HeaderList& other = &slot == &record.request_headers ? record.response_headers : record.request_headers;
  int64_t request_room = std::max<int64_t>(0, budget->limit(Budget::kRequestHeaderBytes) - HeaderBytes(other));
  int64_t visit_room = budget->Remaining(Budget::kHeaderBytes);
  int64_t room = std::min(request_room, visit_room), used = 0;
  size_t kept = 0;
  for (; kept < headers.size(); ++kept) {
    int64_t bytes = static_cast<int64_t>(headers[kept].first.size() + headers[kept].second.size());
    if (used + bytes > room) break;
    used += bytes;
  }
  if (kept < headers.size()) {
    headers.resize(kept);
    record.headers_truncated = true;
    budget->Drop(request_room <= visit_room ? Budget::kRequestHeaderBytes : Budget::kHeaderBytes);
  }
  budget->TakeBytes(Budget::kHeaderBytes, used);
  slot = std::move(headers);
}

RequestTracker::Open RequestTracker::NewHop(const p::RequestWillBeSent& e, int hop) {
  Open open;
  open.cdp_id = e.request_id;
  open.hop = hop;
  open.seq = next_seq_++;
  open.started = e.timestamp;
  open.record = RecordOf(e, context_, HopId(e.request_id, hop));
  // Replaced by the ExtraInfo's when it comes.
  KeepHeaders(open.record, open.record.request_headers, SplitRepeated(e.request.headers));
  // Chrome leaves postData out (or cuts it) for large bodies; hasPostData
  // without it means the caller must fetch the body, unless the visit's POST
  // data budget is spent: then the body is not asked for at all.
  if (e.request.post_data) ApplyPostData(open.record, e.request.post_data);
  open.awaiting_post_data = e.request.has_post_data && !e.request.post_data;
  if (open.awaiting_post_data && context_.budget != nullptr) {
    open.post_data_reserved =
        context_.budget->TakeBytes(Budget::kPostDataBytes, static_cast<int64_t>(context_.post_data_cap));
    if (open.post_data_reserved == 0) {
      open.awaiting_post_data = false;
      open.record.post_data_truncated = true;
      context_.budget->Drop(Budget::kPostDataBytes);
    }
  }
  if (auto extra = TakeEarly(early_request_extra_, e.request_id, [](const auto&) { return true; })) {
    ApplyRequestExtra(*extra, open.record);
    open.has_extra_request_headers = true;
  }
  return open;
}

bool RequestTracker::OnRequestWillBeSent(const p::RequestWillBeSent& e) {
  // Over the requests budget: no record; the hops of a dropped request too.
  if (Ignored(e.request_id)) return false;
  if (context_.budget && !open_.count(e.request_id) && !context_.budget->Take(Budget::kRequests)) {
    dropped_.insert(e.request_id);
    Purge(early_request_extra_, e.request_id);
    Purge(early_response_extra_, e.request_id);
    return false;
  }
  int hop = 0;
  std::optional<std::string> from;
  if (auto it = open_.find(e.request_id); it != open_.end()) {
    Open previous = std::move(it->second);
    open_.erase(it);
    if (e.redirect_response) {
      hop = previous.hop + 1;
      from = previous.record.request_id;
      previous.record.redirect_to = HopId(e.request_id, hop);
      CloseRedirectHop(std::move(previous), e);
    } else {
      Complete(std::move(previous));  // id reused without a redirect: keep it, unfinished
    }
  }
  Open open = NewHop(e, hop);
  open.record.redirect_from = from;
  bool fetch_body = open.awaiting_post_data;
  open_.emplace(e.request_id, std::move(open));
  return fetch_body;
}

// A redirect hop ends when the next hop starts; its response is the
// redirectResponse of that next requestWillBeSent, and its raw headers are
// the responseReceivedExtraInfo that came before it.
void RequestTracker::CloseRedirectHop(Open hop, const p::RequestWillBeSent& e) {
  const p::Response& response = *e.redirect_response;
  ApplyResponse(response, hop.has_extra_response_headers, hop.record);
  hop.response_seen = true;
  hop.expects_response_extra = true;  // unknown for redirects (redirectHasExtraInfo not decoded)
  auto fits = [&](const p::ResponseReceivedExtraInfo& x) {
    return ExtraMatches(x.status_code, response.status);
  };
  if (auto extra = TakeEarly(early_response_extra_, hop.cdp_id, fits)) {
    ApplyResponseExtra(*extra, hop.record);
    hop.has_extra_response_headers = true;
  }
  hop.record.finished = true;
  hop.record.duration_ms = (e.timestamp - hop.started) * 1000;
  Complete(std::move(hop));
}

void RequestTracker::OnRequestExtraInfo(const p::RequestWillBeSentExtraInfo& e) {
  if (Ignored(e.request_id)) return;
  auto it = open_.find(e.request_id);
  if (it != open_.end() && !it->second.has_extra_request_headers) {
    ApplyRequestExtra(e, it->second.record);
    it->second.has_extra_request_headers = true;
    return;
  }
  if (it == open_.end() && PatchLate(e)) return;
  Buffer(early_request_extra_, e);  // before its requestWillBeSent, or for the next hop
}

void RequestTracker::OnResponseExtraInfo(const p::ResponseReceivedExtraInfo& e) {
  if (Ignored(e.request_id)) return;
  auto it = open_.find(e.request_id);
  if (it != open_.end()) {
    Open& hop = it->second;
    if (hop.response_seen && !hop.has_extra_response_headers &&
        ExtraMatches(e.status_code, hop.record.status.value_or(0))) {
      ApplyResponseExtra(e, hop.record);
      hop.has_extra_response_headers = true;
      return;
    }
  }
  if (PatchLate(e)) return;
  // Before responseReceived, or a redirect hop's (taken when the next hop starts).
  Buffer(early_response_extra_, e);
}

void RequestTracker::OnResponseReceived(const p::ResponseReceived& e) {
  auto it = open_.find(e.request_id);
  if (it == open_.end()) return;  // unknown id: nothing to attach to
  Open& hop = it->second;
  ApplyResponse(e.response, hop.has_extra_response_headers, hop.record);
  hop.response_seen = true;
  hop.expects_response_extra = e.has_extra_info;
  auto fits = [&](const p::ResponseReceivedExtraInfo& x) {
    return ExtraMatches(x.status_code, e.response.status);
  };
  if (auto extra = TakeEarly(early_response_extra_, e.request_id, fits)) {
    ApplyResponseExtra(*extra, hop.record);
    hop.has_extra_response_headers = true;
  }
}

void RequestTracker::OnServedFromCache(const p::RequestServedFromCache& e) {
  if (auto it = open_.find(e.request_id); it != open_.end()) it->second.record.from_cache = true;
}

void RequestTracker::OnLoadingFinished(const p::LoadingFinished& e) {
  dropped_.erase(e.request_id);  // its id may come again, as a new request
  auto it = open_.find(e.request_id);
  if (it == open_.end()) return;
  it->second.record.encoded_data_length = e.encoded_data_length;  // the whole transfer
  Close(it, e.timestamp);
}

void RequestTracker::OnLoadingFailed(const p::LoadingFailed& e, std::optional<std::string> blocked_by_guard) {
  dropped_.erase(e.request_id);
  auto it = open_.find(e.request_id);
  if (it == open_.end()) return;
  RequestRecord& r = it->second.record;
  r.blocked_by_guard = std::move(blocked_by_guard);
  r.failed = true;  // canceled requests too: the page did not get the resource
  r.error_text = NonEmpty(e.error_text);
  if (!r.error_text && e.canceled) r.error_text = "canceled";
  Close(it, e.timestamp);
}

// The last hop of a request ended: nothing buffered for its id can still
// belong to a hop of it, so the buffers are cleaned here.
void RequestTracker::Close(std::unordered_map<std::string, Open>::iterator it, double timestamp) {
  Open hop = std::move(it->second);
  open_.erase(it);
  hop.record.finished = true;
  hop.record.duration_ms = (timestamp - hop.started) * 1000;
  Purge(early_request_extra_, hop.cdp_id);
  Purge(early_response_extra_, hop.cdp_id);
  Complete(std::move(hop));
}

// A closed hop leaves the tracker now, or after its body arrives.
void RequestTracker::Complete(Open hop) {
  Late late{hop.record.request_id, !hop.has_extra_request_headers,
            hop.expects_response_extra && !hop.has_extra_response_headers};
  if (late.wants_request || late.wants_response) {
    late_[hop.cdp_id] = late;
  } else {
    late_.erase(hop.cdp_id);
  }
  if (hop.awaiting_post_data) {
    held_.push_back(std::move(hop));
  } else {
    completed_.push_back(std::move(hop.record));
  }
}

RequestRecord* RequestTracker::FindUntaken(const std::string& record_id) {
  for (auto it = completed_.rbegin(); it != completed_.rend(); ++it) {
    if (it->request_id == record_id) return &*it;
  }
  for (Open& hop : held_) {
    if (hop.record.request_id == record_id) return &hop.record;
  }
  return nullptr;
}

// ExtraInfo after its hop closed (Chrome may send it after loadingFinished,
// or after the next hop of a redirect started): merge it while the record is
// still here. False when there is no such hop.
bool RequestTracker::PatchLate(const p::ResponseReceivedExtraInfo& e) {
  auto it = late_.find(e.request_id);
  if (it == late_.end() || !it->second.wants_response) return false;
  RequestRecord* record = FindUntaken(it->second.record_id);
  if (record == nullptr || !ExtraMatches(e.status_code, record->status.value_or(0))) return false;
  ApplyResponseExtra(e, *record);
  it->second.wants_response = false;
  return true;
}

bool RequestTracker::PatchLate(const p::RequestWillBeSentExtraInfo& e) {
  auto it = late_.find(e.request_id);
  if (it == late_.end() || !it->second.wants_request) return false;
  RequestRecord* record = FindUntaken(it->second.record_id);
  if (record == nullptr) return false;
  ApplyRequestExtra(e, *record);
  it->second.wants_request = false;
  return true;
}

// Keeps at most post_data_cap bytes of a body, and only what the visit's POST
// data budget has left; the rest is cut and its memory given back.
void RequestTracker::ApplyPostData(RequestRecord& record, std::optional<std::string> body) {
  if (!body) return;
  record.post_data_size = static_cast<int64_t>(body->size());
  size_t keep = std::min(body->size(), context_.post_data_cap);
  bool over_budget = false;
  if (context_.budget != nullptr) {
    auto fit = static_cast<size_t>(context_.budget->TakeBytes(Budget::kPostDataBytes, static_cast<int64_t>(keep)));
    over_budget = fit < keep;
    if (over_budget) context_.budget->Drop(Budget::kPostDataBytes);
    keep = fit;
  }
  if (keep < body->size()) {
    body->resize(keep);  // a cut UTF-8 sequence is repaired by the writer
    body->shrink_to_fit();
    record.post_data_truncated = true;
  }
  if (over_budget && keep == 0) return;  // nothing kept: post_data stays null
  record.post_data = std::move(body);
}

void RequestTracker::OnPostData(const std::string& request_id, std::optional<std::string> body,
                                bool base64) {
  if (body && base64) body = DecodeBase64(*body);  // undecodable: recorded as unknown
  // The budget held for the asks of this id is given back; the body takes what it uses.
  auto release = [this](Open& hop) {
    if (context_.budget != nullptr) context_.budget->Refund(Budget::kPostDataBytes, hop.post_data_reserved);
    hop.post_data_reserved = 0;
  };
  if (auto it = open_.find(request_id); it != open_.end()) release(it->second);
  for (Open& hop : held_) {
    if (hop.cdp_id == request_id) release(hop);
  }
  if (auto it = open_.find(request_id); it != open_.end() && it->second.awaiting_post_data) {
    ApplyPostData(it->second.record, body);
    it->second.awaiting_post_data = false;
  }
  // Every finished hop of this id that waited (a 307/308 chain resends the body).
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->cdp_id != request_id) {
      ++it;
      continue;
    }
    ApplyPostData(it->record, body);
    completed_.push_back(std::move(it->record));
    it = held_.erase(it);
  }
}

std::string RequestTracker::UrlOf(const std::string& request_id) const {
  auto it = open_.find(request_id);
  return it == open_.end() ? "" : it->second.record.url;
}

std::vector<RequestRecord> RequestTracker::TakeCompleted() {
  late_.clear();  // taken records can no longer be patched
  std::vector<RequestRecord> out = std::move(completed_);
  completed_.clear();
  return out;
}

// Everything not yet handed out: completed records first, then hops whose
// body never came (finished, without post_data), then open hops in the order
// they started, marked finished=false.
std::vector<RequestRecord> RequestTracker::Flush() {
  std::vector<RequestRecord> out = TakeCompleted();
  for (Open& hop : held_) out.push_back(std::move(hop.record));
  std::vector<Open*> open;
  for (auto& [id, hop] : open_) open.push_back(&hop);
  std::sort(open.begin(), open.end(), [](const Open* a, const Open* b) { return a->seq < b->seq; });
  for (Open* hop : open) {
    hop->record.finished = false;
    out.push_back(std::move(hop->record));
  }
  held_.clear();
  open_.clear();
  early_request_extra_.clear();
  early_response_extra_.clear();
  return out;
}

}  // namespace worker
