#!/usr/bin/env bash
# run_fuzzer.sh BINARY NAME SECONDS [FINDINGS_DIR]: runs the fuzz target
# BINARY for SECONDS from its seed corpus tests/fuzz/corpus/NAME/ (read only:
# new inputs go to a scratch directory, deleted afterwards), with
# tests/fuzz/NAME.dict when there is one. A crash, leak, timeout or
# out-of-memory is written to FINDINGS_DIR (default: findings/ beside
# BINARY), its path printed as "FOUND: PATH", and the exit status is 1.
# The target's own stderr is discarded (-close_fd_mask=2); libFuzzer's and
# the sanitizers' reports are kept. Used by ctest -L fuzz and scripts/fuzz.sh.
set -euo pipefail
binary=$1 name=$2 seconds=$3
findings=${4:-$(dirname "$binary")/findings}/$name
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$findings"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=16384
      -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$findings/")
[ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
status=0
"$binary" "${args[@]}" "$scratch" "$here/corpus/$name" >"$scratch.log" 2>&1 || status=$?
grep -E '^(INFO: Seed|#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
  "$scratch.log" || true
if [ "$status" -ne 0 ]; then
  tail -n 80 "$scratch.log"
  sed -n 's/.*Test unit written to \(.*\)$/FOUND: \1/p' "$scratch.log"
  rm -f "$scratch.log"
  exit 1
fi
rm -f "$scratch.log"
echo "fuzz_$name: no finding in ${seconds}s"
