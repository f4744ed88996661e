// Internals of FilterSet (filter_list.cc, filter_parse.cc, filter_pattern.cc):
// the parsed filter and the pattern part of a network filter (between "@@"
// and "$"): literal text, '*' wildcards, '^' separators, '|' and '||' anchors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "worker/analysis/classify/filter_list.h"

namespace re2 {
class RE2;
}

namespace worker::classify {

struct Pattern {
  std::vector<std::string> segments;  // the pattern split on '*'; may hold '^'
  bool anchor_start = false;          // '|' at the start: the URL's start
  bool anchor_host = false;           // '||': the start of a host label
  bool anchor_end = false;            // '|' at the end: the URL's end
};

// `raw` is taken as written (the caller lower-cases it unless match-case).
Pattern ParsePattern(std::string_view raw);

// True when `p` matches `url`; [host_begin, host_end) is the URL's host.
bool MatchPattern(const Pattern& p, std::string_view url, size_t host_begin, size_t host_end);

// Runs of token characters that any URL matching `p` certainly holds as
// whole tokens: bounded by a literal non-token character, '^' or an anchor,
// never by '*' or an unanchored pattern end.
std::vector<std::string> PatternTokens(const Pattern& p);

// Whole tokens that any text `regex` matches certainly holds (lower-cased):
// runs of literal characters outside groups and classes, bounded by literal
// non-token characters. Empty when the regex has a top-level '|'.
std::vector<std::string> RegexTokens(std::string_view regex);


constexpr uint16_t kAllTypes = 0x0fff;
constexpr uint16_t kDefaultTypes = kAllTypes & ~static_cast<uint16_t>(ResourceType::kDocument);
enum class Party : uint8_t { kAny, kThird, kFirst };

struct FilterSet::Filter {
  uint32_t list = 0;
  std::string text;   // as written
  Pattern pattern;    // lower-cased unless match_case
  std::string regex;  // set for /regex/ filters (pattern unused)
  std::shared_ptr<const re2::RE2> re;  // `regex` compiled (case-insensitive unless match_case)
  std::vector<std::string> domains, not_domains;  // lower-case
  // The same as DomainHash values, compared with the page host's suffixes;
  // a filter with a "name.*" entry (`entity_domains`) compares the text.
  std::vector<uint64_t> domain_hashes, not_domain_hashes;
  bool entity_domains = false;
  // Request-host options: to= (like domain= for the request's own host) and
  // denyallow= (request hosts exempted); method= as bits of kMethods.
  std::vector<std::string> to_domains, not_to_domains, denyallow;
  uint8_t methods = 0, not_methods = 0;
  bool request_options = false;  // any of the above set
  uint16_t types = kDefaultTypes;
  Party party = Party::kAny;
  bool exception = false, important = false, match_case = false;
};

// method= names; bit i is kMethods[i].
constexpr std::string_view kMethods[] = {"connect", "delete", "get", "head", "options", "patch", "post", "put"};
// The bit of a request method (any case), 0 when unknown or empty.
uint8_t MethodBit(std::string_view method);
// True when `host` is `domain` or one of its subdomains; "name.*" matches any
// host whose labels from some point are "name." followed by anything.
bool HostMatchesDomain(std::string_view host, std::string_view domain);
// The request-host and method options of `f` allow the request.
bool RequestOptionsAllow(const FilterSet::Filter& f, std::string_view request_host, uint8_t method_bit);

// FNV-1a, 64 bits: a domain= entry and a page host's suffix are equal when
// their hashes are (a collision among a page's few suffixes and one list's
// domains is out of reach at 64 bits).
inline uint64_t DomainHash(std::string_view domain) {
  uint64_t h = 14695981039346656037ull;
  for (char c : domain) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return h;
}

// What common::Trim takes from filter lines and options: spaces, tabs, CR.
inline constexpr std::string_view kFilterSpace = " \t\r";
// "##", "#@#", "#?#", "#$#", "#@$?#", "#%#"... (element hiding, scriptlets)
// and "$$" / "$@$" (HTML filtering).
bool IsCosmetic(std::string_view line);
// Parses one trimmed network filter line into `f`. False when the filter is
// dropped: `invalid` set for malformed lines, else unsupported (unknown or
// non-blocking option). `badfilter` is set for "$badfilter" filters.
bool ParseNetworkFilter(std::string_view line, FilterSet::Filter& f, bool& invalid, bool& badfilter);

}  // namespace worker::classify
