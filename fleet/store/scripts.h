// The Lua scripts of fleet/store/ (RunStore, ResultSink), one per operation,
// each in its own file under fleet/store/lua/ (what it takes in ARGV and what
// it replies is written at the top of the file). Every script is
// keys::LuaKeyPrelude() + lua/prelude.lua + its file, built once on first use
// (thread-safe). Internal to fleet/store/: not an interface for other folders.
#pragma once

#include "fleet/redis_client.h"

namespace fleet::scripts {

const RedisScript& CreateRun();
const RedisScript& AppendItems();
const RedisScript& SealRun();
const RedisScript& LeaseBatches();
const RedisScript& ItemsDone();
const RedisScript& ReleaseBatch();
const RedisScript& Leases();
const RedisScript& GetRun();
const RedisScript& FinishRun();
const RedisScript& SweepFinishedRuns();
const RedisScript& DeleteRun();
const RedisScript& CommitVisit();

}  // namespace fleet::scripts
