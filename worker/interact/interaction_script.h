// The JavaScript of the interaction step, as Runtime.evaluate expressions for
// an isolated world of one frame: InstallExpression once, then TypeExpression
// (a promise), ClickNextExpression per click, FinishExpression last. Each of
// the last three returns a report object (interaction_report.h parses it).
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "worker/interact/interact_options.h"

namespace worker::interact {

std::string InstallExpression(const InteractOptions& options);
std::string TypeExpression();
std::string ClickNextExpression();
std::string FinishExpression();

}  // namespace worker::interact
