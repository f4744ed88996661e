// Adblock Plus / uBlock Origin NETWORK filter matcher (EasyList, EasyPrivacy).
// Cosmetic filters, scriptlets and comments are skipped and counted; a filter
// with an option it does not know is ignored whole (as uBlock Origin does).
// Syntax and semantics: worker/analysis/classify/filter_list.cc's top comment.
// A built FilterSet is immutable under Match(): const calls are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace worker::classify {

// Request types of the filter syntax, as bits of a mask.
enum class ResourceType : uint16_t {
  kOther = 1 << 0,
  kScript = 1 << 1,
  kImage = 1 << 2,
  kStylesheet = 1 << 3,
  kXmlHttpRequest = 1 << 4,
  kSubdocument = 1 << 5,
  kPing = 1 << 6,
  kMedia = 1 << 7,
  kFont = 1 << 8,
  kWebSocket = 1 << 9,
  kDocument = 1 << 10,
  kObject = 1 << 11,
};

// CDP's Network.ResourceType name ("Script", "XHR", "Fetch", ...) to a filter
// type, as uBlock Origin maps Chromium's: Fetch -> xmlhttprequest, a Document
// loaded in a subframe -> subdocument, unknown names -> other.
ResourceType ResourceTypeFromCdp(std::string_view cdp_type, bool in_subframe = false);

struct FilterContext {
  std::string_view url;        // the request's full URL
  std::string_view page_host;  // host of the top-level page (for domain=)
  ResourceType type = ResourceType::kOther;
  bool third_party = false;  // request and page are different sites
  // "GET", "POST"... for method=; empty: unknown. The `= {}` keeps
  // four-member initializers free of -Wmissing-field-initializers.
  std::string_view method = {};
};

struct FilterMatch {
  std::string list;    // list name given to Add()
  std::string filter;  // the rule text as written
  bool important = false;
};

// The full verdict: the blocking filter found (important ones first) and the
// exception that cancelled it, if any.
struct FilterVerdict {
  bool blocked = false;
  std::optional<FilterMatch> block;      // set when some blocking filter matched
  std::optional<FilterMatch> exception;  // set when an exception cancelled `block`
};

struct FilterListStats {
  size_t filters = 0;      // network filters kept (blocking + exceptions)
  size_t exceptions = 0;   // of which @@ exceptions
  size_t cosmetic = 0;     // ##, #@#, #?#, #$#, scriptlets, $$ html filters
  size_t comments = 0;     // ! and [Adblock ...] lines
  size_t unsupported = 0;  // unknown option, non-blocking (redirect=, csp=...), popup...
  size_t invalid = 0;      // malformed: bad regex, empty domain=, ...
};

class FilterSet {
 public:
  FilterSet();
  ~FilterSet();
  FilterSet(FilterSet&&) noexcept;
  FilterSet& operator=(FilterSet&&) noexcept;

  static FilterSet Parse(std::string_view list_name, std::string_view text);
  // Adds a list (one filter a line) and rebuilds the index.
  FilterListStats Add(std::string_view list_name, std::string_view text);

  // The blocking filter that applies, or nullopt when none does or an
  // exception cancelled it.
  std::optional<FilterMatch> Match(const FilterContext& ctx) const;
  FilterVerdict Evaluate(const FilterContext& ctx) const;

  size_t size() const;

  struct Filter;  // internal (filter_list.cc)
  struct Index;   // internal

 private:
  void Rebuild();
  struct Subject;  // a request prepared for matching
  // kind 0: blocking filters, 1: exceptions.
  const Filter* FindFilter(int kind, const FilterContext& ctx, const Subject& subject, bool want_important) const;
  FilterMatch ToMatch(const Filter& f) const;

  std::vector<std::string> lists_;
  std::vector<Filter> filters_;
  std::unordered_set<std::string> bad_filters_;  // texts cancelled by $badfilter
  std::unique_ptr<Index> index_;
};

// Pattern matching helpers, exposed for tests.
namespace filter_detail {
// '^': any character but a letter, digit, '_', '-', '.', '%' (or the URL end).
constexpr bool IsSeparator(char c) {
  const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == '%';
  return !word;
}
// Token characters: [a-z0-9%] on a lower-cased URL.
constexpr bool IsTokenChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '%'; }
// Calls fn(begin, end) for each maximal run of token characters in `text`.
template <typename Fn>
void ForEachToken(std::string_view text, Fn&& fn) {
  for (size_t a = 0; a < text.size();) {
    if (!IsTokenChar(text[a])) {
      ++a;
      continue;
    }
    size_t b = a;
    while (b < text.size() && IsTokenChar(text[b])) ++b;
    fn(a, b);
    a = b;
  }
}
// djb2 with xor: a shift and an add per character, the cheapest dependency
// chain in the URL scan (which uses the same steps). Collisions only cost an
// extra candidate check. Never 0 (the untokenized bucket).
inline constexpr uint32_t kTokenHashSeed = 5381;
inline uint32_t TokenHashStep(uint32_t h, uint8_t c) { return ((h << 5) + h) ^ c; }
inline uint32_t TokenHash(std::string_view token) {
  uint32_t h = kTokenHashSeed;
  for (char c : token) h = TokenHashStep(h, static_cast<uint8_t>(c));
  return h == 0 ? 1 : h;
}
// The URL's hostname span [begin, end) (after "scheme://" and any userinfo).
void HostSpan(std::string_view url, size_t& begin, size_t& end);
}  // namespace filter_detail

}  // namespace worker::classify
