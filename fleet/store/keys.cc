#include "fleet/store/keys.h"

#include <cctype>
#include <utility>

namespace fleet::keys {
namespace {

// Lua name -> value; every constant of keys.h that a script uses.
constexpr std::pair<std::string_view, std::string_view> kGlobalKeys[] = {
    {"RUNS", kRuns}, {"QUEUE", kQueue}, {"LEASES", kLeases}, {"BATCH_RUN", kBatchRun}, {"EXPIRY", kExpiry}};
constexpr std::pair<std::string_view, std::string_view> kRunSuffixes[] = {
    {"TODO", kTodo},
    {"SEEN", kSeen},
    {"BATCHES", kBatches},
    {"PENDING", kPending},
    {"RESULTS", kResults},
    {"VISITS", kVisits},
    {"VISIT", kVisit},
    {"SITES", kSites},
    {"SITE_THIRD_PARTIES", kSiteThirdParties},
    {"THIRD_PARTIES", kThirdParties},
    {"THIRD_PARTY_SITES", kThirdPartySites},
    {"COOKIES", kCookies},
    {"COOKIE_SITES", kCookieSites}};

}  // namespace

bool ValidRunName(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string GlobalKey(std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key += name;
  return key;
}

std::string RunKey(std::string_view prefix, std::string_view run, std::string_view suffix, std::string_view member) {
  std::string key(prefix);
  key += "run:";
  key += run;
  key += suffix;
  key += member;
  return key;
}

// The names are plain [a-z_:] strings, so quoting them in '' needs no escaping.
std::string LuaKeyPrelude() {
  std::string lua = "local P = ARGV[1]\n";
  for (const auto& [name, value] : kGlobalKeys) {
    lua += "local " + std::string(name) + " = P .. '" + std::string(value) + "'\n";
  }
  for (const auto& [name, value] : kRunSuffixes) {
    lua += "local " + std::string(name) + " = '" + std::string(value) + "'\n";
  }
  static_assert(kSeparator == '\x1f');
  lua += "local SEP = '\\031'\n";
  lua += "local function K(run, suffix) return P .. 'run:' .. run .. (suffix or '') end\n";
  return lua;
}

}  // namespace fleet::keys
