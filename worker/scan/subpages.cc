#include "worker/scan/subpages.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "worker/normalize/registrable_domain.h"
#include "common/strings.h"
#include "common/url.h"

namespace worker {
namespace {

std::string_view WithoutFragment(std::string_view url) { return url.substr(0, url.find('#')); }

bool IsFile(const std::string& path) {
  static constexpr std::array<std::string_view, 24> kExtensions = {
      ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".gz", ".rar", ".7z", ".dmg",
      ".exe", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp3", ".mp4", ".mov", ".ics", ".csv"};
  const std::string lower = common::AsciiLower(path);
  return std::any_of(kExtensions.begin(), kExtensions.end(), [&](std::string_view ext) {
    return lower.size() >= ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0;
  });
}

}  // namespace

std::vector<std::string> SelectSubpages(const std::vector<std::string>& links, std::string_view page_url,
                                        std::string_view site, int n) {
  std::vector<std::string> chosen;
  std::set<std::string, std::less<>> seen = {std::string(WithoutFragment(page_url))};
  for (const std::string& link : links) {
    if (static_cast<int>(chosen.size()) >= n) break;
    std::string url(WithoutFragment(link));
    auto parsed = common::ParseUrl(url);
    if (!parsed.ok() || (parsed->scheme != "http" && parsed->scheme != "https")) continue;
    if (normalize::RegistrableDomain(parsed->host) != site || IsFile(parsed->path)) continue;
    if (!seen.insert(url).second) continue;
    chosen.push_back(std::move(url));
  }
  return chosen;
}

}  // namespace worker
