// The leak search. For one visit:
// - Haystacks: each request's URL (where=url), post_data (body) and request
//   headers (header; the Cookie header is where=cookie; HTTP/2 pseudo-headers
//   like ":path" are skipped, they repeat the URL), each sent WebSocket frame
//   (websocket) and each third-party cookie of the final jar (cookie, its
//   name in header_name).
// - Needles: the canary's (needles.h) for every haystack; the page URL
//   (without fragment) and title, plain and percent-encoded, for third-party
//   haystacks only, when they carry a sensitive term.
// - One Aho-Corasick pass (multi_search.h) per view of a haystack: as sent,
//   percent-decoded once, and twice (double encoding), the decoded views only
//   when they differ. A field found in an earlier view is not looked for in
//   a later one (the same value, decoded). A plain or percent-encoded needle
//   found in a decoded view is reported as encoding "url", wrapped "percent"
//   (one layer of encoding in all) or "percent_twice" (two or more).
// - Short values (first / last name, postcode, bare phone digits) sent plain
//   count only as a whole token (not next to a letter, digit, '.', '_', '-'
//   or '@'), inside a parameter value (text_scan.h's ParameterAt), and not
//   inside a longer needle's hit: "Jane" in "Janet", in page text, in
//   "jane.doe@..." or in "Jane+Doe" is none.
// - Also, for third-party requests: a Referer header or a dl / url / ... query
//   or form parameter holding any URL of the visit's site whose path or query
//   has a sensitive term is a page_url leak (pages navigate; the page URL
//   option is only the last one).
// - Records are unique by (request, field, encoding, wrapped, where,
//   header_name, parameter); the first hit's evidence is kept.
#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_set>

#include "worker/normalize/registrable_domain.h"
#include "common/strings.h"
#include "common/url.h"
#include "worker/analysis/pii/multi_search.h"
#include "worker/analysis/pii/needles.h"
#include "worker/analysis/pii/pii_leak.h"
#include "worker/analysis/pii/text_scan.h"

namespace worker {
namespace {

using pii::Needle;

// Parameters that carry the page's own URL in trackers' requests.
const std::set<std::string, std::less<>> kPageUrlParams = {"dl", "rl", "url", "u", "page", "page_url",
                                                           "href", "location", "referrer", "ref", "r"};

struct Where {
  std::string request_id, url, where;
  std::optional<std::string> header_name;
  bool third_party = false;
  std::string timing;
};

// A short value sent plain must stand alone: not next to a letter or digit,
// nor inside an email address or identifier ("jane.doe@", "doe_42").
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' || c == '@';
}

std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '.';
  }
  return out;
}

std::string Evidence(std::string_view text, size_t begin, size_t length) {
  size_t from = begin > 50 ? begin - 50 : 0;
  size_t to = std::min(text.size(), begin + std::min<size_t>(length, 128) + 50);
  return Printable(text.substr(from, to - from));
}

std::string Timing(std::optional<double> when, const PiiOptions& options) {
  if (!options.first_submit_wall_time) return "no_submit";
  if (!when) return "unknown";
  return *when < *options.first_submit_wall_time ? "before_submit" : "after_submit";
}

std::string WithoutFragment(std::string_view url) { return std::string(url.substr(0, url.find('#'))); }

class Search {
 public:
  Search(const VisitResult& visit, const PiiOptions& options) : visit_(visit), options_(options) {
    needles_ = pii::CanaryNeedles(options.canary);
    AddPageNeedles();
    std::vector<std::string> patterns;
    for (const Needle& n : needles_) patterns.push_back(n.text);
    automaton_ = std::make_unique<pii::MultiSearch>(patterns);
    for (const Needle& n : needles_) longest_ = std::max(longest_, n.text.size());
  }

  std::vector<PiiLeakRecord> Run() {
    for (const RequestRecord& r : visit_.requests) SearchRequest(r);
    for (const WebSocketRecord& ws : visit_.websockets) {
      if (ws.direction != "sent" || !ws.payload) continue;
      // Frames carry CDP's monotonic clock only: no wall time to compare with the submit.
      Where w{ws.request_id, ws.url, "websocket", std::nullopt, ws.third_party, Timing(std::nullopt, options_)};
      SearchText(*ws.payload, w);
    }
    for (const CookieRecord& c : visit_.cookies) {
      if (!c.third_party || c.blocked) continue;
      std::string domain = c.domain.rfind('.', 0) == 0 ? c.domain.substr(1) : c.domain;
      // The jar is read at the end: when the cookie was set is not known.
      Where w{"", "https://" + domain + "/", "cookie", c.name, true, Timing(std::nullopt, options_)};
      SearchText(c.value, w);
    }
    return std::move(records_);
  }

 private:
  void AddPageNeedles() {
    auto add = [&](const std::string& value, const char* field, const char* normalization,
                   const std::vector<std::string>& terms) {
      if (value.size() < 4 || terms.empty()) return;
      auto push = [&](std::string text, const char* encoding, const char* wrapped) {
        for (const Needle& n : needles_) if (n.text == text) return;
        needles_.push_back({std::move(text), field, encoding, wrapped, normalization, false, true, terms});
      };
      push(value, "plain", "");
      push(pii::PercentEncode(value, false), "url", "percent");
      push(pii::PercentEncode(value, true), "url", "form");
    };
    add(WithoutFragment(options_.page_url), "page_url", "no_fragment",
        pii::SensitiveTermsInUrl(options_.page_url, options_.sensitive_terms));
    add(options_.page_title, "page_title", "as_shown",
        pii::SensitiveTermsIn(options_.page_title, options_.sensitive_terms));
  }

  void SearchRequest(const RequestRecord& r) {
    Where w{r.request_id, r.url, "url", std::nullopt, r.third_party, Timing(r.wall_time, options_)};
    SearchText(r.url, w);
    if (r.post_data) {
      w.where = "body";
      SearchText(*r.post_data, w);
    }
    for (const auto& [name, value] : r.request_headers) {
      if (name.empty() || name[0] == ':') continue;
      bool cookie = EqualsIgnoreCase(name, "cookie");
      w.where = cookie ? "cookie" : "header";
      w.header_name = name;
      SearchText(value, w);
    }
    if (r.third_party) SearchPageUrls(r, w);
  }

  static bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }

  void SearchText(std::string_view raw, const Where& w) {
    std::unordered_set<std::string> accepted;  // fields found in an earlier view
    std::string once, twice;
    std::string_view views[3] = {raw, {}, {}};
    if (raw.find('%') != std::string_view::npos) {
      once = common::PercentDecode(raw);
      if (once != raw) views[1] = once;
      if (once.find('%') != std::string::npos) {
        twice = common::PercentDecode(once);
        if (twice != once) views[2] = twice;
      }
    }
    for (int v = 0; v < 3; ++v) {
      if (v > 0 && views[v].empty()) continue;
      std::unordered_set<std::string> accepted_here;
      std::vector<pii::MultiSearch::Hit> hits = automaton_->Search(views[v]), containers;
      for (const pii::MultiSearch::Hit& hit : hits) {
        if (!needles_[hit.pattern].bounded) containers.push_back(hit);
      }
      std::optional<pii::ParameterIndex> parameters;  // built for the first hit that needs it
      std::set<std::pair<size_t, std::optional<std::string>>> tried;  // (needle, parameter) recorded
      for (const pii::MultiSearch::Hit& hit : hits) {
        if (accepted.count(needles_[hit.pattern].field)) continue;
        if (needles_[hit.pattern].bounded && InsideLongerHit(hit, containers)) continue;
        if (TryHit(views[v], hit, v, w, parameters, tried)) accepted_here.insert(needles_[hit.pattern].field);
      }
      accepted.insert(accepted_here.begin(), accepted_here.end());
    }
  }

  // "jane" in "jane.doe@example.com" or "Jane" in "Jane+Doe" is part of the
  // email or full name found there, not a name of its own.
  // `containers` are the view's hits of non-bounded needles, ordered by end
  // (as MultiSearch returns them): only those ending in [end, end + longest)
  // can contain the hit.
  bool InsideLongerHit(const pii::MultiSearch::Hit& hit, const std::vector<pii::MultiSearch::Hit>& containers) const {
    size_t begin = hit.begin, end = hit.begin + needles_[hit.pattern].text.size();
    auto end_of = [&](const pii::MultiSearch::Hit& h) { return h.begin + needles_[h.pattern].text.size(); };
    auto it = std::partition_point(containers.begin(), containers.end(),
                                   [&](const pii::MultiSearch::Hit& h) { return end_of(h) < end; });
    for (; it != containers.end() && end_of(*it) < end + longest_; ++it) {
      if (it->begin <= begin && end_of(*it) - it->begin > end - begin) return true;
    }
    return false;
  }

  // Records the hit unless a rule rejects it; true when it counts.
  bool TryHit(std::string_view text, const pii::MultiSearch::Hit& hit, int view, const Where& w,
              std::optional<pii::ParameterIndex>& parameters,
              std::set<std::pair<size_t, std::optional<std::string>>>& tried) {
    const Needle& n = needles_[hit.pattern];
    if (n.third_party_only && !w.third_party) return false;
    size_t end = hit.begin + n.text.size();
    if (n.bounded && ((hit.begin > 0 && IsTokenChar(text[hit.begin - 1])) ||
                      (end < text.size() && IsTokenChar(text[end])))) {
      return false;
    }
    if (!parameters) parameters.emplace(text);
    std::optional<std::string> parameter = parameters->At(hit.begin);
    if (n.bounded && !parameter) return false;
    // The same needle in the same parameter again (a value repeated 10,000
    // times in a body) makes the same record: skip the work.
    if (!tried.emplace(hit.pattern, parameter).second) return true;
    PiiLeakRecord r;
    r.visit_id = visit_.visit.visit_id;
    r.request_id = w.request_id;
    r.field = n.field;
    r.encoding = n.encoding;
    if (!n.wrapped.empty()) r.wrapped = n.wrapped;
    // Layers of percent-encoding the value had as sent: the needle's own plus
    // one per decoding of the view it was found in.
    int layers = view + (n.encoding == "url" ? 1 : 0);
    if (layers > 0 && (n.encoding == "plain" || n.encoding == "url")) {
      r.encoding = "url";
      if (layers > 1) r.wrapped = "percent_twice";
      else if (n.encoding == "plain") r.wrapped = "percent";
    }
    r.normalization = n.normalization;
    r.sensitive_terms = n.sensitive_terms;
    if (parameter) r.parameter = Printable(common::PercentDecode(*parameter));
    r.evidence = Evidence(text, hit.begin, n.text.size());  // ~200 bytes: cheap next to the key
    Add(std::move(r), w);
    return true;
  }

  // Third-party requests carrying any sensitive URL of the site (see the top comment).
  void SearchPageUrls(const RequestRecord& r, Where w) {
    auto check = [&](std::string_view raw_value, const Where& at, std::optional<std::string> parameter) {
      std::string value = common::PercentDecode(raw_value);
      if (normalize::RegistrableDomain(common::HostOf(value)) != options_.site) return;
      std::vector<std::string> terms = pii::SensitiveTermsInUrl(value, options_.sensitive_terms);
      if (terms.empty()) return;
      PiiLeakRecord leak;
      leak.visit_id = visit_.visit.visit_id;
      leak.request_id = at.request_id;
      leak.field = "page_url";
      bool encoded = raw_value.find('%') != std::string_view::npos;
      leak.encoding = encoded ? "url" : "plain";
      if (encoded) leak.wrapped = "percent";
      leak.normalization = "as_sent";
      leak.parameter = std::move(parameter);
      leak.sensitive_terms = std::move(terms);
      leak.evidence = Printable(value.substr(0, 160));
      Add(std::move(leak), at);
    };
    for (const auto& [name, value] : r.request_headers) {
      if (!EqualsIgnoreCase(name, "referer")) continue;
      w.where = "header";
      w.header_name = name;
      check(value, w, std::nullopt);
    }
    w.header_name = std::nullopt;
    auto params = [&](std::string_view text, const char* where) {
      w.where = where;
      pii::ForEachParam(text, [&](std::string_view name, std::string_view value) {
        if (kPageUrlParams.count(name)) check(value, w, std::string(name));
      });
    };
    auto parsed = common::ParseUrl(r.url);
    if (parsed.ok()) params(parsed.value().query, "url");
    if (r.post_data) params(*r.post_data, "body");
  }

  void Add(PiiLeakRecord r, const Where& w) {
    r.header_name = w.header_name;
    r.where = w.where;
    auto key = std::make_tuple(r.request_id, r.field, r.encoding, r.wrapped, r.where, r.header_name, r.parameter);
    if (!keys_.insert(std::move(key)).second) return;
    r.third_party = w.third_party;
    r.timing = w.timing;
    std::string url = w.url;
    if (url.rfind("ws", 0) == 0) url.replace(0, 2, "http");  // curl parses ws:// only when built with it
    r.recipient_host = common::HostOf(url);
    r.recipient_domain = normalize::RegistrableDomain(r.recipient_host);
    records_.push_back(std::move(r));
  }

  using Key = std::tuple<std::string, std::string, std::string, std::optional<std::string>, std::string,
                         std::optional<std::string>, std::optional<std::string>>;
  const VisitResult& visit_;
  const PiiOptions& options_;
  std::vector<Needle> needles_;
  std::unique_ptr<pii::MultiSearch> automaton_;
  size_t longest_ = 0;
  std::set<Key> keys_;
  std::vector<PiiLeakRecord> records_;
};

}  // namespace

std::vector<PiiLeakRecord> FindPiiLeaks(const VisitResult& visit, const PiiOptions& options) {
  return Search(visit, options).Run();
}

std::vector<std::string> HealthSensitiveTerms() {
  return {"cancer",        "oncology",       "oncologist",      "tumor",          "tumour",
          "chemotherapy",  "hiv",            "std",             "herpes",         "hepatitis",
          "abortion",      "pregnancy",      "pregnant",        "prenatal",       "miscarriage",
          "fertility",     "ivf",            "contraception",   "birth control",  "vasectomy",
          "depression",    "anxiety",        "mental health",   "psychiatry",     "psychiatric",
          "schizophrenia", "bipolar",        "suicide",         "eating disorder", "addiction",
          "rehab",         "opioid",         "substance use",   "alcoholism",     "diabetes",
          "dementia",      "alzheimer",      "alzheimers",      "dialysis",       "sexual health",
          "transgender",   "gender affirming", "erectile dysfunction", "epilepsy", "mammogram"};
}

}  // namespace worker
