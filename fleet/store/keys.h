// The Redis key layout of the fleet (docs/fleet.md "Redis layout"): the one
// place that names a key. C++ code builds keys with GlobalKey / RunKey; the
// Lua scripts get the same names from LuaKeyPrelude(), prepended to every
// script, so the two cannot drift apart. Pure functions; thread-safe; no errors.
#pragma once

#include <string>
#include <string_view>

namespace fleet::keys {

// Every key starts with the prefix; tests and benchmarks use their own.
inline constexpr std::string_view kDefaultPrefix = "ts:";

// Keys shared by all runs: prefix + name.
inline constexpr std::string_view kRuns = "runs";          // zset: run -> created ms
inline constexpr std::string_view kQueue = "queue";        // zset: dispatchable run -> queue score
inline constexpr std::string_view kLeases = "leases";      // zset: run \x1f batch id -> lease end ms
inline constexpr std::string_view kBatchRun = "batch_run"; // hash: batch id -> run
inline constexpr std::string_view kExpiry = "expiry";      // zset: run -> deletion due ms
inline constexpr std::string_view kRequests = "requests";  // stream of on-demand requests

// Keys of one run: prefix + "run:" + run + suffix (+ a member for the
// suffixes ending in ':'). The run hash itself has the empty suffix.
inline constexpr std::string_view kRunHash = "";
inline constexpr std::string_view kTodo = ":todo";              // list: queued item JSON
inline constexpr std::string_view kSeen = ":seen";              // set: indexes appended while submitting
inline constexpr std::string_view kBatches = ":batches";        // hash: batch id -> lease JSON
inline constexpr std::string_view kPending = ":pending:";       // + batch id; set: indexes not done
inline constexpr std::string_view kResults = ":results";        // hash: index -> URL result JSON
inline constexpr std::string_view kVisits = ":visits";          // list: visit ids with records
inline constexpr std::string_view kVisit = ":visit:";           // + visit id; string: zstd frame
inline constexpr std::string_view kSites = ":sites";            // hash: site -> site summary JSON
inline constexpr std::string_view kSiteThirdParties = ":site_tp:";  // + site; set: its third parties
inline constexpr std::string_view kThirdParties = ":third_parties";  // zset: domain -> sites
inline constexpr std::string_view kThirdPartySites = ":tp:";    // + domain; set: sites
inline constexpr std::string_view kCookies = ":cookies";        // zset: name \x1f domain -> sites
inline constexpr std::string_view kCookieSites = ":ck:";        // + name \x1f domain; set: sites

// Separates run and batch id in a kLeases member, and name and domain in a cookie key.
inline constexpr char kSeparator = '\x1f';

// Run names are parts of key names: 1-200 of A-Z a-z 0-9 . _ - only, so no
// name can reach another run's keys ("a:todo").
bool ValidRunName(std::string_view name);

std::string GlobalKey(std::string_view prefix, std::string_view name);
std::string RunKey(std::string_view prefix, std::string_view run, std::string_view suffix = kRunHash,
                   std::string_view member = "");

// Lua that opens every script: P (the prefix, ARGV[1]), the global keys as
// RUNS, QUEUE, LEASES, BATCH_RUN, EXPIRY, SEP (kSeparator), the suffixes as TODO, SEEN, ...
// (the constant's name without k, in upper snake case), and K(run, suffix),
// which builds a run's key as RunKey does.
std::string LuaKeyPrelude();

}  // namespace fleet::keys
