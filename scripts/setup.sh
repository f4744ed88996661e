#!/usr/bin/env bash
# Installs every Debian package trackscan needs to build, test and run. Idempotent.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libwebsockets-dev libsimdjson-dev libpsl-dev libcurl4-openssl-dev
  libcli11-dev rapidjson-dev libssl-dev
  cppzmq-dev libzmq3-dev libhiredis-dev libzstd-dev libre2-dev libuv1-dev
  catch2 chromium redis-server clang libclang-rt-dev
  python3 python3-jsonschema python3-pytest python3-zmq python3-yaml openssl procps
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js and npm fetch the tracker data (TrackerDB, autoconsent). Debian's
# only when missing: a machine with another node (nodesource's) keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
# EasyList, EasyPrivacy, TrackerDB and autoconsent into <repo>/data
# (TRACKSCAN_TRACKER_DATA overrides the directory).
REPO=$(cd "$(dirname "$0")/.." && pwd)
bash "$REPO/scripts/tracker_data.sh" "${TRACKSCAN_TRACKER_DATA:-$REPO/data}"
