# Sourced by the tests/cli_* scripts: a temporary folder removed at exit, fail()
# to record a failed check and go on, and finish() to print the verdict and
# exit non-zero when any check failed; totp() computes a second factor's code
# by RFC 6238 itself, apart from the binary under test.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {  # finish NAME
    if ((failures)); then echo "$failures failed"; exit 1; fi
    echo "$1: all checks passed"
}
totp() {  # totp BASE32_SECRET -> the current six-digit code (SHA-1, 30 s)
    python3 -c 'import base64,hmac,hashlib,struct,sys,time
k=base64.b32decode(sys.argv[1]+"="*(-len(sys.argv[1])%8))
h=hmac.new(k,struct.pack(">Q",int(time.time())//30),hashlib.sha1).digest()
o=h[-1]&15
print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$1"
}
# wait_for FILE PATTERN PID: waits up to 60 s (a loaded CI machine starts
# `serve` slowly) for a line matching PATTERN in FILE, stopping early when the
# process PID ended; returns 1 when the line never came.
wait_for() {  # wait_for FILE PATTERN PID
    for _ in $(seq 600); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "$2" "$1" 2>/dev/null
}
# run WANT_RC DESCRIPTION -- ARGS...: callbase ARGS on the base "$db" of the
# binary "$cb" (both set by the script), stdout in $tmp/out and stderr in
# $tmp/err; a check fails when the exit code is not WANT_RC. Scripts that run
# as someone (--actor) or keep the exit code define their own after sourcing.
run() {  # run WANT_RC DESCRIPTION -- args...
    local want=$1 what=$2; shift 3
    "$cb" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want; stdout: $(cat "$tmp/out"); stderr: $(cat "$tmp/err")"
}
# Users whose passphrase is "NAME passphrase", on the base "$db" of the binary
# "$cb" (both set by the script): enrol NAME gives the user a second factor
# (its secret kept in totp_secrets[NAME]); as NAME ARGS... runs callbase as them,
# with the current code when they have one. Scripts whose users differ define
# their own `as` after sourcing this.
declare -A totp_secrets=()
enrol() {  # enrol NAME
    totp_secrets[$1]=$(CALLBASE_PASSWORD="$1 passphrase" "$cb" --db "$db" --json user totp "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
    CALLBASE_PASSWORD="$1 passphrase" "$cb" --db "$db" user totp "$1" \
        --confirm "$(totp "${totp_secrets[$1]}")" >/dev/null || fail "TOTP for $1"
}
as() {  # as NAME ARGS...
    local who=$1
    shift
    CALLBASE_PASSWORD="$who passphrase" CALLBASE_TOTP=$([ -n "${totp_secrets[$who]:-}" ] && totp "${totp_secrets[$who]}") \
        "$cb" --db "$db" --user "$who" "$@"
}
# pg_base NAME MODE: a new PostgreSQL database NAME on the test server the
# ctest fixture started, set up by `callbase init` (and `keys encrypt` when
# MODE is "encrypted", with the key file $CALLBASE_KEY_FILE). Sets pgurl (the
# base's URL) and pg_server (the server's); returns 1 when there is no test
# server.
pg_base() {
    local url_file=${CALLBASE_TEST_PG_URL_FILE:-}
    if [ -z "$url_file" ] || [ ! -s "$url_file" ]; then
        fail "no PostgreSQL test server (CALLBASE_TEST_PG_URL_FILE); run via ctest or make test"
        return 1
    fi
    pg_server=$(cat "$url_file")
    psql "$pg_server" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
    pgurl="${pg_server%/*}/$1"
    "$cb" --db "$pgurl" init >/dev/null || fail "pg $2: init"
    if [ "$2" = encrypted ]; then
        "$cb" --db "$pgurl" keys encrypt >/dev/null || fail "pg $2: encrypt"
    fi
}
