#!/usr/bin/env bash
# Builds trackscan with warnings as errors and runs the whole suite, fastest
# first: the static checks (layering, schemas, deploy flags), the Catch2 unit
# tests, the integration tests (real Chromium against the loopback fixture
# web), then the unit tests again under AddressSanitizer, then each libFuzzer
# target of tests/fuzz for a few seconds (clang; SKIP_FUZZ=1 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
WERROR=ON BUILD_DIR=build BUILD_TYPE=RelWithDebInfo scripts/build.sh
(cd build && ctest --output-on-failure -L static -j 2)
(cd build && ctest --output-on-failure -LE 'integration|static' -j 2)
(cd build && ctest --output-on-failure -L integration)
if [ "${SKIP_ASAN:-0}" != 1 ]; then
  WERROR=ON BUILD_DIR=build-asan BUILD_TYPE=Asan scripts/build.sh
  (cd build-asan && ctest --output-on-failure -LE 'integration|static' -j 2)
fi
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DTRACKSCAN_FUZZ=ON -DTRACKSCAN_BUILD_TESTS=OFF -DTRACKSCAN_WERROR=ON >/dev/null
  cmake --build build-fuzz -j "$(nproc)" --target fuzz
  (cd build-fuzz && ctest --output-on-failure -L fuzz -j 2)
fi
