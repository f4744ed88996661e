// worker/analysis/classify's filter-list parser and matcher: the input is a
// filter list (EasyList syntax), which trackscan reads from data/ or any
// --filter-list FILE. Each list is matched against a few fixed requests and
// against each of its own lines taken as a URL. For a short list without
// $badfilter, the token index must find a blocking filter exactly when one
// of the lines, alone in a set, blocks the request: the index is only a
// shortcut to what a filter-by-filter scan finds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "worker/analysis/classify/filter_list.h"

namespace {

using worker::classify::FilterContext;
using worker::classify::FilterSet;
using worker::classify::ResourceType;

// The filter-by-filter comparison builds a set per line: only for short
// lists and the first few URLs, so that a run still makes ~1000 execs/s.
constexpr size_t kMaxLinesCompared = 8;
constexpr size_t kMaxUrlsCompared = 8;

std::vector<std::string> Urls(std::string_view list) {
  std::vector<std::string> urls = {
      "https://ads.example.com/banner/ad_300x250.gif?x=1",
      "https://www.google-analytics.com/g/collect?v=2&tid=G-1",
      "http://user:pw@Tracker.Example.NET:8080/pixel.php#frag",
      "wss://socket.example.org/live",
      "https://example.com/",
  };
  for (size_t start = 0; start < list.size() && urls.size() < 32;) {
    size_t end = list.find('\n', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view line = common::Trim(list.substr(start, end - start));
    if (!line.empty()) urls.push_back(line.find("://") == std::string_view::npos ? "https://" + std::string(line)
                                                                                   : std::string(line));
    start = end + 1;
  }
  return urls;
}

std::vector<std::string_view> Lines(std::string_view list) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= list.size();) {
    size_t end = list.find('\n', start);
    if (end == std::string_view::npos) end = list.size();
    lines.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool ContainsBadfilter(std::string_view list) {
  return common::AsciiLower(list).find("badfilter") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view list(reinterpret_cast<const char*>(data), size);
  const FilterSet set = FilterSet::Parse("fuzz", list);
  const std::vector<std::string> urls = Urls(list);
  std::vector<FilterSet> singles;
  const std::vector<std::string_view> lines = Lines(list);
  if (lines.size() <= kMaxLinesCompared && !ContainsBadfilter(list)) {
    for (std::string_view line : lines) singles.push_back(FilterSet::Parse("fuzz", line));
  }
  const ResourceType types[] = {ResourceType::kScript, ResourceType::kImage, ResourceType::kDocument};
  for (size_t i = 0; i < urls.size(); ++i) {
    const FilterContext ctx{urls[i], i % 2 ? "www.example.com" : "sub.tracker.example.net", types[i % 3], i % 2 == 0,
                            i % 4 ? "GET" : "post"};
    const auto verdict = set.Evaluate(ctx);
    if (verdict.blocked && !verdict.block) std::abort();
    if (verdict.exception && (verdict.blocked || !verdict.block)) std::abort();
    if (singles.empty() || i >= kMaxUrlsCompared) continue;
    bool any_single_blocks = false;
    for (const FilterSet& single : singles) any_single_blocks |= single.Evaluate(ctx).block.has_value();
    if (any_single_blocks != verdict.block.has_value()) std::abort();
  }
  return 0;
}
