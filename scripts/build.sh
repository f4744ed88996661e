#!/usr/bin/env bash
# Configures and builds trackscan into build/ (or $BUILD_DIR).
# BUILD_TYPE: Release (default), Debug, RelWithDebInfo or Asan. CMAKE_ARGS:
# more -D options for cmake (split on spaces).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-Release}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DTRACKSCAN_WERROR="${WERROR:-OFF}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
