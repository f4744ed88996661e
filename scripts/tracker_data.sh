#!/usr/bin/env bash
# Fills trackscan's tracker data directory DIR (default <repo>/data):
#   DIR/lists/easylist.txt, easyprivacy.txt, VERSION   out of Debian's uBlock
#       Origin package, only downloaded and unpacked, NEVER installed: an
#       installed webext-ublock-origin-chromium would be loaded by the scanning
#       Chromium and block what we measure.
#   DIR/node_modules/@ghostery/trackerdb      (npm; CC BY-NC-SA: never commit it)
#   DIR/node_modules/@duckduckgo/autoconsent  (npm)
# Idempotent: what is present at the pinned versions is kept.
# Usage: tracker_data.sh [DIR]
#        tracker_data.sh --lists-only DIR   (the lists straight into DIR)
set -euo pipefail
TRACKERDB_VERSION=1.0.945
AUTOCONSENT_VERSION=16.23.0
PKG=webext-ublock-origin-chromium

die() { echo "tracker_data.sh: error: $*" >&2; exit 1; }

# fetch_lists OUT: easylist.txt, easyprivacy.txt and VERSION into OUT.
fetch_lists() {
  local out=$1 candidate=""
  mkdir -p "$out"
  # apt-get download needs the package lists; a machine set up long ago (or a
  # Docker layer that removed them) may have none.
  candidate=$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq || die "apt-get update failed: is the Debian mirror reachable?"
    candidate=$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
  fi
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || die "apt knows no package $PKG (Debian 12 main has it)"
  if [ -s "$out/easylist.txt" ] && [ -s "$out/easyprivacy.txt" ] &&
     [ "$(cat "$out/VERSION" 2>/dev/null)" = "$PKG $candidate" ]; then
    echo "lists: $PKG $candidate already in $out"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt-get download runs as _apt
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  # Its stderr only on failure: as root it always warns that _apt cannot read
  # the temporary directory, which is harmless.
  (cd "$tmp" && apt-get download "$PKG=$candidate" >/dev/null 2>"$tmp/apt.err") || {
    cat "$tmp/apt.err" >&2
    die "apt-get download $PKG=$candidate failed: is the Debian mirror reachable?"
  }
  local deb
  deb=$(ls "$tmp"/*.deb)
  dpkg-deb -x "$deb" "$tmp/root"
  local name pattern f
  for name in easylist easyprivacy; do
    f=""
    for pattern in "$name.txt" "$name*.txt"; do
      f=$(find "$tmp/root" -type f -iname "$pattern" -print -quit)
      [ -n "$f" ] && break
    done
    [ -n "$f" ] || die "no $name.txt in $PKG $candidate"
    cp "$f" "$out/$name.txt"
    echo "lists: $name.txt <- ${f#"$tmp/root"}"
  done
  echo "$PKG $candidate" > "$out/VERSION"
}

installed_version() {  # installed_version DIR PACKAGE: its package.json version, or nothing
  local pj=$1/node_modules/$2/package.json
  [ -f "$pj" ] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pj" | head -n 1
}

fetch_npm() {
  local dir=$1
  if [ "$(installed_version "$dir" @ghostery/trackerdb)" = "$TRACKERDB_VERSION" ] &&
     [ "$(installed_version "$dir" @duckduckgo/autoconsent)" = "$AUTOCONSENT_VERSION" ]; then
    echo "npm: @ghostery/trackerdb $TRACKERDB_VERSION, @duckduckgo/autoconsent $AUTOCONSENT_VERSION already in $dir"
    return 0
  fi
  command -v npm >/dev/null || die "npm not found: run scripts/setup.sh (it installs Debian's nodejs and npm)"
  # A package.json of our own, so that one install keeps both packages
  # (a bare `npm install X` prunes what no package.json names).
  cat > "$dir/package.json" <<EOF
{
  "name": "trackscan-tracker-data",
  "private": true,
  "description": "Written by scripts/tracker_data.sh; never commit this directory (TrackerDB is CC BY-NC-SA)",
  "dependencies": {
    "@ghostery/trackerdb": "$TRACKERDB_VERSION",
    "@duckduckgo/autoconsent": "$AUTOCONSENT_VERSION"
  }
}
EOF
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --omit=dev --loglevel=error >/dev/null ||
    die "npm install in $dir failed: is the npm registry reachable?"
  [ -f "$dir/node_modules/@ghostery/trackerdb/dist/trackerdb.json" ] ||
    die "@ghostery/trackerdb $TRACKERDB_VERSION has no dist/trackerdb.json"
  echo "npm: @ghostery/trackerdb $TRACKERDB_VERSION, @duckduckgo/autoconsent $AUTOCONSENT_VERSION in $dir"
}

if [ "${1:-}" = "--lists-only" ]; then
  [ -n "${2:-}" ] || die "usage: tracker_data.sh --lists-only DIR"
  fetch_lists "$2"
  exit 0
fi
DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/data}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
fetch_lists "$DIR/lists"
fetch_npm "$DIR"
echo "tracker data ready in $DIR"
