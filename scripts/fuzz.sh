#!/usr/bin/env bash
# scripts/fuzz.sh TARGET|all SECONDS: builds the libFuzzer target(s) of
# tests/fuzz/ into build-fuzz/ (clang, RelWithDebInfo, ASan + UBSan +
# libFuzzer; only the fuzz targets and the sources they test) and runs each
# for SECONDS from a scratch copy of its seed corpus (tests/fuzz/run_fuzzer.sh).
# Targets: cdp_event cdp_message json_object fleet_message scan_request
# set_cookie filter_list url_list. Exit 1 when one crashes, leaks or hangs; the input
# that did is kept under build-fuzz/fuzz-findings/TARGET/ and printed as
# "FOUND: PATH" (reproduce: build-fuzz/tests/fuzz/fuzz_TARGET PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS" >&2
  exit 2
fi
target=$1 seconds=$2
BUILD_DIR=${BUILD_DIR:-build-fuzz}
mapfile -t all < <(ls tests/fuzz/*_fuzz.cc | sed 's|.*/\(.*\)_fuzz\.cc$|\1|')
if [ "$target" = all ]; then
  targets=("${all[@]}")
elif [[ " ${all[*]} " == *" $target "* ]]; then
  targets=("$target")
else
  echo "unknown target $target; one of: ${all[*]} all" >&2
  exit 2
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="${CXX_FUZZ:-clang++}" \
  -DTRACKSCAN_FUZZ=ON -DTRACKSCAN_BUILD_TESTS=OFF >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" "${build_targets[@]}"
failed=()
for t in "${targets[@]}"; do
  echo "== fuzz_$t: ${seconds}s"
  tests/fuzz/run_fuzzer.sh "$BUILD_DIR/tests/fuzz/fuzz_$t" "$t" "$seconds" "$BUILD_DIR/fuzz-findings" || failed+=("$t")
done
if ((${#failed[@]})); then
  echo "findings in: ${failed[*]} (inputs under $BUILD_DIR/fuzz-findings/)" >&2
  exit 1
fi
