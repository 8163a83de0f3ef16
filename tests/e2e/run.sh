#!/usr/bin/env bash
# The web UI's end-to-end test: tests/e2e/run.sh CALLBASE WEB_DIR OUT_DIR
# (the binary, the built web/dist, where screenshots go). Installs playwright-core
# from the lock file the first time; Chromium is Debian's (/usr/bin/chromium, or
# $CHROMIUM). The last line is "N passed, N failed"; the exit code is non-zero on
# any failure.
set -euo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 CALLBASE WEB_DIR OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$2/index.html" ]; then
    echo "e2e: no web UI in $2: build it first (make web, or scripts/build-web)" >&2
    exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
    npm ci --prefix "$here" --no-audit --no-fund
fi
CALLBASE=$1 WEB_DIR=$2 OUT_DIR=$3 exec node "$here/e2e.mjs"
