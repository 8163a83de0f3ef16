#!/usr/bin/env bash
# Issue 17, item 4, through the real binary: the CLI counts the contacts it
# shows a user (contacts find, contacts show) against the limits of contacts
# read, in the same count as the API's reads. Past the limit it refuses with
# the API's message (Russian and English) and exit 4, and writes one bulk_read
# audit record for the window however often it refuses. Reads through
# `callbase serve` and through the CLI add up, in either order.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
"$cb" --db "$db" init >/dev/null || fail "init"
CALLBASE_NEW_PASSWORD="root passphrase" "$cb" --db "$db" user add root --role admin >/dev/null ||
    fail "add admin"
enrol root
for u in dina:dpo sup:supervisor ann:supervisor bob:supervisor; do
    CALLBASE_NEW_PASSWORD="${u%%:*} passphrase" as root user add "${u%%:*}" --role "${u#*:}" \
        >/dev/null || fail "add $u"
done
enrol dina
as root audit alert-rules set '{"contacts_read_per_hour": 4}' >/dev/null || fail "set the limit"
as sup contacts add --name "Анна Петрова" --phone 89161234567 >/dev/null || fail "contact 1"
as sup contacts add --name "Борис Орлов" --phone 89031112233 >/dev/null || fail "contact 2"
as sup contacts add --name "Вера Козлова" --phone 84951234567 >/dev/null || fail "contact 3"

# The CLI alone: a page of 3 and a card are the 4 allowed; the next refused.
[ "$(as sup --json contacts find | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["contacts"]))')" = 3 ] ||
    fail "sup finds the 3 contacts"
as sup contacts show 1 | grep -q "Анна Петрова" || fail "the 4th contact read"
as sup contacts show 2 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "the 5th read: exit $rc, not 4: $(cat "$tmp/out")"
grep -q "Борис" "$tmp/out" && fail "the refused card was shown: $(cat "$tmp/out")"
grep -q "bulk read: sup has read 4 contacts within 60 minutes, the limit contacts_read_per_hour (4)" \
    "$tmp/out" || fail "English refusal: $(cat "$tmp/out")"
grep -q "callbase export request" "$tmp/out" || fail "refusal names the export: $(cat "$tmp/out")"
as sup contacts find >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "a search past the limit: exit $rc: $(cat "$tmp/out")"
grep -q "Анна" "$tmp/out" && fail "a search past the limit showed contacts: $(cat "$tmp/out")"
as dina --json audit list --action bulk_read >"$tmp/out" || fail "audit list"
python3 - "$tmp/out" <<'PY' || fail "bulk_read records: $(cat "$tmp/out")"
import json, sys
records = json.load(open(sys.argv[1]))
records = records.get("records", records) if isinstance(records, dict) else records
assert len(records) == 1, f"{len(records)} bulk_read records, not one for the window"
r = records[0]
assert r["actor"] == "sup", r
assert "массовая выгрузка" in r["detail"] and "limit 4" in r["detail"], r
assert r["source"].startswith("cli:"), r
PY
as dina --json audit alerts | grep -q '"rule":"bulk_reads"' ||
    fail "no bulk_reads alert: $(as dina --json audit alerts)"
# Another user reads on.
as ann contacts show 3 | grep -q "Вера" || fail "ann reads"

# The API and the CLI count together.
"$cb" --db "$db" serve --listen 127.0.0.1:0 --rate-limit 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
wait_for "$tmp/serve.out" "listening on" "$pid"
url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.out" | head -1)
[ -n "$url" ] || fail "serve: $(cat "$tmp/serve.out" "$tmp/serve.err")"
login() {  # login NAME -> the session cookie
    curl -s -i -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
        -d "{\"user\":\"$1\",\"password\":\"$1 passphrase\"}" |
        sed -n 's/^Set-Cookie: \(callbase_session=[0-9a-f]*\).*/\1/p'
}
status() {  # status COOKIE PATH -> the HTTP status, the body in $tmp/body
    curl -s -o "$tmp/body" -w '%{http_code}' -H "Cookie: $1" "$url$2"
}
# ann read 1 above; 2 through the API, the 4th through the CLI, the 5th refused.
ann=$(login ann)
[ "$(status "$ann" "/api/v1/contacts?limit=2")" = 200 ] || fail "ann's page: $(cat "$tmp/body")"
sleep 0.5  # the server writes its counts with its audit batch (every 100 ms)
as ann contacts show 1 >/dev/null || fail "ann's 4th read (CLI)"
as ann contacts show 2 >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "API 2 + CLI 2 = 4: the 5th read (CLI) exit $rc: $(cat "$tmp/out")"
grep -q "ann has read 4 contacts" "$tmp/out" || fail "ann's refusal: $(cat "$tmp/out")"
# bob: 3 through the CLI, the 4th through the API, the 5th refused there.
[ "$(as bob --json contacts find | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["contacts"]))')" = 3 ] ||
    fail "bob's 3 through the CLI"
bob=$(login bob)
[ "$(status "$bob" /api/v1/contacts/1)" = 200 ] || fail "bob's 4th (API): $(cat "$tmp/body")"
code=$(status "$bob" /api/v1/contacts/2)
[ "$code" = 429 ] || fail "CLI 3 + API 1 = 4: the 5th read (API) $code: $(cat "$tmp/body")"
grep -q "bob has read 4 contacts" "$tmp/body" || fail "bob's 429: $(cat "$tmp/body")"
kill -TERM "$pid"
wait "$pid"
finish cli_read_limit
