#!/usr/bin/env bash
# Fetches EasyList and EasyPrivacy as Debian ships them inside uBlock Origin's
# package, into DIR (default /tmp/lists), with a VERSION file: the lists part
# of scripts/tracker_data.sh, kept for bench/filter_bench's instructions.
set -euo pipefail
exec bash "$(dirname "$0")/tracker_data.sh" --lists-only "${1:-/tmp/lists}"
