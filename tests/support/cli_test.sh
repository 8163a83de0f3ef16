# Sourced by the tests/cli_* scripts: a temporary folder removed at exit, fail()
# to record a failed check and go on, and finish() to print the verdict and
# exit non-zero when any check failed.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {  # finish NAME
    if ((failures)); then echo "$failures failed"; exit 1; fi
    echo "$1: all checks passed"
}
