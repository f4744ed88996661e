#include "worker/egress/host_rules.h"

#include <fnmatch.h>

#include <charconv>

#include "common/strings.h"

namespace worker::egress {
namespace {

using common::Result;
using common::Status;

bool Matches(const std::string& pattern, const std::string& host) {
  return fnmatch(pattern.c_str(), host.c_str(), FNM_CASEFOLD) == 0;
}

std::vector<std::string_view> Words(std::string_view rule) {
  std::vector<std::string_view> words;
  while (true) {
    rule = common::Trim(rule);
    if (rule.empty()) return words;
    size_t end = rule.find_first_of(" \t");
    words.push_back(rule.substr(0, end));
    if (end == std::string_view::npos) return words;
    rule = rule.substr(end);
  }
}

// "host", "host:port", "[v6]", "[v6]:port".
Result<HostPort> ParseReplacement(std::string_view text) {
  HostPort out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("unclosed '[' in " + std::string(text));
    out.host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return Status::InvalidArgument("bad replacement " + std::string(text));
      port_text = text.substr(close + 2);
    }
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    out.host = std::string(text);
  }
  if (!port_text.empty()) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), out.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || out.port < 1 || out.port > 65535) {
      return Status::InvalidArgument("bad port in " + std::string(text));
    }
  }
  return out;
}

}  // namespace

Result<HostRules> HostRules::FromChromeFlags(const std::vector<std::string>& flags) {
  static constexpr std::string_view kFlag = "--host-resolver-rules=";
  HostRules all;
  for (const auto& flag : flags) {
    if (flag.rfind(kFlag, 0) != 0) continue;
    auto rules = Parse(std::string_view(flag).substr(kFlag.size()));
    if (!rules.ok()) return rules.status();
    // Chromium keeps only the last occurrence of a switch.
    all = std::move(rules.value());
  }
  return all;
}

Result<HostRules> HostRules::Parse(std::string_view text) {
  HostRules rules;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view rule = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto words = Words(rule);
    if (words.empty()) continue;
    std::string verb = common::AsciiLower(words[0]);
    if (verb == "exclude" && words.size() == 2) {
      rules.excludes_.push_back(common::AsciiLower(words[1]));
    } else if (verb == "map" && words.size() == 3) {
      MapRule map{common::AsciiLower(words[1]), "", 0};
      if (words[2] == "~NOTFOUND") {
        map.host = "~NOTFOUND";
      } else {
        auto replacement = ParseReplacement(words[2]);
        if (!replacement.ok()) return replacement.status();
        map.host = replacement->host;
        map.port = replacement->port;
      }
      rules.maps_.push_back(std::move(map));
    } else {
      return Status::InvalidArgument("host resolver rule not understood: '" + std::string(rule) +
                                     "' (want MAP pattern host[:port] or EXCLUDE pattern)");
    }
  }
  return rules;
}

std::optional<HostPort> HostRules::Map(const HostPort& destination) const {
  std::string host = common::AsciiLower(destination.host);
  for (const auto& pattern : excludes_) {
    if (Matches(pattern, host)) return destination;
  }
  for (const auto& rule : maps_) {
    if (!Matches(rule.pattern, host)) continue;
    if (rule.host == "~NOTFOUND") return std::nullopt;
    return HostPort{rule.host, rule.port ? rule.port : destination.port};
  }
  return destination;
}

}  // namespace worker::egress
