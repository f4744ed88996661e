#!/usr/bin/env bash
# Builds trackscan with warnings as errors, and once with AddressSanitizer +
# UBSan (build-asan), then runs the whole suite, fastest first: the static
# checks (layering, schemas, deploy flags), the Catch2 unit tests, the
# integration tests (real Chromium against the loopback fixture web; one of
# them runs build-asan/trackscan at concurrency 4), the unit tests again
# from build-asan, then each libFuzzer target of tests/fuzz for a few seconds
# (clang). SKIP_ASAN=1 skips the ASan build and what needs it (under CI the
# ASan integration test then fails: nothing may skip); SKIP_FUZZ=1 the fuzzing.
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
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DTRACKSCAN_FUZZ=ON -DTRACKSCAN_BUILD_TESTS=OFF -DTRACKSCAN_WERROR=ON >/dev/null
  cmake --build build-fuzz -j "$(nproc)" --target fuzz
  (cd build-fuzz && ctest --output-on-failure -L fuzz -j 2)
fi
