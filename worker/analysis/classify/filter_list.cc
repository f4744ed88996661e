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
//             badfilter, to= (the request's host or a parent; ~ excludes),
//             denyallow= (request hosts exempted), method= (get post ...;
//             ~ excludes; an unknown method fails a positive list). Any
//             other option ignores the filter, as do the non-blocking ones
//             (redirect=, removeparam=, csp=, popup, ...).
//   A filter without a type option applies to every type but document.
// Case-insensitive unless match-case. Speed: each filter is indexed under one
// token (a whole [a-z0-9%] run of its pattern certain to be in any URL it
// matches, the rarest among filters, short and all-digit tokens penalized);
// a URL is tokenized once and only the filters of its tokens, plus the
// untokenizable ones, are tried. Regex filters are tried after, each only when
// its options apply and the URL holds a token the regex requires; exceptions
// are looked at only when something blocks.
#include "worker/analysis/classify/filter_list.h"

#include <re2/re2.h>

#include <algorithm>
#include <utility>

#include "common/strings.h"
#include "worker/analysis/classify/filter_internal.h"

namespace worker::classify {

using filter_detail::HostSpan;
using filter_detail::kTokenHashSeed;
using filter_detail::TokenHash;
using filter_detail::TokenHashStep;

// Filters by token hash, flat for cache-friendliness: a 64 kB blocked Bloom
// filter rejects most URL tokens without touching the table; the
// open-addressed table maps a hash to its runs of blocking and exception
// filter ids, so one probe per URL token serves both passes. Hash 0 is the
// untokenized bucket (TokenHash never returns 0).
namespace {
uint32_t SlotOf(uint32_t key, size_t mask) { return static_cast<uint32_t>((key * 2654435761u) & mask); }
}  // namespace

struct FilterSet::Index {
  static constexpr uint32_t kBloomWords = 1u << 13;  // 64 kB: stays in L2
  // Two bits in one word per key: one cache line per test, ~3% false hits.
  static uint64_t BloomBits(uint32_t key) {
    const uint32_t mixed = key * 0x9E3779B1u;
    return (uint64_t{1} << (mixed >> 26)) | (uint64_t{1} << ((mixed >> 20) & 63));
  }
  static uint32_t BloomWord(uint32_t key) { return key & (kBloomWords - 1); }
  struct Slot {
    uint32_t key = 0, begin[2] = {0, 0}, count[2] = {0, 0};  // [0] blocking, [1] exceptions
    uint32_t important = 0;  // blocking: the first `important` entries are $important ones
  };
  struct Entry {  // a filter id with what rejects most candidates cheaply
    uint32_t id;
    uint32_t also_needs;  // another token the URL must hold, or 0
    uint16_t types;
    Party party;
    bool important;
  };
  struct Regex {  // tried after the token buckets, in list order
    uint32_t id;
    uint32_t token;  // a token any matching URL holds, or 0
  };
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_token[2];  // while building
  std::vector<uint64_t> bloom;
  std::vector<Slot> slots;  // power-of-two size; key 0: empty
  Slot none;                // the untokenized bucket
  std::vector<Entry> ids;
  std::vector<Regex> regexes[2];

  void Freeze(const std::vector<Filter>& filters, const std::vector<uint32_t>& also_needs) {
    std::unordered_map<uint32_t, uint32_t> keys;  // hash -> slot
    for (auto& m : by_token) {
      for (auto& [key, list] : m) keys.emplace(key, 0);
    }
    bloom.assign(kBloomWords, 0);
    size_t size = 16;
    while (size < keys.size() * 2) size *= 2;
    slots.assign(size, Slot{});
    for (auto& [key, slot] : keys) {
      if (key == 0) continue;  // the untokenized bucket lives in `none`
      bloom[BloomWord(key)] |= BloomBits(key);
      uint32_t i = SlotOf(key, size - 1);
      while (slots[i].key != 0) i = static_cast<uint32_t>((i + 1) & (size - 1));
      slots[i].key = key;
      slot = i;
    }
    ids.clear();
    for (int kind = 0; kind < 2; ++kind) {
      for (auto& [key, list] : by_token[kind]) {
        Slot& slot = key == 0 ? none : slots[keys[key]];
        // Blocking: $important first (list order kept within each part), so
        // once a plain match is found only the important prefixes remain.
        if (kind == 0) {
          auto first_plain = std::stable_partition(list.begin(), list.end(),
                                                   [&](uint32_t id) { return filters[id].important; });
          slot.important = static_cast<uint32_t>(first_plain - list.begin());
        }
        slot.begin[kind] = static_cast<uint32_t>(ids.size());
        slot.count[kind] = static_cast<uint32_t>(list.size());
        for (uint32_t id : list) ids.push_back(Entry{id, also_needs[id], filters[id].types, filters[id].party, filters[id].important});
      }
      by_token[kind].clear();
    }
  }
  // The slot of `key`, or nullptr when no filter has it.
  const Slot* Lookup(uint32_t key) const {
    const uint64_t bits = BloomBits(key);
    if ((bloom[BloomWord(key)] & bits) != bits) return nullptr;
    const size_t mask = slots.size() - 1;
    for (uint32_t i = SlotOf(key, mask);; i = static_cast<uint32_t>((i + 1) & mask)) {
      if (slots[i].key == key) return &slots[i];
      if (slots[i].key == 0) return nullptr;
    }
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
    std::string_view line = common::Trim(text.substr(start, nl - start), kFilterSpace);
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
      size_t pos = common::AsciiLower(cancelled).rfind("badfilter");  // options are any case: "$BadFilter"
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
    for (std::string& seg : lowered.segments) seg = common::AsciiLower(seg);
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

  index_ = std::make_unique<Index>();
  std::vector<uint32_t> also_needs(filters_.size(), 0);  // a second token of the filter, checked before its pattern
  for (size_t i = 0; i < filters_.size(); ++i) {
    const Filter& f = filters_[i];
    if (bad_filters_.count(f.text)) continue;
    const int kind = f.exception ? 1 : 0;
    if (f.re) {
      uint32_t token = 0;  // the longest required token, to skip the regex when it is absent
      size_t longest = 0;
      for (const std::string& t : RegexTokens(f.regex)) {
        if (t.size() > longest) token = TokenHash(t), longest = t.size();
      }
      index_->regexes[kind].push_back({static_cast<uint32_t>(i), token});
      continue;
    }
    uint32_t best = 0, second = 0;
    uint32_t best_score = UINT32_MAX, second_score = UINT32_MAX;
    for (const auto& [h, penalty] : candidates[i]) {
      const uint32_t score = uses[h] + penalty;
      if (score < best_score) {
        second = best, second_score = best_score;
        best = h, best_score = score;
      } else if (score < second_score) {
        second = h, second_score = score;
      }
    }
    index_->by_token[kind][best].push_back(static_cast<uint32_t>(i));
    also_needs[i] = second;
  }
  index_->Freeze(filters_, also_needs);
}

namespace {
bool DomainAllowsText(const FilterSet::Filter& f, std::string_view host) {
  for (const std::string& d : f.not_domains) {
    if (HostMatchesDomain(host, d)) return false;
  }
  if (f.domains.empty()) return true;
  for (const std::string& d : f.domains) {
    if (HostMatchesDomain(host, d)) return true;
  }
  return false;
}

// `page_suffixes`: DomainHash of the page host and of each of its suffixes
// that starts after a '.', so a listed domain matches itself and subdomains.
bool DomainAllows(const FilterSet::Filter& f, std::string_view host, const std::vector<uint64_t>& page_suffixes) {
  if (f.entity_domains) return DomainAllowsText(f, host);
  // The lists are sorted (FilterSet::Add): a few binary searches, however long the list.
  auto listed = [&](const std::vector<uint64_t>& hashes) {
    return std::any_of(page_suffixes.begin(), page_suffixes.end(),
                       [&](uint64_t h) { return std::binary_search(hashes.begin(), hashes.end(), h); });
  };
  if (!f.not_domain_hashes.empty() && listed(f.not_domain_hashes)) return false;
  return f.domain_hashes.empty() || listed(f.domain_hashes);
}
}  // namespace

// The request as the filters see it: lower-cased URL and page host, host
// span, the index slots of the URL's distinct tokens in URL order then the
// untokenized bucket, and the set of the URL's token hashes (open-addressed,
// 0 empty) for the regex filters' required tokens.
struct FilterSet::Subject {
  std::string lower, page;
  std::vector<uint64_t> page_suffixes;  // see DomainAllows
  size_t host_begin = 0, host_end = 0;
  uint8_t method = 0;  // MethodBit of the request's method
  std::vector<const Index::Slot*> slots;

  std::string_view RequestHost() const { return std::string_view(lower).substr(host_begin, host_end - host_begin); }
  std::vector<uint32_t> seen;  // power-of-two size, > 2x the token count

  bool Has(uint32_t h) const {
    const size_t mask = seen.size() - 1;
    for (size_t i = h & mask; seen[i] != 0; i = (i + 1) & mask) {
      if (seen[i] == h) return true;
    }
    return false;
  }
  bool Insert(uint32_t h) {  // false when already there
    const size_t mask = seen.size() - 1;
    size_t i = h & mask;
    for (; seen[i] != 0; i = (i + 1) & mask) {
      if (seen[i] == h) return false;
    }
    seen[i] = h;
    return true;
  }
};

const FilterSet::Filter* FilterSet::FindFilter(int kind, const FilterContext& ctx, const Subject& s,
                                               bool want_important) const {
  const Filter* found = nullptr;
  const auto type = static_cast<uint16_t>(ctx.type);
  auto applies = [&](const Filter& f) {
    if (!(f.types & type)) return false;
    if (f.party == Party::kThird && !ctx.third_party) return false;
    if (f.party == Party::kFirst && ctx.third_party) return false;
    if (f.request_options && !RequestOptionsAllow(f, s.RequestHost(), s.method)) return false;
    return DomainAllows(f, s.page, s.page_suffixes);
  };
  // An important filter ends the search; otherwise the first match is kept.
  for (const Index::Slot* slot : s.slots) {
    const Index::Entry* e = index_->ids.data() + slot->begin[kind];
    // After a plain match only $important filters can change the verdict.
    const Index::Entry* end = e + (found ? slot->important : slot->count[kind]);
    for (; e != end; ++e) {
      if (!(e->types & type) || (e->party != Party::kAny && (e->party == Party::kThird) != ctx.third_party)) continue;
      if (e->also_needs != 0 && !s.Has(e->also_needs)) continue;
      const Filter& f = filters_[e->id];
      // Long domain= lists cost more than the pattern: they go last.
      const bool domains_first = f.domains.size() + f.not_domains.size() <= 8;
      if (domains_first && !DomainAllows(f, s.page, s.page_suffixes)) continue;
      std::string_view url = f.match_case ? ctx.url : std::string_view(s.lower);
      if (!MatchPattern(f.pattern, url, s.host_begin, s.host_end)) continue;
      if (!domains_first && !DomainAllows(f, s.page, s.page_suffixes)) continue;
      if (f.request_options && !RequestOptionsAllow(f, s.RequestHost(), s.method)) continue;
      if (!want_important || f.important) return &f;
      found = &f;
      break;  // the rest of this slot is plain (important ones come first)
    }
  }
  for (const Index::Regex& r : index_->regexes[kind]) {
    const Filter& f = filters_[r.id];
    if (found && (!want_important || !f.important)) continue;
    if (!applies(f) || (r.token != 0 && !s.Has(r.token))) continue;
    if (!re2::RE2::PartialMatch(ctx.url, *f.re)) continue;
    found = &f;
    if (!want_important || f.important) return found;
  }
  return found;
}

FilterMatch FilterSet::ToMatch(const Filter& f) const { return FilterMatch{lists_[f.list], f.text, f.important}; }

namespace {
// Per byte: its lower case when it is a token character, else 0 (a byte that
// is no token character is no letter either, so it is its own lower case):
// one load per URL byte.
struct TokenTable {
  uint8_t lower[256];
  constexpr TokenTable() : lower() {
    for (int i = 1; i < 256; ++i) {
      const char c = static_cast<char>(i >= 'A' && i <= 'Z' ? i - 'A' + 'a' : i);
      lower[i] = filter_detail::IsTokenChar(c) ? static_cast<uint8_t>(c) : 0;
    }
  }
};
constexpr TokenTable kTokenTable;
}  // namespace

FilterVerdict FilterSet::Evaluate(const FilterContext& ctx) const {
  FilterVerdict verdict;
  if (!index_) return verdict;
  thread_local Subject s;  // reused: no allocation per request
  s.page.assign(ctx.page_host);
  for (char& c : s.page) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  s.page_suffixes.clear();
  for (size_t from = 0; from < s.page.size();) {
    s.page_suffixes.push_back(DomainHash(std::string_view(s.page).substr(from)));
    size_t dot = s.page.find('.', from);
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  size_t need = 64;
  while (need < ctx.url.size() + 2) need *= 2;
  if (s.seen.size() < need) s.seen.resize(need);
  std::fill(s.seen.begin(), s.seen.begin() + static_cast<std::ptrdiff_t>(need), 0u);
  if (s.seen.size() > need) s.seen.resize(need);
  // Lower-cases and hashes the URL's tokens (as TokenHash) in one pass.
  s.lower.resize(ctx.url.size());
  s.slots.clear();
  uint32_t h = kTokenHashSeed;
  bool in_token = false;
  auto end_token = [&] {
    if (h == 0) h = 1;
    if (s.Insert(h)) {
      if (const Index::Slot* slot = index_->Lookup(h)) s.slots.push_back(slot);
    }
    h = kTokenHashSeed;
    in_token = false;
  };
  const size_t n = ctx.url.size();
  const auto* in = reinterpret_cast<const uint8_t*>(ctx.url.data());
  char* out = s.lower.data();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = kTokenTable.lower[in[i]];
    if (c != 0) {
      out[i] = static_cast<char>(c);
      h = TokenHashStep(h, c);
      in_token = true;
    } else {
      out[i] = static_cast<char>(in[i]);
      if (in_token) end_token();
    }
  }
  if (in_token) end_token();
  s.slots.push_back(&index_->none);
  HostSpan(s.lower, s.host_begin, s.host_end);
  s.method = MethodBit(ctx.method);
  const Filter* block = FindFilter(0, ctx, s, true);
  if (!block) return verdict;
  verdict.block = ToMatch(*block);
  if (block->important) {
    verdict.blocked = true;
    return verdict;
  }
  if (const Filter* allow = FindFilter(1, ctx, s, false)) {
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
