// The subcommands of `trackscan`, in three groups: scan_commands.cc (scan),
// fleet_commands.cc (crawl, coordinator, worker, keygen) and run_commands.cc
// (submit, status, export, delete: runs kept in Redis). Each Add* registers
// its subcommands and their flags on the app, in the order `--help` lists
// them, and appends how to run each once CLI11 has parsed. Main thread only.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace cli {

struct Subcommand {
  CLI::App* app;             // owned by the parent app; parsed() once chosen
  std::function<int()> run;  // the exit code: 0 done, 1 could not run, 2 bad input
};

void AddScanCommands(CLI::App& app, std::vector<Subcommand>& out);
void AddFleetCommands(CLI::App& app, std::vector<Subcommand>& out);
void AddRunCommands(CLI::App& app, std::vector<Subcommand>& out);

}  // namespace cli
