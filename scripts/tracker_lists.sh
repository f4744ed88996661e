#!/usr/bin/env bash
# Fetches EasyList and EasyPrivacy as Debian ships them inside uBlock Origin's
# package, into DIR (default /tmp/lists), with a VERSION file.
# The package is only downloaded and unpacked, NEVER installed: an installed
# webext-ublock-origin-chromium would be loaded by the scanning Chromium.
set -euo pipefail
DIR=${1:-/tmp/lists}
PKG=webext-ublock-origin-chromium
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"  # apt-get download runs as _apt
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "$PKG" >/dev/null)
deb=$(ls "$tmp"/*.deb)
dpkg-deb -x "$deb" "$tmp/root"
version=$(dpkg-deb -f "$deb" Version)
copy() {  # copy NAME GLOB...: the first file found among the globs
  local name=$1 f
  shift
  for pattern in "$@"; do
    f=$(find "$tmp/root" -type f -iname "$pattern" -print -quit)
    if [ -n "$f" ]; then
      cp "$f" "$DIR/$name"
      echo "$name <- ${f#"$tmp/root"}"
      return 0
    fi
  done
  echo "error: no $name in $PKG $version" >&2
  return 1
}
copy easylist.txt easylist.txt 'easylist*.txt'
copy easyprivacy.txt easyprivacy.txt 'easyprivacy*.txt'
echo "$PKG $version" > "$DIR/VERSION"
echo "wrote $DIR ($PKG $version)"
