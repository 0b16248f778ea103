#!/bin/sh
# Browser tests of the bmnn web UI. Usage: BMNN_BIN=target/debug/bmnn e2e/run.sh
# Needs Debian's Chromium at /usr/bin/chromium and node >= 20; builds nothing itself.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${BMNN_BIN:?set BMNN_BIN to the built bmnn binary}"
case "$BMNN_BIN" in /*) ;; *) BMNN_BIN="$(pwd)/$BMNN_BIN" ;; esac
export BMNN_BIN
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 1; }
cd "$here"
# Offline-friendly: use the npm cache when it has the pinned packages.
npm ci --prefer-offline --no-audit --no-fund >/dev/null
exec node --test --test-concurrency=1 tests/
