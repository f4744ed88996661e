// Network filters with uBlock Origin's semantics:
//   pattern   plain substring, '*' wildcard, '^' separator (see IsSeparator;
//             also the URL's end), '|' start/end anchor, '||' host anchor (the
//             start of the host or of one of its labels), "/regex/" (RE2).
//   "@@"      exception. A request is blocked when a blocking filter matches
//             and no exception does, or when an $important one matches.
//   options   third-party/3p, first-party/1p/~third-party, domain= (alias
//             from=; the page host or a parent; ~ excludes; "name.*" entity),
//             types (script image stylesheet/css xmlhttprequest/xhr
//             subdocument/frame ping/beacon media font websocket document/doc
//             other object all) and ~negations, important, match-case,
//             badfilter. Any other option ignores the filter, as do the
//             non-blocking ones (redirect=, removeparam=, csp=, popup, ...).
//   A filter without a type option applies to every type but document.
// Case-insensitive unless match-case. Speed: each filter is indexed under one
// token (a whole [a-z0-9%] run of its pattern certain to be in any URL it
// matches, the rarest among filters, short and all-digit tokens penalized);
// a URL is tokenized once and only the filters of its tokens, plus the
// untokenizable ones, are tried. Regex filters go into one RE2::Set per index
// (blocking, exceptions); exceptions are looked at only when something blocks.
#include "worker/classify/filter_list.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <utility>

#include "worker/classify/filter_internal.h"

namespace worker::classify {

using filter_detail::HostSpan;
using filter_detail::TokenHash;

namespace {

// True when `host` is `domain` or one of its subdomains; "name.*" matches any
// host whose labels from some point are "name." followed by anything.
bool HostMatchesDomain(std::string_view host, std::string_view domain) {
  if (domain.ends_with(".*")) {
    std::string_view stem = domain.substr(0, domain.size() - 1);  // "name."
    for (size_t pos = 0; pos + stem.size() < host.size(); ++pos) {
      if ((pos == 0 || host[pos - 1] == '.') && host.compare(pos, stem.size(), stem) == 0) return true;
    }
    return false;
  }
  if (!host.ends_with(domain)) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

}  // namespace

// Filters by token hash, flat for cache-friendliness: a 2^21-bit presence
// bitmap (256 kB) rejects most URL tokens without touching the table; the
// open-addressed table maps a hash to its run of filter ids. Hash 0 is the
// untokenized bucket (TokenHash never returns 0).
namespace {
uint32_t SlotOf(uint32_t key, size_t mask) { return static_cast<uint32_t>((key * 2654435761u) & mask); }
}  // namespace

struct FilterSet::Index {
  static constexpr uint32_t kBloomBits = 1u << 21;
  struct Slot {
    uint32_t key = 0, begin = 0, count = 0;
  };
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_token;  // while building
  std::vector<uint64_t> bloom;
  struct Entry {  // a filter id with what rejects most candidates cheaply
    uint32_t id;
    uint16_t types;
    Party party;
  };
  std::vector<Slot> slots;  // power-of-two size
  std::vector<Entry> ids;
  std::unique_ptr<re2::RE2::Set> regexes;
  std::vector<uint32_t> regex_filters;  // RE2::Set index -> filter

  void Freeze(const std::vector<Filter>& filters) {
    bloom.assign(kBloomBits / 64, 0);
    size_t size = 16;
    while (size < by_token.size() * 2) size *= 2;
    slots.assign(size, Slot{});
    ids.clear();
    for (auto& [key, list] : by_token) {
      const uint32_t k = key;
      bloom[(k % kBloomBits) / 64] |= uint64_t{1} << (k % 64);
      uint32_t i = SlotOf(k, size - 1);
      while (slots[i].count != 0) i = static_cast<uint32_t>((i + 1) & (size - 1));
      slots[i] = Slot{k, static_cast<uint32_t>(ids.size()), static_cast<uint32_t>(list.size())};
      for (uint32_t id : list) ids.push_back(Entry{id, filters[id].types, filters[id].party});
    }
    by_token.clear();
  }
  // The filter ids under `key` (empty when none).
  std::pair<const Entry*, const Entry*> Lookup(uint32_t key) const {
    if (!(bloom[(key % kBloomBits) / 64] >> (key % 64) & 1)) return {nullptr, nullptr};
    const size_t mask = slots.size() - 1;
    for (uint32_t i = SlotOf(key, mask); slots[i].count != 0; i = static_cast<uint32_t>((i + 1) & mask)) {
      if (slots[i].key == key) return {ids.data() + slots[i].begin, ids.data() + slots[i].begin + slots[i].count};
    }
    return {nullptr, nullptr};
  }
};

FilterSet::FilterSet() = default;
FilterSet::~FilterSet() = default;
FilterSet::FilterSet(FilterSet&&) noexcept = default;
FilterSet& FilterSet::operator=(FilterSet&&) noexcept = default;

size_t FilterSet::size() const { return filters_.size(); }

FilterSet FilterSet::Parse(std::string_view list_name, std::string_view text) {
  FilterSet set;
  set.Add(list_name, text);
  return set;
}

FilterListStats FilterSet::Add(std::string_view list_name, std::string_view text) {
  FilterListStats stats;
  const auto list = static_cast<uint32_t>(lists_.size());
  lists_.emplace_back(list_name);
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = Trim(text.substr(start, nl - start));
    start = nl + 1;
    if (line.empty()) continue;
    if (line.front() == '!' || line.front() == '[') {
      ++stats.comments;
      continue;
    }
    if (IsCosmetic(line)) {
      ++stats.cosmetic;
      continue;
    }
    Filter f;
    f.list = list;
    f.text = std::string(line);
    bool invalid = false, badfilter = false;
    if (!ParseNetworkFilter(line, f, invalid, badfilter)) {
      ++(invalid ? stats.invalid : stats.unsupported);
      continue;
    }
    if (badfilter) {  // cancels the same filter without $badfilter
      std::string cancelled = f.text;
      size_t pos = cancelled.rfind("badfilter");
      cancelled.erase(pos, 9);
      while (!cancelled.empty() && (cancelled.back() == ',' || cancelled.back() == '$')) cancelled.pop_back();
      if (size_t dup = cancelled.find(",,"); dup != std::string::npos) cancelled.erase(dup, 1);
      if (size_t lead = cancelled.find("$,"); lead != std::string::npos) cancelled.erase(lead + 1, 1);
      bad_filters_.insert(std::move(cancelled));
      ++stats.unsupported;
      continue;
    }
    ++stats.filters;
    if (f.exception) ++stats.exceptions;
    filters_.push_back(std::move(f));
  }
  Rebuild();
  return stats;
}

void FilterSet::Rebuild() {
  // How many filters could use each token: the rarest one indexes a filter.
  // Short and all-digit tokens are frequent in URLs, and so are a few words:
  // they are penalized (still used when a filter has nothing better).
  std::unordered_map<uint32_t, uint32_t> uses;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> candidates(filters_.size());  // (hash, penalty)
  for (size_t i = 0; i < filters_.size(); ++i) {
    if (!filters_[i].regex.empty()) continue;
    Pattern lowered = filters_[i].pattern;  // match-case patterns keep their case
    for (std::string& seg : lowered.segments) seg = LowerCopy(seg);
    for (const std::string& t : PatternTokens(lowered)) {
      uint32_t penalty = t.size() == 1 ? 4096 : t.size() == 2 ? 512 : t.size() == 3 ? 64 : 0;
      if (t.find_first_not_of("0123456789") == std::string::npos) penalty += 4096;
      candidates[i].emplace_back(TokenHash(t), penalty);
    }
    std::sort(candidates[i].begin(), candidates[i].end());
    candidates[i].erase(std::unique(candidates[i].begin(), candidates[i].end()), candidates[i].end());
    for (const auto& c : candidates[i]) ++uses[c.first];
  }
  static constexpr std::string_view kCommon[] = {"http", "https", "www",  "com", "js",     "net",   "org",
                                                 "html", "php",   "png",  "jpg", "gif",    "css",   "min",
                                                 "static", "cdn", "img",  "api", "assets", "images", "v1",
                                                 "v2",   "id",    "ajax", "fonts", "json", "svg",   "webp"};
  for (std::string_view c : kCommon) uses[TokenHash(c)] += 1 << 16;

  block_ = std::make_unique<Index>();
  allow_ = std::make_unique<Index>();
  for (Index* index : {block_.get(), allow_.get()}) {
    re2::RE2::Options opts;
    opts.set_max_mem(64 << 20);
    opts.set_log_errors(false);
    index->regexes = std::make_unique<re2::RE2::Set>(opts, re2::RE2::UNANCHORED);
  }
  for (size_t i = 0; i < filters_.size(); ++i) {
    const Filter& f = filters_[i];
    if (bad_filters_.count(f.text)) continue;
    Index& index = f.exception ? *allow_ : *block_;
    if (!f.regex.empty()) {
      int n = index.regexes->Add(f.match_case ? f.regex : "(?i)" + f.regex, nullptr);
      if (n >= 0) index.regex_filters.push_back(static_cast<uint32_t>(i));
      continue;
    }
    uint32_t best = 0;
    uint32_t best_score = UINT32_MAX;
    for (const auto& [h, penalty] : candidates[i]) {
      if (uses[h] + penalty < best_score) best = h, best_score = uses[h] + penalty;
    }
    index.by_token[best].push_back(static_cast<uint32_t>(i));
  }
  for (Index* index : {block_.get(), allow_.get()}) {
    index->Freeze(filters_);
    if (index->regex_filters.empty() || !index->regexes->Compile()) {
      index->regexes.reset();
      index->regex_filters.clear();
    }
  }
}

namespace {
bool DomainAllows(const std::vector<std::string>& domains, const std::vector<std::string>& not_domains,
                  std::string_view host) {
  for (const std::string& d : not_domains) {
    if (HostMatchesDomain(host, d)) return false;
  }
  if (domains.empty()) return true;
  for (const std::string& d : domains) {
    if (HostMatchesDomain(host, d)) return true;
  }
  return false;
}
}  // namespace

// The request as the filters see it: lower-cased URL and page host, host
// span, the URL's distinct token hashes then the untokenized bucket (0).
struct FilterSet::Subject {
  std::string lower, page;
  size_t host_begin = 0, host_end = 0;
  std::vector<uint32_t> tokens;
};

const FilterSet::Filter* FilterSet::FindFilter(const Index& index, const FilterContext& ctx, const Subject& s,
                                               bool want_important) const {
  const Filter* found = nullptr;
  const auto type = static_cast<uint16_t>(ctx.type);
  auto applies = [&](const Filter& f) {
    if (!(f.types & static_cast<uint16_t>(ctx.type))) return false;
    if (f.party == Party::kThird && !ctx.third_party) return false;
    if (f.party == Party::kFirst && ctx.third_party) return false;
    return DomainAllows(f.domains, f.not_domains, s.page);
  };
  // An important filter ends the search; otherwise the first match is kept.
  auto consider = [&](uint32_t i) {
    const Filter& f = filters_[i];
    if (found && (!want_important || !f.important)) return false;
    if (!applies(f)) return false;
    std::string_view url = f.match_case ? ctx.url : std::string_view(s.lower);
    if (!MatchPattern(f.pattern, url, s.host_begin, s.host_end)) return false;
    found = &f;
    return !want_important || f.important;
  };
  for (uint32_t t : s.tokens) {
    auto [begin, end] = index.Lookup(t);
    for (const Index::Entry* e = begin; e != end; ++e) {
      if (!(e->types & type) || (e->party != Party::kAny && (e->party == Party::kThird) != ctx.third_party)) continue;
      if (consider(e->id)) return found;
    }
  }
  if (index.regexes) {
    std::vector<int> hits;
    if (index.regexes->Match(ctx.url, &hits)) {
      std::sort(hits.begin(), hits.end());
      for (int h : hits) {
        const Filter& f = filters_[index.regex_filters[static_cast<size_t>(h)]];
        if (found && (!want_important || !f.important)) continue;
        if (!applies(f)) continue;
        found = &f;
        if (!want_important || f.important) return found;
      }
    }
  }
  return found;
}

FilterMatch FilterSet::ToMatch(const Filter& f) const { return FilterMatch{lists_[f.list], f.text, f.important}; }

FilterVerdict FilterSet::Evaluate(const FilterContext& ctx) const {
  FilterVerdict verdict;
  if (!block_) return verdict;
  thread_local Subject s;  // reused: no allocation per request
  s.lower.assign(ctx.url);
  for (char& c : s.lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  s.page.assign(ctx.page_host);
  for (char& c : s.page) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  HostSpan(s.lower, s.host_begin, s.host_end);
  s.tokens.clear();
  const std::string_view lower = s.lower;
  filter_detail::ForEachToken(lower, [&](size_t a, size_t b) {
    uint32_t h = TokenHash(lower.substr(a, b - a));
    if (std::find(s.tokens.begin(), s.tokens.end(), h) == s.tokens.end()) s.tokens.push_back(h);
  });
  s.tokens.push_back(0);
  const Filter* block = FindFilter(*block_, ctx, s, true);
  if (!block) return verdict;
  verdict.block = ToMatch(*block);
  if (block->important) {
    verdict.blocked = true;
    return verdict;
  }
  if (const Filter* allow = FindFilter(*allow_, ctx, s, false)) {
    verdict.exception = ToMatch(*allow);
    return verdict;
  }
  verdict.blocked = true;
  return verdict;
}

std::optional<FilterMatch> FilterSet::Match(const FilterContext& ctx) const {
  FilterVerdict v = Evaluate(ctx);
  if (!v.blocked) return std::nullopt;
  return v.block;
}

}  // namespace worker::classify
