// The flag groups that scan, worker and crawl share (one visit, interaction
// and consent, tracker analysis), and the few helpers every subcommand
// uses. Add* registers flags on a CLI11 subcommand, writing into the structs
// given, which must outlive parsing; Apply*, Check* and Set* turn what was
// parsed into options. Main thread only. Errors come back as common::Status
// for the subcommand to print with Fail().
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/loop.h"
#include "common/status.h"
#include "fleet/redis_client.h"
#include "worker/analysis/analyzer_setup.h"
#include "worker/interact/interact_options.h"
#include "worker/scan/scanner.h"

namespace cli {

// One visit: CLI11 parses seconds as doubles; ApplyVisitFlags makes them Durations.
struct VisitFlags {
  double timeout_s = 30, dwell_s = 3, quiet_s = 2;
};
void AddVisitFlags(CLI::App& app, worker::ScanOptions& o, VisitFlags& v);
void ApplyVisitFlags(worker::ScanOptions& o, const VisitFlags& v);
// The per-visit budgets (part of AddVisitFlags): --max-requests, ... one per
// worker::Budget, --max-<budget name with dashes>.
void AddBudgetFlags(CLI::App& app, worker::BudgetLimits& limits);
std::string BudgetFlag(worker::Budget b);
// The budget flags again, for the workers a crawl starts.
std::vector<std::string> BudgetArgs(const worker::BudgetLimits& limits);

// Interaction and consent (issue 4): the modes are parsed as text, checked by CLI11.
struct InteractFlags {
  std::string interact = "all", consent = "none";
};
void AddInteractFlags(CLI::App& app, worker::interact::InteractOptions& o, InteractFlags& f);
// Sets the modes, and autoconsent_dir when empty (from the tracker data dir).
void ApplyInteractFlags(worker::interact::InteractOptions& o, const InteractFlags& f,
                        const worker::AnalysisSettings& a);
// The interaction flags again, for the workers a crawl starts.
std::vector<std::string> InteractArgs(const worker::interact::InteractOptions& o, const InteractFlags& f);
// A missing autoconsent fails the command before Chromium starts, not each visit.
common::Status CheckConsent(const worker::interact::InteractOptions& o);

// Tracker classification and leak search (issue 4).
void AddAnalysisFlags(CLI::App& app, worker::AnalysisSettings& a);
// The analyzer every result goes through; fails before any browser starts.
common::Status SetAnalyzer(worker::ScanOptions& o, const worker::AnalysisSettings& a);

// The private-network guard (worker/egress/): what the browser may reach.
struct EgressFlags {
  bool allow_private = false;
  std::vector<std::string> networks;  // --allow-network CIDR, each
};
void AddEgressFlags(CLI::App& app, EgressFlags& f);
// Parses the networks into o.egress; kInvalidArgument naming a bad one.
common::Status ApplyEgressFlags(worker::ScanOptions& o, const EgressFlags& f);
// The same flags again, for the workers a crawl starts.
std::vector<std::string> EgressArgs(const EgressFlags& f);

// --ttl of crawl and submit: seconds after a run is done until Redis drops it.
void AddTtlFlag(CLI::App& app, int64_t& ttl_s);

common::Duration Ms(double seconds);
// The --redis flag's address; its default (local Redis) when `url` is empty.
common::Result<fleet::RedisAddress> RedisOf(const std::string& url);
// Prints "trackscan: MESSAGE" to stderr; returns `code`, the exit code.
int Fail(const std::string& message, int code);

}  // namespace cli
