// Internals that run_store.cc and run_deletion.cc share; not RunStore's
// interface. Every script is kRunStorePrelude + its own body (the prelude
// names ARGV[1] P, the key prefix, and defines K, forget and finish).
#pragma once

#include <string>

namespace fleet {

extern const char* const kRunStorePrelude;

// Run names are parts of key names: 1-200 of A-Z a-z 0-9 . _ - only, so no
// name can reach another run's keys ("a:todo").
bool ValidRunName(const std::string& name);

}  // namespace fleet
