#include "fleet/store/scripts.h"

#include <string>
#include <string_view>

#include "fleet/store/keys.h"

namespace fleet::scripts {

// The texts of fleet/store/lua/*.lua, compiled in by trackscan_embed_text
// (fleet/CMakeLists.txt).
extern const std::string_view kPreludeLua, kCreateRunLua, kAppendItemsLua, kSealRunLua, kLeaseBatchesLua,
    kItemsDoneLua, kReleaseBatchLua, kLeasesLua, kGetRunLua, kFinishRunLua, kSweepFinishedRunsLua, kDeleteRunLua,
    kCommitVisitLua;

namespace {

std::string Source(std::string_view body) {
  std::string source = keys::LuaKeyPrelude();
  source += kPreludeLua;
  source += body;
  return source;
}

}  // namespace

const RedisScript& CreateRun() {
  static const RedisScript script(Source(kCreateRunLua));
  return script;
}

const RedisScript& AppendItems() {
  static const RedisScript script(Source(kAppendItemsLua));
  return script;
}

const RedisScript& SealRun() {
  static const RedisScript script(Source(kSealRunLua));
  return script;
}

const RedisScript& LeaseBatches() {
  static const RedisScript script(Source(kLeaseBatchesLua));
  return script;
}

const RedisScript& ItemsDone() {
  static const RedisScript script(Source(kItemsDoneLua));
  return script;
}

const RedisScript& ReleaseBatch() {
  static const RedisScript script(Source(kReleaseBatchLua));
  return script;
}

const RedisScript& Leases() {
  static const RedisScript script(Source(kLeasesLua));
  return script;
}

const RedisScript& GetRun() {
  static const RedisScript script(Source(kGetRunLua));
  return script;
}

const RedisScript& FinishRun() {
  static const RedisScript script(Source(kFinishRunLua));
  return script;
}

const RedisScript& SweepFinishedRuns() {
  static const RedisScript script(Source(kSweepFinishedRunsLua));
  return script;
}

const RedisScript& DeleteRun() {
  static const RedisScript script(Source(kDeleteRunLua));
  return script;
}

const RedisScript& CommitVisit() {
  static const RedisScript script(Source(kCommitVisitLua));
  return script;
}

}  // namespace fleet::scripts
