// Parsing of filter lines into FilterSet::Filter (see filter_list.cc's top comment).
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "common/strings.h"
#include "worker/analysis/classify/filter_internal.h"
#include "worker/analysis/classify/filter_list.h"

namespace worker::classify {
namespace {
std::optional<uint16_t> TypeBit(std::string_view name) {
  static constexpr std::pair<std::string_view, ResourceType> kTypes[] = {
      {"script", ResourceType::kScript},       {"image", ResourceType::kImage},
      {"stylesheet", ResourceType::kStylesheet}, {"css", ResourceType::kStylesheet},
      {"xmlhttprequest", ResourceType::kXmlHttpRequest}, {"xhr", ResourceType::kXmlHttpRequest},
      {"subdocument", ResourceType::kSubdocument}, {"frame", ResourceType::kSubdocument},
      {"ping", ResourceType::kPing},           {"beacon", ResourceType::kPing},
      {"media", ResourceType::kMedia},         {"font", ResourceType::kFont},
      {"websocket", ResourceType::kWebSocket}, {"document", ResourceType::kDocument},
      {"doc", ResourceType::kDocument},        {"other", ResourceType::kOther},
      {"object", ResourceType::kObject},
  };
  if (name == "all") return kAllTypes;
  for (const auto& [n, t] : kTypes) {
    if (n == name) return static_cast<uint16_t>(t);
  }
  return std::nullopt;
}
// Calls entry(value, negated) for each '|'-separated entry of an option
// value ("a.com|~b.com"), '~' taken off; false as soon as one is refused.
template <typename Fn>
bool EachListEntry(std::string_view value, Fn&& entry) {
  for (size_t a = 0; a <= value.size();) {
    size_t bar = value.find('|', a);
    if (bar == std::string_view::npos) bar = value.size();
    std::string_view item = value.substr(a, bar - a);
    a = bar + 1;
    const bool negated = item.starts_with('~');
    if (negated) item.remove_prefix(1);
    if (!entry(item, negated)) return false;
  }
  return true;
}

}  // namespace

uint8_t MethodBit(std::string_view method) {
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    const std::string_view m = kMethods[i];
    if (method.size() == m.size() &&
        std::equal(m.begin(), m.end(), method.begin(), [](char a, char b) { return a == common::AsciiLower(b); })) {
      return static_cast<uint8_t>(1u << i);
    }
  }
  return 0;
}

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

bool RequestOptionsAllow(const FilterSet::Filter& f, std::string_view request_host, uint8_t method_bit) {
  // An unknown method matches no method= list but passes a negated-only one, as in uBlock Origin.
  if (f.methods != 0 && !(f.methods & method_bit)) return false;
  if (f.not_methods & method_bit) return false;
  auto any = [&](const std::vector<std::string>& list) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& d) { return HostMatchesDomain(request_host, d); });
  };
  if (any(f.not_to_domains) || any(f.denyallow)) return false;
  return f.to_domains.empty() || any(f.to_domains);
}

bool IsCosmetic(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#') {
      size_t j = i + 1;
      while (j < line.size() && (line[j] == '@' || line[j] == '?' || line[j] == '$' || line[j] == '%')) ++j;
      if (j < line.size() && line[j] == '#') return true;
    }
  }
  return line.find("$$") != std::string_view::npos || line.find("$@$") != std::string_view::npos;
}

namespace filter_detail {
void HostSpan(std::string_view url, size_t& begin, size_t& end) {
  size_t scheme = url.find("://");
  begin = scheme == std::string_view::npos ? 0 : scheme + 3;
  // A loop, not find_first_of: that calls memchr once per character.
  size_t auth_end = begin;
  while (auth_end < url.size() && url[auth_end] != '/' && url[auth_end] != '?' && url[auth_end] != '#') ++auth_end;
  size_t at = url.rfind('@', auth_end);
  if (at != std::string_view::npos && at >= begin) begin = at + 1;
  if (begin < auth_end && url[begin] == '[') {  // IPv6 literal: [..]
    size_t close = url.find(']', begin);
    end = close == std::string_view::npos || close > auth_end ? auth_end : close + 1;
    return;
  }
  end = url.substr(0, auth_end).find(':', begin);  // not into a long query
  if (end == std::string_view::npos) end = auth_end;
}
}  // namespace filter_detail

ResourceType ResourceTypeFromCdp(std::string_view t, bool in_subframe) {
  if (t == "Document") return in_subframe ? ResourceType::kSubdocument : ResourceType::kDocument;
  if (t == "Stylesheet") return ResourceType::kStylesheet;
  if (t == "Image") return ResourceType::kImage;
  if (t == "Media") return ResourceType::kMedia;
  if (t == "Font") return ResourceType::kFont;
  if (t == "Script") return ResourceType::kScript;
  if (t == "XHR" || t == "Fetch" || t == "EventSource") return ResourceType::kXmlHttpRequest;
  if (t == "Ping" || t == "CSPViolationReport") return ResourceType::kPing;
  if (t == "WebSocket") return ResourceType::kWebSocket;
  return ResourceType::kOther;  // TextTrack, Prefetch, Manifest, SignedExchange, Preflight, Other...
}

bool ParseNetworkFilter(std::string_view line, FilterSet::Filter& f, bool& invalid, bool& badfilter) {
  std::string_view rest = line;
  if (rest.starts_with("@@")) {
    f.exception = true;
    rest.remove_prefix(2);
  }
  std::string_view pattern = rest, options;
  if (rest.size() >= 2 && rest.front() == '/' && rest.back() == '/') {
    pattern = rest;  // a regex without options ("/ad$/" keeps its '$')
  } else if (size_t dollar = rest.rfind('$'); dollar != std::string_view::npos) {
    pattern = rest.substr(0, dollar);
    options = rest.substr(dollar + 1);
    if (options.empty()) {
      invalid = true;
      return false;
    }
  }
  uint16_t positive = 0, negative = 0;
  for (size_t start = 0; start <= options.size() && !options.empty();) {
    size_t comma = options.find(',', start);
    if (comma == std::string_view::npos) comma = options.size();
    std::string opt = common::AsciiLower(common::Trim(options.substr(start, comma - start), kFilterSpace));
    start = comma + 1;
    std::string_view name = opt, value;
    if (size_t eq = opt.find('='); eq != std::string::npos) {
      name = std::string_view(opt).substr(0, eq);
      value = std::string_view(opt).substr(eq + 1);
    }
    const bool neg = name.starts_with('~');
    if (neg) name.remove_prefix(1);
    if (name == "third-party" || name == "3p") {
      f.party = neg ? Party::kFirst : Party::kThird;
    } else if (name == "first-party" || name == "1p") {
      f.party = neg ? Party::kThird : Party::kFirst;
    } else if ((name == "domain" || name == "from") && !neg) {
      invalid = !EachListEntry(value, [&](std::string_view d, bool not_d) {
        if (d.empty() || d.front() == '/' || d.front() == '.') return false;
        (not_d ? f.not_domains : f.domains).emplace_back(d);
        (not_d ? f.not_domain_hashes : f.domain_hashes).push_back(DomainHash(d));
        if (d.ends_with(".*")) f.entity_domains = true;
        return true;
      });
      if (invalid) return false;
    } else if ((name == "to" || name == "denyallow") && !neg) {
      const bool to = name == "to";
      invalid = !EachListEntry(value, [&](std::string_view d, bool not_d) {
        if (d.empty() || d.front() == '/' || d.front() == '.' || (not_d && !to)) return false;
        (to ? (not_d ? f.not_to_domains : f.to_domains) : f.denyallow).emplace_back(d);
        return true;
      });
      if (invalid) return false;
      f.request_options = true;
    } else if (name == "method" && !neg) {
      invalid = !EachListEntry(value, [&](std::string_view m, bool not_m) {
        const uint8_t bit = MethodBit(m);
        if (bit == 0) return false;
        (not_m ? f.not_methods : f.methods) |= bit;
        return true;
      });
      if (invalid) return false;
      f.request_options = true;
    } else if (auto bit = TypeBit(name)) {
      (neg ? negative : positive) |= *bit;
    } else if (name == "important" && !neg) {
      f.important = true;
    } else if (name == "match-case" && !neg) {
      f.match_case = true;
    } else if (name == "badfilter" && !neg) {
      badfilter = true;
    } else if (!name.empty() && name.find_first_not_of('_') == std::string_view::npos) {
      // uBO's no-op option
    } else {
      invalid = name.empty();
      return false;  // unknown or non-blocking: the whole filter is ignored
    }
  }
  if (positive || negative) f.types = static_cast<uint16_t>((positive ? positive : kDefaultTypes) & ~negative);
  if (f.types == 0) return false;
  std::sort(f.domain_hashes.begin(), f.domain_hashes.end());  // DomainAllows searches them
  std::sort(f.not_domain_hashes.begin(), f.not_domain_hashes.end());
  if (pattern.size() >= 2 && pattern.front() == '/' && pattern.back() == '/') {
    f.regex = std::string(pattern.substr(1, pattern.size() - 2));
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_case_sensitive(f.match_case);
    auto re = std::make_shared<const re2::RE2>(f.regex, opts);
    if (f.regex.empty() || !re->ok()) {
      invalid = true;
      return false;
    }
    f.re = std::move(re);
    return true;
  }
  f.pattern = ParsePattern(f.match_case ? std::string(pattern) : common::AsciiLower(pattern));
  if (f.pattern.segments.empty() && options.empty()) {  // "@@", "*", "||": would match every URL
    invalid = true;
    return false;
  }
  return true;
}

}  // namespace worker::classify
