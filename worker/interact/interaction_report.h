// Parses what the interaction script (interaction_script.h) and the CDP
// commands around it return. Pure: no I/O, no clock; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "worker/record/records.h"

namespace worker::interact {

// One evaluate's report from one frame: the actions it took (type, click,
// and submit events it cancelled) and whether that frame has nothing more
// to do. The records' visit_id is empty; frame_url is the report's.
struct FrameReport {
  std::string frame_url;
  std::vector<InteractionRecord> actions;
  bool done = true;
};

// `value_json` is Runtime.evaluate's result value (returnByValue).
// kDecode when it is not a report.
common::Result<FrameReport> ParseFrameReport(std::string_view value_json);

struct FrameRef {
  std::string id, url;
};
// Page.getFrameTree's result: every frame, parents before children.
common::Result<std::vector<FrameRef>> ParseFrameTree(std::string_view result_json);
// Page.createIsolatedWorld's result: the executionContextId.
common::Result<int64_t> ParseIsolatedWorld(std::string_view result_json);

}  // namespace worker::interact
