#!/usr/bin/env bash
# `callbase init` and the schema guard, through the real binary:
# create, migrate again (nothing to do), refuse a newer schema, refuse a database
# it cannot open, refuse commands on a database with no schema — on SQLite and on
# the test PostgreSQL server.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
# The newest schema version: one migration file per version.
latest=$(ls "$(dirname "$0")"/../../src/store/migrations/sqlite/*.sql | wc -l)
expect_rc() {  # expect_rc WANT DESCRIPTION -- command...
    local want=$1 what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want; stderr: $(cat "$tmp/err")"
}

# SQLite
db="$tmp/base.db"
expect_rc 0 "init creates" -- "$cb" --db "$db" init
grep -q "migrated from version 0 to $latest" "$tmp/out" || fail "init output: $(cat "$tmp/out")"
expect_rc 0 "init again" -- "$cb" --db "$db" init --json
grep -q '"applied":\[\]' "$tmp/out" || fail "second init applied something: $(cat "$tmp/out")"

sqlite3 "$db" "INSERT INTO schema_migrations VALUES (999, '999_future', 0)"
expect_rc 6 "newer schema refused by init" -- "$cb" --db "$db" init
grep -q "newer than this callbase" "$tmp/err" || fail "newer-schema message: $(cat "$tmp/err")"
before=$(sqlite3 "$db" "SELECT COUNT(*) FROM schema_migrations")
expect_rc 6 "newer schema refused by a command" -- "$cb" --db "$db" report health
after=$(sqlite3 "$db" "SELECT COUNT(*) FROM schema_migrations")
[ "$before" = "$after" ] || fail "newer-schema database was changed"

expect_rc 3 "missing folder" -- "$cb" --db "$tmp/no/such/dir/base.db" init
grep -q "does not exist" "$tmp/err" || fail "missing-folder message: $(cat "$tmp/err")"
echo "this is not a database" >"$tmp/text.db"
expect_rc 5 "not a database" -- "$cb" --db "$tmp/text.db" init
grep -q "not a database" "$tmp/err" || fail "not-a-database message: $(cat "$tmp/err")"
[ "$(cat "$tmp/text.db")" = "this is not a database" ] || fail "not-a-database file was changed"

expect_rc 2 "command on a database with no schema" -- "$cb" --db "$tmp/empty.db" report health
grep -q "callbase init" "$tmp/err" || fail "no-schema message: $(cat "$tmp/err")"

expect_rc 5 "unreachable PostgreSQL" -- "$cb" --db "postgresql://u:secret@127.0.0.1:1/x" init
grep -q "127.0.0.1" "$tmp/err" || fail "unreachable-PG message lacks the host: $(cat "$tmp/err")"
grep -q "secret" "$tmp/err" && fail "unreachable-PG message shows the password"

# PostgreSQL: a database of its own for this test.
url_file=${CALLBASE_TEST_PG_URL_FILE:-}
if [ -z "$url_file" ] || [ ! -s "$url_file" ]; then
    fail "no PostgreSQL test server (CALLBASE_TEST_PG_URL_FILE); run via ctest or make test"
else
    url=$(cat "$url_file")
    pgdb="cli_init_$$"
    psql "$url" -qc "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" >/dev/null
    pgurl="${url%/*}/$pgdb"
    expect_rc 0 "PG init creates" -- "$cb" --db "$pgurl" init
    grep -q "migrated from version 0 to $latest" "$tmp/out" || fail "PG init output: $(cat "$tmp/out")"
    expect_rc 0 "PG init again" -- "$cb" --db "$pgurl" init
    grep -q "up to date" "$tmp/out" || fail "PG second init: $(cat "$tmp/out")"
    psql "$pgurl" -qc "INSERT INTO schema_migrations VALUES (999, '999_future', 0)" >/dev/null
    expect_rc 6 "PG newer schema refused" -- "$cb" --db "$pgurl" init
    psql "$url" -qc "DROP DATABASE $pgdb" >/dev/null
fi

finish cli_init
