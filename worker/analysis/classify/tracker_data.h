// Everything trackscan classifies requests with, loaded from one data dir
// (scripts/tracker_data.sh fills it): EasyList and EasyPrivacy (lists/), any
// extra filter lists, and Ghostery's TrackerDB (node_modules/@ghostery/trackerdb).
// Load once at start; the result is immutable, so const use is thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker/analysis/classify/filter_list.h"
#include "worker/analysis/classify/tracker_db.h"

namespace worker::classify {

struct TrackerData {
  std::string dir;       // absolute or as given
  FilterSet filters;     // lists named "easylist", "easyprivacy", then extras by file stem
  TrackerDb trackerdb;
  // "easylist"/"easyprivacy": "webext-ublock-origin-chromium 1.67.0+dfsg-1~deb12u1" plus the
  // list's "! Version:" or "! Last modified:" line in parentheses when it has a real one
  // (Debian's copies carry a %timestamp% placeholder, left out); "trackerdb": TrackerDb::version();
  // an extra list: its header line if any, and "sha256:" + 16 hex digits of the file.
  std::map<std::string, std::string> versions;
  std::map<std::string, FilterListStats> list_stats;  // per list name
  std::string autoconsent_dir;  // dir/node_modules/@duckduckgo/autoconsent (not checked here)

  // Fails with kUnavailable naming the missing path and scripts/tracker_data.sh
  // when `dir`, lists/VERSION, a list or trackerdb.json is missing or unreadable,
  // kInvalidArgument when an extra list's stem is taken ("easylist", twice, ...),
  // kDecode when trackerdb.json does not parse.
  static common::Result<TrackerData> Load(const std::string& dir, const std::vector<std::string>& extra_lists = {});
};

// $TRACKSCAN_TRACKER_DATA when set and not empty, else the build's
// <source>/data (TRACKSCAN_DEFAULT_DATA_DIR); a deployment sets the variable.
std::string DefaultTrackerDataDir();

}  // namespace worker::classify
