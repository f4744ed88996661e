#include "common/url_list.h"

#include <fstream>
#include <iostream>
#include <optional>

#include "common/private_address.h"
#include "common/strings.h"

namespace common {
namespace {

// "1,example.com" (Tranco) -> "https://example.com/"; nullopt for any other line.
std::optional<std::string> TrancoDomain(std::string_view line) {
  size_t comma = line.find(',');
  if (comma == std::string_view::npos || comma == 0) return std::nullopt;
  for (size_t i = 0; i < comma; ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
  }
  std::string_view domain = Trim(line.substr(comma + 1));
  if (domain.empty() || domain.find_first_of("/:@ ") != std::string_view::npos) return std::nullopt;
  return "https://" + std::string(domain) + "/";
}

}  // namespace

std::string UrlOfListLine(std::string_view raw) {
  std::string_view line = Trim(raw);
  if (line.empty() || line.front() == '#') return "";
  if (auto tranco = TrancoDomain(line)) return *tranco;
  return std::string(line);
}

Result<std::vector<std::string>> ReadUrlList(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Status::InvalidArgument("cannot read " + path);
    in = &file;
  }
  std::vector<std::string> urls;
  for (std::string line; std::getline(*in, line);) {
    if (std::string url = UrlOfListLine(line); !url.empty()) urls.push_back(std::move(url));
  }
  return urls;
}

Result<ParsedUrl> CheckEntryUrl(std::string_view url, const AddressPolicy& policy, std::string_view private_hint) {
  auto parsed = ValidateEntryUrl(url);
  if (!parsed.ok() || !policy.guards()) return parsed;
  Status s = CheckPublicHost(parsed->host, policy);
  if (s.code() == Code::kInvalidArgument) return s.WithSuffix(std::string(private_hint));
  return parsed;
}

}  // namespace common
