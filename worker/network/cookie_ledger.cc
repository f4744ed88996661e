#include "worker/network/cookie_ledger.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "worker/normalize/registrable_domain.h"
#include "worker/normalize/set_cookie.h"
#include "common/url.h"

namespace worker {
namespace {

namespace p = cdp::protocol;

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

std::string_view StripDot(std::string_view domain) {
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  return domain;
}

// The domain a Set-Cookie line (or a document.cookie string) applies to: its
// Domain attribute, or for a host-only cookie the host of the setting URL.
std::string CookieDomain(const normalize::SetCookie& cookie, std::string_view setter_url) {
  return cookie.domain.empty() ? common::HostOf(setter_url) : cookie.domain;
}

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

CookieLedger::CookieLedger(std::string visit_id, std::string site, VisitBudget* budget)
    : visit_id_(std::move(visit_id)), site_(std::move(site)), budget_(budget) {}

// A jar cookie matches a set when the names are equal and the jar's domain,
// leading dot dropped, equals the set's domain (as before the index).
std::string CookieLedger::Key(std::string_view name, std::string_view domain) {
  std::string key;
  key.reserve(name.size() + domain.size() + 1);
  key.append(name).push_back('\0');
  key.append(domain);
  return key;
}

// Blocked lines also appear among the raw Set-Cookie lines; they are kept
// only as blocked records, since the browser did not store them.
void CookieLedger::OnResponseExtraInfo(const std::string& response_url,
                                       const p::ResponseReceivedExtraInfo& e) {
  if (response_url.empty()) {
    bool sets_cookies = !e.blocked_cookies.empty() ||
                        std::any_of(e.headers.begin(), e.headers.end(),
                                    [](const auto& h) { return IEquals(h.first, "set-cookie"); });
    if (sets_cookies) pending_.push_back(e);
    return;
  }
  Record(response_url, e);
}

void CookieLedger::Record(const std::string& response_url, const p::ResponseReceivedExtraInfo& e) {
  std::vector<std::string_view> blocked_lines;
  for (const p::BlockedSetCookie& blocked : e.blocked_cookies) {
    blocked_lines.push_back(blocked.cookie_line);
    AddBlocked(response_url, blocked);
  }
  for (const auto& [name, value] : e.headers) {
    if (!IEquals(name, "set-cookie")) continue;
    for (std::string_view line : normalize::SplitHeaderLines(value)) {
      if (std::find(blocked_lines.begin(), blocked_lines.end(), line) != blocked_lines.end()) {
        continue;
      }
      auto parsed = normalize::ParseSetCookie(line);
      if (!parsed) continue;
      std::string key = Key(parsed->name, CookieDomain(*parsed, response_url));
      if (http_setter_.size() < kMaxIndexedKeys || http_setter_.count(key)) {
        http_setter_.try_emplace(std::move(key), response_url);  // the first setter keeps the key
      }
    }
  }
}

void CookieLedger::ResolvePending(const std::function<std::string(const std::string&, int)>& url_of) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (const auto& e : pending) {
    // Still unknown (a request no record holds): kept, with no setter URL.
    Record(url_of(e.request_id, e.status_code), e);
  }
}

void CookieLedger::AddBlocked(const std::string& response_url, const p::BlockedSetCookie& b) {
  CookieRecord r;
  r.visit_id = visit_id_;
  auto parsed = normalize::ParseSetCookie(b.cookie_line);
  if (parsed) {
    r.name = parsed->name;
    r.value = parsed->value;
    r.domain = CookieDomain(*parsed, response_url);
    r.path = parsed->path;
    r.http_only = parsed->http_only;
    r.secure = parsed->secure;
    r.same_site = NonEmpty(parsed->same_site);
  }
  r.set_by = "http";
  r.setter_url = NonEmpty(response_url);
  r.third_party = normalize::IsThirdPartyDomain(r.domain, site_);
  r.blocked = true;
  r.blocked_reasons = b.reasons;
  blocked_.push_back(std::move(r));
}

void CookieLedger::OnScriptWrite(const CookieWriteRecord& write) {
  if (auto parsed = normalize::ParseSetCookie(write.cookie)) {
    std::string key = Key(parsed->name, CookieDomain(*parsed, write.frame_url));
    if (js_setter_.size() < kMaxIndexedKeys && !js_setter_.count(key)) {
      js_setter_.emplace(std::move(key), write.script_url ? write.script_url : NonEmpty(write.frame_url));
    }
  }
  if (budget_ != nullptr && !budget_->Take(Budget::kCookieWrites)) return;
  CookieWriteRecord w = write;
  w.visit_id = visit_id_;
  if (w.script_url) w.third_party = normalize::IsThirdParty(*w.script_url, site_);
  writes_.push_back(std::move(w));
}

// set_by and setter_url of one jar cookie: the first matching http setter
// wins the URL (it is the response that set the cookie), then the writing
// script, then the frame of the write when the script is unknown.
void CookieLedger::Attribute(const p::Cookie& c, CookieRecord& r) const {
  std::string key = Key(c.name, StripDot(c.domain));
  auto http = http_setter_.find(key);
  auto js = js_setter_.find(key);
  bool by_http = http != http_setter_.end(), by_js = js != js_setter_.end();
  if (by_http) r.setter_url = NonEmpty(http->second);
  else if (by_js) r.setter_url = js->second;
  r.set_by = by_http && by_js ? "both" : by_http ? "http" : by_js ? "js" : "unknown";
}

std::vector<CookieRecord> CookieLedger::Finish(const std::vector<p::Cookie>& jar) const {
  std::vector<CookieRecord> out;
  for (const p::Cookie& c : jar) {
    CookieRecord r;
    r.visit_id = visit_id_;
    r.name = c.name;
    r.value = c.value;
    r.domain = c.domain;
    r.path = c.path;
    if (!c.session && c.expires >= 0) r.expires = c.expires;
    r.http_only = c.http_only;
    r.secure = c.secure;
    r.same_site = NonEmpty(c.same_site);
    r.partition_key = NonEmpty(c.partition_key);
    Attribute(c, r);
    r.third_party = normalize::IsThirdPartyDomain(c.domain, site_);
    out.push_back(std::move(r));
  }
  out.insert(out.end(), blocked_.begin(), blocked_.end());
  return out;
}

}  // namespace worker
