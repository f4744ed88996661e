// Ghostery's TrackerDB (dist/trackerdb.json of npm @ghostery/trackerdb, put in
// the data dir by scripts/tracker_data.sh): who is behind a request URL or a
// cookie domain, as tracker (a TrackerDB "pattern"), organization and category.
// Loaded once; immutable afterwards, so const calls are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "worker/analysis/classify/filter_list.h"

namespace worker::classify {

struct TrackerInfo {
  std::string tracker_id;    // the pattern's key: "google_analytics"
  std::string tracker_name;  // "Google Analytics"
  std::string category;      // key: advertising, site_analytics, social_media, ...
  std::optional<std::string> organization_id, organization_name, organization_country, privacy_policy_url;
  std::string matched;       // the filter ("||google-analytics.com/collect") or domain that matched
  bool by_filter = false;    // `matched` is a filter, not a domain
};

class TrackerDb {
 public:
  // Parses trackerdb.json. The version comes from the package.json two levels
  // up (node_modules/@ghostery/trackerdb/package.json) when it is there, and
  // from the file's own "version"/"timestamp" keys if it has them.
  // Fails with kUnavailable when the file cannot be read (the message names
  // scripts/tracker_data.sh), kDecode when it is not TrackerDB-shaped JSON.
  static common::Result<TrackerDb> Load(const std::string& trackerdb_json_path);
  // The same from text in memory; `version` is reported as given.
  static common::Result<TrackerDb> Parse(std::string_view json, std::string version);

  // The most specific match for a request: first the patterns' filters (uBO
  // network-filter syntax through FilterSet; a filter that contains another
  // pattern's filter wins over it, e.g. ||googleads.g.doubleclick.net/pagead/
  // viewthroughconversion over ||doubleclick.net^), then the longest domain
  // suffix of the request's host. `ctx.third_party` decides $3p filters.
  std::optional<TrackerInfo> Lookup(const FilterContext& ctx) const;
  // The same for a URL requested from a page on `page_host` (third-party when
  // their registrable domains differ, or when `page_host` is empty). The type
  // is xmlhttprequest, as in Ghostery's own SDK, so $script/$image filters do
  // not apply: use Lookup() when the resource type is known.
  std::optional<TrackerInfo> LookupUrl(std::string_view url, std::string_view page_host) const;
  // Domains only, for cookie domains: the longest suffix of `host` (a leading
  // '.' and letter case are ignored) that a pattern lists.
  std::optional<TrackerInfo> LookupHost(std::string_view host) const;

  const std::string& version() const { return version_; }  // "@ghostery/trackerdb 1.0.945"
  size_t pattern_count() const { return patterns_.size(); }
  size_t organization_count() const { return organizations_.size(); }
  size_t filter_count() const { return filter_to_pattern_.size(); }
  size_t domain_count() const { return domain_to_pattern_.size(); }
  size_t filter_tier_count() const { return tiers_.size(); }  // FilterSets searched, at most 8
  // Filters FilterSet cannot use (unknown option, malformed): never matched.
  size_t dropped_filter_count() const { return dropped_filters_; }

 private:
  struct Organization {
    std::string id, name;
    std::optional<std::string> country, privacy_policy_url;
  };
  struct Pattern {
    std::string id, name, category;
    int organization = -1;  // index into organizations_
  };
  void BuildFilterTiers(const std::vector<std::pair<std::string, uint32_t>>& filters);
  TrackerInfo Info(uint32_t pattern, std::string matched, bool by_filter) const;

  std::vector<Organization> organizations_;
  std::vector<Pattern> patterns_;
  std::unordered_map<std::string, uint32_t> domain_to_pattern_;  // lower-case domain -> pattern
  std::unordered_map<std::string, uint32_t> filter_to_pattern_;  // filter text -> pattern
  std::vector<FilterSet> tiers_;  // most specific first (see SpecificityTiers in the .cc)
  std::string version_;
  size_t dropped_filters_ = 0;
};

}  // namespace worker::classify
