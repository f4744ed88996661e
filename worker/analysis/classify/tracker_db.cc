#include "worker/analysis/classify/tracker_db.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "worker/normalize/registrable_domain.h"
#include "common/strings.h"
#include "common/url.h"

namespace worker::classify {
namespace {

using common::Result;
using common::Status;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr char kFillHint[] = " (scripts/tracker_data.sh fills the tracker data dir)";

// Absent and null are both "unknown".
std::optional<std::string> OptString(object o, const char* key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

// A number or a string, as text ("version": 945 or "timestamp": "2025-...").
std::optional<std::string> ScalarText(object o, const char* key) {
  element e;
  if (o[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  if (e.is_string()) return std::string(e.get_string().value_unsafe());
  if (e.is_int64()) return std::to_string(e.get_int64().value_unsafe());
  if (e.is_uint64()) return std::to_string(e.get_uint64().value_unsafe());
  return std::nullopt;
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Literal text any URL a filter matches contains: its pattern without anchors
// and options, up to the first '*' or '^'. Empty for exceptions and /regex/.
std::string_view Core(std::string_view filter) {
  if (filter.starts_with("@@")) return {};
  size_t last_slash = filter.rfind('/');
  if (filter.starts_with('/') && last_slash > 0 &&
      (last_slash + 1 == filter.size() || filter[last_slash + 1] == '$')) {
    return {};
  }
  std::string_view p = filter.substr(0, filter.find('$'));
  if (p.starts_with("||")) {
    p.remove_prefix(2);
  } else if (p.starts_with('|')) {
    p.remove_prefix(1);
  }
  p = p.substr(0, p.find_first_of("*^|"));
  return p;
}

// Each filter's tier: 0, or one more than the highest tier among the other
// patterns' filters whose core its own contains (starting at a word edge).
// Checking tiers from the top gives the most specific pattern, which
// FilterSet alone cannot: it returns the first filter that matches.
std::vector<int> SpecificityTiers(const std::vector<std::pair<std::string, uint32_t>>& filters) {
  constexpr int kMaxTier = 7;  // a bound on FilterSets; real data needs 3
  const size_t n = filters.size();
  std::vector<std::string_view> cores(n);
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_core;
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) {
    cores[i] = Core(filters[i].first);
    if (!cores[i].empty()) by_core[cores[i]].push_back(i);
    order[i] = i;
  }
  // Shorter cores first: a contained core is shorter, so its tier is known.
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return cores[a].size() < cores[b].size(); });
  std::vector<int> tier(n, 0);
  for (uint32_t i : order) {
    std::string_view core = cores[i];
    for (size_t start = 0; start < core.size(); ++start) {
      if (start > 0 && IsAlnum(core[start - 1]) && IsAlnum(core[start])) continue;
      for (size_t len = 1; start + len <= core.size(); ++len) {
        if (len == core.size()) continue;  // an equal core is not more specific
        auto it = by_core.find(core.substr(start, len));
        if (it == by_core.end()) continue;
        for (uint32_t j : it->second) {
          if (filters[j].second != filters[i].second) tier[i] = std::max(tier[i], std::min(tier[j] + 1, kMaxTier));
        }
      }
    }
  }
  return tier;
}

}  // namespace

void TrackerDb::BuildFilterTiers(const std::vector<std::pair<std::string, uint32_t>>& filters) {
  std::vector<int> tier = SpecificityTiers(filters);
  const int top = tier.empty() ? -1 : *std::max_element(tier.begin(), tier.end());
  std::vector<std::string> texts(static_cast<size_t>(top + 1));
  for (size_t i = 0; i < filters.size(); ++i) {
    texts[static_cast<size_t>(tier[i])].append(filters[i].first).push_back('\n');
  }
  for (int t = top; t >= 0; --t) {
    FilterSet set;
    FilterListStats stats = set.Add("trackerdb", texts[static_cast<size_t>(t)]);
    dropped_filters_ += stats.unsupported + stats.invalid;
    tiers_.push_back(std::move(set));
  }
}

Result<TrackerDb> TrackerDb::Parse(std::string_view json, std::string version) {
  simdjson::dom::parser parser;
  object root, orgs, patterns;
  if (auto err = parser.parse(json.data(), json.size()).get(root)) {
    return Status::Decode(std::string("trackerdb.json: ") + simdjson::error_message(err));
  }
  if (root["organizations"].get(orgs) || root["patterns"].get(patterns)) {
    return Status::Decode("trackerdb.json: no \"organizations\" and \"patterns\" objects");
  }
  TrackerDb db;
  db.version_ = std::move(version);
  for (const char* key : {"version", "timestamp"}) {
    if (auto v = ScalarText(root, key)) db.version_ += std::string(db.version_.empty() ? "" : ", ") + key + " " + *v;
  }
  std::unordered_map<std::string_view, int> org_index;
  for (auto [key, value] : orgs) {
    object o;
    if (value.get(o)) return Status::Decode("trackerdb.json: organization " + std::string(key) + " is not an object");
    org_index.emplace(key, static_cast<int>(db.organizations_.size()));
    db.organizations_.push_back(Organization{std::string(key), OptString(o, "name").value_or(std::string(key)),
                                             OptString(o, "country"), OptString(o, "privacy_policy_url")});
  }
  std::vector<std::pair<std::string, uint32_t>> filters;
  for (auto [key, value] : patterns) {
    object p;
    if (value.get(p)) return Status::Decode("trackerdb.json: pattern " + std::string(key) + " is not an object");
    const auto index = static_cast<uint32_t>(db.patterns_.size());
    Pattern pattern{std::string(key), OptString(p, "name").value_or(std::string(key)),
                    OptString(p, "category").value_or("unknown"), -1};
    if (auto org = OptString(p, "organization")) {
      if (auto it = org_index.find(*org); it != org_index.end()) pattern.organization = it->second;
    }
    db.patterns_.push_back(std::move(pattern));
    array list;
    if (!p["domains"].get(list)) {
      for (element d : list) {
        std::string_view s;
        if (!d.get(s) && !s.empty()) db.domain_to_pattern_.emplace(common::AsciiLower(s), index);  // the first pattern keeps it
      }
    }
    if (!p["filters"].get(list)) {
      for (element f : list) {
        std::string_view s;
        if (!f.get(s) && !s.empty() && db.filter_to_pattern_.emplace(std::string(s), index).second) {
          filters.emplace_back(std::string(s), index);
        }
      }
    }
  }
  db.BuildFilterTiers(filters);
  return db;
}

Result<TrackerDb> TrackerDb::Load(const std::string& trackerdb_json_path) {
  simdjson::padded_string json;
  if (auto err = simdjson::padded_string::load(trackerdb_json_path).get(json)) {
    return Status::Unavailable("cannot read " + trackerdb_json_path + ": " + simdjson::error_message(err) + kFillHint);
  }
  // dist/trackerdb.json -> the package's package.json
  namespace fs = std::filesystem;
  std::string version;
  const fs::path package_json = fs::path(trackerdb_json_path).parent_path().parent_path() / "package.json";
  simdjson::padded_string pj;
  simdjson::dom::parser parser;
  object pkg;
  if (!simdjson::padded_string::load(package_json.string()).get(pj) && !parser.parse(pj).get(pkg)) {
    version = OptString(pkg, "name").value_or("@ghostery/trackerdb") + " " + OptString(pkg, "version").value_or("?");
  }
  return Parse(std::string_view(json.data(), json.size()), std::move(version));
}

TrackerInfo TrackerDb::Info(uint32_t pattern, std::string matched, bool by_filter) const {
  const Pattern& p = patterns_[pattern];
  TrackerInfo info;
  info.tracker_id = p.id;
  info.tracker_name = p.name;
  info.category = p.category;
  if (p.organization >= 0) {
    const Organization& o = organizations_[static_cast<size_t>(p.organization)];
    info.organization_id = o.id;
    info.organization_name = o.name;
    info.organization_country = o.country;
    info.privacy_policy_url = o.privacy_policy_url;
  }
  info.matched = std::move(matched);
  info.by_filter = by_filter;
  return info;
}

std::optional<TrackerInfo> TrackerDb::Lookup(const FilterContext& ctx) const {
  for (const FilterSet& tier : tiers_) {
    std::optional<FilterMatch> m = tier.Match(ctx);
    if (!m) continue;
    if (auto it = filter_to_pattern_.find(m->filter); it != filter_to_pattern_.end()) {
      return Info(it->second, std::move(m->filter), true);
    }
  }
  return LookupHost(common::HostOf(ctx.url));
}

std::optional<TrackerInfo> TrackerDb::LookupUrl(std::string_view url, std::string_view page_host) const {
  FilterContext ctx;
  ctx.url = url;
  ctx.page_host = page_host;
  ctx.type = ResourceType::kXmlHttpRequest;
  ctx.third_party = page_host.empty() || normalize::IsThirdParty(url, normalize::RegistrableDomain(page_host));
  return Lookup(ctx);
}

std::optional<TrackerInfo> TrackerDb::LookupHost(std::string_view host) const {
  if (host.starts_with('.')) host.remove_prefix(1);
  if (host.ends_with('.')) host.remove_suffix(1);
  const std::string lower = common::AsciiLower(host);
  for (size_t pos = 0; pos < lower.size();) {
    if (auto it = domain_to_pattern_.find(lower.substr(pos)); it != domain_to_pattern_.end()) {
      return Info(it->second, it->first, false);
    }
    size_t dot = lower.find('.', pos);
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return std::nullopt;
}

}  // namespace worker::classify
