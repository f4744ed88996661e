// Builds the site_summary record from a visit's attributed records.
// Who a third party is comes from the request and cookie records' `tracker`
// (TrackerDB); a domain TrackerDB does not know is named by its registrable
// domain, so that nothing that left the browser is missing from the findings.
#include "worker/analysis/site_summary.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "worker/normalize/registrable_domain.h"
#include "common/url.h"
#include "worker/record/visit_result.h"

namespace worker {
namespace {

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// How a request reached its recipient, in the words of the brief: pixel,
// script, iframe, worker, ...; a redirect hop counts as a redirect (cookie
// syncing travels that way).
std::string Mechanism(const RequestRecord& r) {
  if (r.redirect_from) return "redirect";
  if (r.target_type == "worker" || r.target_type == "shared_worker" || r.target_type == "service_worker") {
    return "worker";
  }
  const std::string& t = r.resource_type;
  if (t == "Image") return "pixel";
  if (t == "Script") return "script";
  if (t == "Document") return r.target_type == "popup" ? "popup" : "iframe";
  if (t == "Fetch" || t == "XHR") return "fetch";
  if (t == "Ping") return "beacon";
  if (t == "WebSocket") return "websocket";
  return "other";
}

// The organization behind a domain, or the domain itself when TrackerDB does
// not know it: the name a finding uses.
struct Recipient {
  std::string name;
  std::vector<std::string> categories;
};

std::string LeakWords(const PiiLeakRecord& leak) {
  static const std::map<std::string, std::string, std::less<>> kField = {
      {"email", "your email"},        {"phone", "your phone number"}, {"first_name", "your first name"},
      {"last_name", "your last name"}, {"full_name", "your name"},     {"postcode", "your postcode"}};
  static const std::map<std::string, std::string, std::less<>> kEncoding = {
      {"plain", "in plain text"}, {"url", "URL-encoded"}, {"base64", "base64"}, {"md5", "MD5"},
      {"sha1", "SHA-1"},          {"sha256", "SHA-256"},  {"sha512", "SHA-512"}};
  if (leak.field == "page_url" || leak.field == "page_title") {
    std::string words = leak.field == "page_url" ? "the page URL" : "the page title";
    if (!leak.sensitive_terms.empty()) words += " (sensitive: " + Join(leak.sensitive_terms) + ")";
    return words;
  }
  auto field = kField.find(leak.field);
  auto encoding = kEncoding.find(leak.encoding);
  return (field != kField.end() ? field->second : leak.field) + " (" +
         (encoding != kEncoding.end() ? encoding->second : leak.encoding) + ")";
}

}  // namespace

SiteSummaryRecord BuildSiteSummary(const VisitResult& result) {
  const VisitRecord& v = result.visit;
  SiteSummaryRecord s;
  s.visit_id = v.visit_id;
  s.site = v.site;
  s.input_url = v.input_url;
  s.final_url = v.final_url;
  s.outcome = v.outcome;

  std::map<std::string, SummaryParty> parties;  // by registrable domain
  std::vector<std::string> party_order;
  auto party = [&](const std::string& domain) -> SummaryParty& {
    auto [it, added] = parties.try_emplace(domain);
    if (added) {
      it->second.domain = domain;
      party_order.push_back(domain);
    }
    return it->second;
  };
  auto attribute = [](SummaryParty& p, const std::optional<TrackerAttribution>& t) {
    if (!t) return;
    if (!p.organization && t->organization) p.organization = t->organization;
    AddUnique(p.trackers, t->tracker);
    AddUnique(p.categories, t->category);
  };
  std::map<std::string, const RequestRecord*> request_by_id;
  for (const RequestRecord& r : result.requests) {
    request_by_id.emplace(r.request_id, &r);
    ++s.requests;
    if (r.filter_list) ++s.filter_matched_requests;
    if (!r.third_party) continue;
    ++s.third_party_requests;
    SummaryParty& p = party(normalize::RegistrableDomain(common::HostOf(r.url)));
    ++p.requests;
    if (r.filter_list) ++p.filter_matches;
    AddUnique(p.mechanisms, Mechanism(r));
    attribute(p, r.tracker);
  }
  for (const CookieRecord& c : result.cookies) {
    if (c.blocked) continue;
    if (c.tracker) ++s.tracker_cookies;
    if (!c.third_party) {
      ++s.first_party_cookies;
      continue;
    }
    ++s.third_party_cookies;
    std::string_view domain = c.domain;
    if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
    SummaryParty& p = party(normalize::RegistrableDomain(domain));
    ++p.cookies;
    attribute(p, c.tracker);
  }

  // Organizations by requests (most first), then the domains nobody claims.
  std::vector<const SummaryParty*> ranked;
  for (const auto& domain : party_order) ranked.push_back(&parties[domain]);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const SummaryParty* a, const SummaryParty* b) { return a->requests > b->requests; });
  std::map<std::string, Recipient> recipients;  // by domain
  std::vector<std::string> recipient_order;     // names, ranked
  std::map<std::string, std::vector<std::string>> categories_of;  // name -> categories
  for (const SummaryParty* p : ranked) {
    s.third_parties.push_back(*p);
    std::string name = p->organization.value_or(p->domain);
    if (p->organization) AddUnique(s.organizations, *p->organization);
    for (const auto& c : p->categories) {
      AddUnique(s.categories, c);
      AddUnique(categories_of[name], c);
    }
    recipients[p->domain] = Recipient{name, p->categories};
    AddUnique(recipient_order, name);
  }
  std::sort(s.categories.begin(), s.categories.end());
  auto recipient_of_url = [&](std::string_view url) {
    std::string domain = normalize::RegistrableDomain(common::HostOf(url));
    auto it = recipients.find(domain);
    return it != recipients.end() ? it->second.name : domain;
  };

  // What each recipient was sent: events first, in the order sent, then leaks.
  std::map<std::string, std::vector<std::string>> sent;  // name -> items
  std::map<std::string, SummaryPlatform> platforms;
  std::vector<std::string> platform_order;
  for (const TrackerEventRecord& e : result.tracker_events) {
    if (e.duplicate) continue;
    auto [it, added] = platforms.try_emplace(e.platform);
    if (added) platform_order.push_back(e.platform);
    SummaryPlatform& pl = it->second;
    pl.platform = e.platform;
    if (e.account_id) AddUnique(pl.account_ids, *e.account_id);
    AddUnique(pl.events, e.event_name);
    if (e.button_text) AddUnique(pl.button_texts, *e.button_text);
    for (const IdentityField& f : e.identity_fields) {
      if (f.empty_hash) continue;
      AddUnique(pl.identities, f.kind + " (" + (f.hashed ? f.hash_algorithm.value_or("hashed") : "plain") + ")");
    }
    auto request = request_by_id.find(e.request_id);
    if (request == request_by_id.end() || !request->second->third_party) continue;
    std::string item = e.event_name;
    if (e.button_text) item += " (button text '" + *e.button_text + "')";
    AddUnique(sent[recipient_of_url(request->second->url)], item);
  }
  for (const auto& name : platform_order) s.tracker_events.push_back(platforms[name]);
  for (const PiiLeakRecord& leak : result.pii_leaks) {
    ++s.pii_leaks;
    s.third_party_pii_leaks += leak.third_party;
  }
  // The typed identity before the page's address: it is the graver finding.
  for (bool page_data : {false, true}) {
    for (const PiiLeakRecord& leak : result.pii_leaks) {
      bool is_page = leak.field == "page_url" || leak.field == "page_title";
      if (!leak.third_party || is_page != page_data) continue;
      auto it = recipients.find(leak.recipient_domain);
      std::string name = leak.organization.value_or(it != recipients.end() ? it->second.name : leak.recipient_domain);
      AddUnique(sent[name], LeakWords(leak));
    }
  }
  for (const PiiLeakRecord& leak : result.pii_leaks) {
    bool typed = leak.field != "page_url" && leak.field != "page_title";
    if (leak.third_party && typed && (leak.timing == "before_submit" || leak.timing == "no_submit")) {
      auto it = recipients.find(leak.recipient_domain);
      AddUnique(s.key_logging,
                leak.organization.value_or(it != recipients.end() ? it->second.name : leak.recipient_domain));
    }
  }
  for (const auto& name : recipient_order) {
    if (sent.count(name)) s.findings.push_back("Sent to " + name + ": " + Join(sent[name]));
  }
  for (const auto& [name, items] : sent) {  // recipients of leaks only (a WebSocket peer, say)
    if (std::find(recipient_order.begin(), recipient_order.end(), name) == recipient_order.end()) {
      s.findings.push_back("Sent to " + name + ": " + Join(items));
    }
  }

  std::map<std::string, std::vector<std::string>> techniques;  // fingerprinter -> techniques
  std::vector<std::string> fingerprinter_order;
  for (const FingerprintRecord& f : result.fingerprints) {
    AddUnique(s.fingerprinting, f.technique + ": " + f.script_url);
    std::string name = recipient_of_url(f.script_url);
    if (!f.third_party) name = "the site itself (" + f.script_domain + ")";
    AddUnique(fingerprinter_order, name);
    AddUnique(techniques[name], f.technique);
  }
  for (const auto& name : fingerprinter_order) {
    s.findings.push_back("Fingerprinted by " + name + ": " + Join(techniques[name]));
  }
  if (!s.key_logging.empty()) {
    s.findings.push_back("Read what was typed before any submit (key logging): " + Join(s.key_logging));
  }
  for (const SessionRecorderRecord& r : result.session_recorders) AddUnique(s.session_recorders, r.vendor);
  if (!s.session_recorders.empty()) s.findings.push_back("Session recorded by " + Join(s.session_recorders));

  std::vector<std::string> contacted;
  for (const auto& name : recipient_order) {
    const auto& cats = categories_of[name];
    contacted.push_back(cats.empty() ? name : name + " (" + Join(cats) + ")");
  }
  if (!contacted.empty()) s.findings.push_back("Third parties contacted: " + Join(contacted));
  if (s.third_party_cookies > 0) {
    s.findings.push_back(std::to_string(s.third_party_cookies) + " third-party cookie" +
                         (s.third_party_cookies == 1 ? "" : "s") + " set, " + std::to_string(s.tracker_cookies) +
                         " by known trackers");
  }
  return s;
}

}  // namespace worker
