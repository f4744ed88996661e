#include "worker/analysis/classify/tracker_data.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "common/strings.h"

namespace worker::classify {
namespace {

using common::Result;
using common::Status;
namespace fs = std::filesystem;

#ifndef TRACKSCAN_DEFAULT_DATA_DIR
#define TRACKSCAN_DEFAULT_DATA_DIR "data"
#endif

Status Missing(const std::string& path, const std::string& dir) {
  return Status::Unavailable(path + " is missing or unreadable: run scripts/tracker_data.sh " + dir);
}

Result<std::string> ReadWhole(const std::string& path, const std::string& dir) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Missing(path, dir);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Missing(path, dir);
  return text.str();
}

// "Version: 202611290000" or "Last modified: 29 Nov 2026 00:00 UTC" from the
// header comments; "" when absent or a build placeholder ("%timestamp%").
std::string HeaderVersion(std::string_view text) {
  std::string last_modified;
  for (size_t start = 0, lines = 0; start < text.size() && lines < 40; ++lines) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with("! ")) continue;
    line.remove_prefix(2);
    if (line.find('%') != std::string_view::npos) continue;
    if (line.starts_with("Version:")) return std::string(line);
    if (line.starts_with("Last modified:") && last_modified.empty()) last_modified = line;
  }
  return last_modified;
}

std::string Sha256Prefix(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

Result<TrackerData> TrackerData::Load(const std::string& dir, const std::vector<std::string>& extra_lists) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::Unavailable("tracker data dir " + dir + " does not exist: run scripts/tracker_data.sh " + dir);
  }
  TrackerData data;
  data.dir = dir;
  const std::string lists = dir + "/lists";
  Result<std::string> deb = ReadWhole(lists + "/VERSION", dir);
  if (!deb.ok()) return deb.status();
  const std::string deb_version(common::TrimRight(*deb, "\n\r "));
  for (const char* name : {"easylist", "easyprivacy"}) {
    Result<std::string> text = ReadWhole(lists + "/" + name + ".txt", dir);
    if (!text.ok()) return text.status();
    std::string header = HeaderVersion(*text);
    data.versions[name] = header.empty() ? deb_version : deb_version + " (" + header + ")";
    data.list_stats[name] = data.filters.Add(name, *text);
  }
  for (const std::string& path : extra_lists) {
    const std::string name = fs::path(path).stem().string();
    if (name.empty() || name == "trackerdb" || data.versions.count(name)) {
      return Status::InvalidArgument("extra filter list " + path + ": the name \"" + name +
                                     "\" is taken; rename the file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Unavailable("extra filter list " + path + " is missing or unreadable");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string body = text.str();
    std::string header = HeaderVersion(body);
    data.versions[name] = header.empty() ? Sha256Prefix(body) : header + ", " + Sha256Prefix(body);
    data.list_stats[name] = data.filters.Add(name, body);
  }
  const std::string db_path = dir + "/node_modules/@ghostery/trackerdb/dist/trackerdb.json";
  Result<TrackerDb> db = TrackerDb::Load(db_path);
  if (!db.ok()) return db.status();
  data.trackerdb = std::move(*db);
  data.versions["trackerdb"] = data.trackerdb.version();
  data.autoconsent_dir = dir + "/node_modules/@duckduckgo/autoconsent";
  return data;
}

std::string DefaultTrackerDataDir() {
  const char* env = std::getenv("TRACKSCAN_TRACKER_DATA");
  if (env != nullptr && *env != '\0') return env;
  return TRACKSCAN_DEFAULT_DATA_DIR;
}

}  // namespace worker::classify
