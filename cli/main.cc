// trackscan: find out what websites send to third parties.
// Thin entry point: builds the CLI11 app from the subcommand groups
// (cli/commands.h), parses, and runs the one subcommand chosen.
#include <CLI/CLI.hpp>

#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"trackscan: records what websites send to third parties, through headless Chromium"};
  app.require_subcommand(1);
  std::vector<cli::Subcommand> commands;
  cli::AddScanCommands(app, commands);
  cli::AddFleetCommands(app, commands);
  cli::AddRunCommands(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (const cli::Subcommand& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 2;  // unreachable: require_subcommand(1) makes CLI11 fail first
}
