#!/usr/bin/env bash
# Builds trackscan with warnings as errors, and once with AddressSanitizer +
# UBSan (build-asan), then runs the whole suite, fastest first: the static
# checks (layering, schemas, deploy flags), the Catch2 unit tests, the
# integration tests (real Chromium against the loopback fixture web; one of
# them runs build-asan/trackscan at concurrency 4), then the unit tests again
# from build-asan. SKIP_ASAN=1 skips the ASan build and what needs it (a
# failure under CI, where nothing may skip).
set -euo pipefail
cd "$(dirname "$0")/.."
asan_trackscan=""
if [ "${SKIP_ASAN:-0}" != 1 ]; then
  WERROR=ON BUILD_DIR=build-asan BUILD_TYPE=Asan scripts/build.sh
  asan_trackscan="$PWD/build-asan/trackscan"
fi
# The integration entry passes --trackscan-asan when this names a binary.
CMAKE_ARGS="-DTRACKSCAN_ASAN_TRACKSCAN=$asan_trackscan" \
  WERROR=ON BUILD_DIR=build BUILD_TYPE=RelWithDebInfo scripts/build.sh
(cd build && ctest --output-on-failure -L static -j 2)
(cd build && ctest --output-on-failure -LE 'integration|static' -j 2)
(cd build && ctest --output-on-failure -L integration)
if [ -n "$asan_trackscan" ]; then
  (cd build-asan && ctest --output-on-failure -LE 'integration|static' -j 2)
fi
