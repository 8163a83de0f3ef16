#!/usr/bin/env bash
# Least privilege through the real binary (issue 17, items 8–10): the admin
# sees pseudonyms and may not export; break-glass, asked for by the admin and
# approved by the dpo, shows a supervisor's view until it ends and raises an
# alert; an operator sees only the contacts assigned to them (the same "does
# not exist" for the others); a supervisor in a team sees the team's
# contacts and the figures of the team's calls; the
# access review lists rights, last login and last use, also as CSV.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
"$cb" --db "$db" init >/dev/null || fail "init"
CALLBASE_NEW_PASSWORD="root passphrase" "$cb" --db "$db" user add root --role admin >/dev/null ||
    fail "add admin"
enrol root
for u in dina:dpo sup:supervisor olga:operator petr:operator; do
    CALLBASE_NEW_PASSWORD="${u%%:*} passphrase" as root user add "${u%%:*}" --role "${u#*:}" \
        >/dev/null || fail "add $u"
done
enrol dina
as sup contacts add --name "Анна Петрова" --phone 89161234567 >/dev/null || fail "contact 1"
as sup contacts add --name "Борис Орлов" --phone 89031112233 >/dev/null || fail "contact 2"

# 8. The admin: pseudonyms, no export.
out=$(as root contacts show 1)
grep -q "P-[0-9a-f]\{12\}" <<<"$out" || fail "admin sees pseudonyms: $out"
grep -Eq "Анна|9161234567" <<<"$out" && fail "admin sees the name or number: $out"
if as root export request --reason "support" >"$tmp/out" 2>&1; then fail "admin asked for an export"; fi
grep -q "request_export" "$tmp/out" || fail "export refusal: $(cat "$tmp/out")"

# Break-glass: asked with a reason, approved by the dpo (not by the admin).
if as root access break-glass request --reason "ticket 1" --minutes 300 >"$tmp/out" 2>&1; then
    fail "five hours of break-glass"
fi
grep -q "4 h" "$tmp/out" || fail "too-long message: $(cat "$tmp/out")"
id=$(as root --json access break-glass request --reason "ticket 4711: a card does not open" \
    --minutes 30 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
[ -n "$id" ] || fail "no break-glass id"
as root contacts show 1 | grep -q "Анна" && fail "seen before approval"
if as root access break-glass approve "$id" >"$tmp/out" 2>&1; then fail "admin approved itself"; fi
grep -q "approve_break_glass" "$tmp/out" || fail "self-approval message: $(cat "$tmp/out")"
as dina access break-glass approve "$id" | grep -q "active" || fail "dpo approves"
out=$(as root contacts show 1)
grep -q "Анна Петрова" <<<"$out" || fail "break-glass shows the name: $out"
grep -q "+79161234567" <<<"$out" || fail "break-glass shows the number: $out"
as dina --json audit alerts | grep -q '"rule":"break_glass"' ||
    fail "break-glass alert: $(as dina --json audit alerts)"
as root access break-glass end "$id" | grep -q "ended" || fail "admin ends it"
as root contacts show 1 | grep -q "Анна" && fail "seen after the end"
as dina access break-glass list | grep -q "ticket 4711" || fail "break-glass list"

# 9. Operators see what is assigned to them; others do not exist for them.
as sup contacts assign 1 --to olga | grep -q "1 contacts assigned to olga" || fail "assign"
out=$(as olga --json contacts find)
[ "$(echo "$out" | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["contacts"]])')" = "[1]" ] ||
    fail "olga finds only contact 1: $out"
if as olga contacts show 2 >"$tmp/hidden" 2>&1; then fail "olga read contact 2"; fi
if as olga contacts show 99 >"$tmp/missing" 2>&1; then fail "contact 99"; fi
[ "$(sed 's/#2/#N/' "$tmp/hidden")" = "$(sed 's/#99/#N/' "$tmp/missing")" ] ||
    fail "hidden and missing answer alike: $(cat "$tmp/hidden") / $(cat "$tmp/missing")"
if as olga contacts set-status 2 refused >/dev/null 2>&1; then fail "olga changed contact 2"; fi
as petr --json contacts find | grep -q '"total":0' || fail "petr has nothing assigned"
if as olga contacts assign 2 --to olga >"$tmp/out" 2>&1; then fail "an operator assigned"; fi
as sup --json contacts show 1 | grep -q '"action":"assign"' || fail "assignment in the history"
as sup contacts assign --filter phone=89031112233 --to petr | grep -q "1 contacts" ||
    fail "bulk assignment by filter"

# Teams: the supervisor of a team sees the team's contacts and the unassigned.
as root team add north >/dev/null || fail "team add"
as root team member sup north >/dev/null || fail "sup in north"
as root team member olga north >/dev/null || fail "olga in north"
as root team list | grep -q "north *olga, sup" || fail "team list: $(as root team list)"
as sup --json contacts find | grep -q '"total":1' || fail "sup sees olga's, not petr's: $(as sup --json contacts find)"
if as sup contacts assign 1 --to petr >"$tmp/out" 2>&1; then fail "assigned outside the team"; fi
grep -q "not in your team" "$tmp/out" || fail "team message: $(cat "$tmp/out")"
# A team's figures: the calls its members took (olga's 2 of the 6), not petr's
# 3 nor the one nobody took; `why` lists the team's calls to the number.
as sup campaign create "Команды" --caller-id 84950000001 >/dev/null || fail "campaign"
for agent in olga olga petr petr petr ""; do
    sqlite3 "$db" "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id,
        attempt, started_at, ended_at, outcome, evidence, agent) VALUES (1, 2, '+79031112233',
        '+74950000001', 1, 1780000000000, 1780000000000,
        CASE WHEN '$agent' = '' THEN 'no_answer' ELSE 'answered' END, '{}', '$agent')" ||
        fail "call by '$agent'"
done
as sup --json campaign stats 1 | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["attempts"] == 2 and s["outcomes"] == {"answered": 2}, s
assert s["team"]["name"] == "north" and s["team"]["members"] == ["olga", "sup"], s["team"]' ||
    fail "team stats: $(as sup --json campaign stats 1)"
as sup campaign stats 1 | grep -q "team north: the calls of its 2 member(s) only" ||
    fail "team stats say whose: $(as sup campaign stats 1)"
as sup --json why 89031112233 | python3 -c '
import json, sys
w = json.load(sys.stdin)
assert [c["agent"] for c in w["calls"]] == ["olga", "olga"] and w["team"]["name"] == "north", w' ||
    fail "team calls: $(as sup --json why 89031112233)"
as root team member sup --none >/dev/null || fail "sup out of the team"
as sup --json contacts find | grep -q '"total":2' || fail "no team: the whole base"
as sup --json campaign stats 1 | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["attempts"] == 6 and s["team"] is None, s' ||
    fail "no team: every call: $(as sup --json campaign stats 1)"
as sup --json why 89031112233 | python3 -c '
import json, sys
assert len(json.load(sys.stdin)["calls"]) == 6' || fail "no team: every call to the number"

# 10. The access review: rights, last login, last use; CSV for the file.
as dina --json access review >"$tmp/review.json" || fail "access review"
python3 - "$tmp/review.json" <<'PY' || fail "review content: $(cat "$tmp/review.json")"
import json, sys
users = {u["user"]: u for u in json.load(open(sys.argv[1]))}
olga = users["olga"]
assert olga["role"] == "operator" and olga["last_login"], olga
rights = {r["permission"]: r for r in olga["rights"]}
assert rights["read_contacts"]["last_used"] and not rights["read_contacts"]["unused"], rights
assert rights["consents"]["last_used"] is None and rights["consents"]["unused"], rights
assert "manage_users" not in rights, rights
assert users["root"]["team"] is None and users["olga"]["team"] == "north", users
PY
as dina access review --csv "$tmp/review.csv" | grep -q "unused for 90 days" || fail "review table"
head -1 "$tmp/review.csv" | grep -q "^user,role,state,team,totp,created_at,last_login,permission,last_used,unused_90_days" ||
    fail "CSV header: $(head -1 "$tmp/review.csv")"
grep -q "^olga,operator,active,north,off,.*,read_contacts,[0-9]" "$tmp/review.csv" || fail "CSV row: $(cat "$tmp/review.csv")"
if as olga access review >/dev/null 2>&1; then fail "an operator read the review"; fi

finish cli_privilege
