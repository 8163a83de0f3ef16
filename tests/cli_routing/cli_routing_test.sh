#!/usr/bin/env bash
# `callbase routing` through the real binary on a temp SQLite base: queues,
# numbers and extensions, the VIP and black lists, the rules, and `routing
# check` saying where a call goes and why; bad settings refused (exit 2)
# naming the key or the queue, and nothing half-saved; an operator may not
# change the routing.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
run() {  # run WANT_RC DESCRIPTION -- args...: stdout in $tmp/out, stderr in $tmp/err
    local want=$1 what=$2; shift 3
    "$cb" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want; stdout: $(cat "$tmp/out"); stderr: $(cat "$tmp/err")"
}
has() { grep -q -- "$1" "$tmp/out" || fail "$2: '$1' not in output: $(cat "$tmp/out")"; }
says() { grep -q -- "$1" "$tmp/err" || fail "$2: '$1' not in the message: $(cat "$tmp/err")"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }
"$cb" --db "$db" init >/dev/null || fail "init"

run 0 "queue general" -- routing queue set general
run 0 "queue seniors" -- routing queue set seniors \
    '{"skill": "complaints", "widen": [{"after": 20, "level": 2}], "max_wait": 30, "exit_route": "queue:general"}'
run 0 "queue vip" -- routing queue set vip '{"strategy": "ring_all"}'
printf '{"strategy": "fixed_order", "members": ["anna", "boris"]}' >"$tmp/sales.json"
run 0 "queue from a file" -- routing queue set sales --file "$tmp/sales.json"
# As Windows Notepad saves it: a BOM and CRLF line ends.
printf '\xEF\xBB\xBF{\r\n  "strategy": "round_robin",\r\n  "max_wait": 120\r\n}\r\n' >"$tmp/notepad.json"
run 0 "queue from a Notepad file" -- --json routing queue set notepad --file "$tmp/notepad.json"
[ "$(json '(d["strategy"], d["max_wait"])')" = "('round_robin', 120.0)" ] || fail "notepad: $(cat "$tmp/out")"
run 0 "remove it again" -- routing queue remove notepad
run 2 "a misspelt key" -- routing queue set bad '{"stratgy": "ring_all"}'
says "unknown key 'stratgy'" "misspelt key named"
says "strategy" "the keys that exist"
run 2 "an exit to a missing queue" -- routing queue set lost '{"exit_route": "queue:nowhere"}'
says "there is no queue 'nowhere'" "missing exit queue"
run 2 "announcements in a language not offered" -- routing queue set intl '{"language": "de"}'
says "queue intl: the announcements' language 'de' is not offered" "the language refused"
run 0 "an English queue" -- routing queue set vip \
    '{"strategy": "ring_all", "announce_every": 30, "callback": true, "language": "en"}'
run 0 "queue list" -- routing queue list
has "every 30 s, callback, en" "the announcements in the table"
run 0 "queue list --json" -- --json routing queue list
[ "$(json '[q["name"] for q in d]')" = "['general', 'sales', 'seniors', 'vip']" ] ||
    fail "queues: $(cat "$tmp/out")"
[ "$(json '[q["max_wait"] for q in d if q["name"] == "seniors"][0]')" = "30.0" ] ||
    fail "seconds back: $(cat "$tmp/out")"

run 0 "a DID in any spelling" -- routing number set "8 (495) 111-22-33" queue:general --label "Яндекс Директ"
has "number +74951112233 -> queue:general" "DID cleaned"
run 0 "an extension" -- routing number set 101 queue:sales --label "Отдел продаж"
has "extension 101 -> queue:sales" "extension"
run 0 "a DID to an extension" -- routing number set "+7 495 111-22-55" extension:101
run 2 "a route to a missing queue" -- routing number set "+7 495 111-22-44" queue:nosuch
says "+74951112244: there is no queue 'nosuch'" "missing queue named"
run 2 "not a route" -- routing number set "+7 495 111-22-44" voicemail:x
says "is not a route" "bad route"
run 0 "numbers" -- --json routing number list
[ "$(json 'len(d)')" = 3 ] || fail "a refused number was saved: $(cat "$tmp/out")"
run 2 "a queue in use" -- routing queue remove general
says "there is no queue 'general'" "the user of the queue named"

run 0 "vip" -- routing list add vip "8 916 000-00-02" --manager anna --note "директор"
run 0 "black" -- routing list add black "+7 916 000-00-01"
run 2 "an unknown list" -- routing list add gray "+7 916 000-00-03"
run 0 "rules" -- routing rules set '{"vip_queue": "vip", "complaints_enabled": true, "complaints_queue": "seniors"}'
run 2 "a black-listed caller is never queued" -- routing rules set '{"black_action": "queue:general"}'
run 0 "rules kept" -- --json routing rules show
[ "$(json '(d["vip_queue"], d["complaints_queue"], d["black_action"])')" = "('vip', 'seniors', 'reject:603')" ] ||
    fail "rules: $(cat "$tmp/out")"

run 0 "check vip" -- --json routing check "+7 916 000-00-02" "+74951112233"
[ "$(json '(d["route"], d["fallback"], d["reason"], d["priority"])')" = "('agent:anna', 'queue:vip', 'vip', 5)" ] ||
    fail "vip: $(cat "$tmp/out")"
run 0 "check black" -- routing check "+7 916 000-00-01" "+74951112233"
has "reject:603; reason: black_list" "black"
run 0 "check an unknown caller by a DID to an extension" -- --json routing check "+7 916 123-45-67" "+74951112255"
[ "$(json '(d["route"], d["reason"], d["create_card"])')" = "('queue:sales', 'unknown', True)" ] ||
    fail "unknown: $(cat "$tmp/out")"
run 0 "check a number with no route" -- --json routing check "+7 916 123-45-67" "+74950000000"
[ "$(json '(d["route"], d["reason"])')" = "('message:no_route', 'no_route')" ] || fail "no route: $(cat "$tmp/out")"

# A voice menu against this center: the shipped one names queue «service»,
# which is not here yet; once it is, the menu fits.
menu="$(dirname "$0")/../../examples/ivr/inbound-menu.yaml"
run 2 "check-menu with a missing queue" -- routing check-menu "$menu"
grep -q "inbound-menu.yaml:[0-9]*: node 'service': error: queue 'service' is not a queue of the center" \
    "$tmp/err" || fail "check-menu: $(cat "$tmp/err")"
run 0 "queue service" -- routing queue set service
run 0 "check-menu" -- --json routing check-menu "$menu"
[ "$(json 'd["errors"]')" = 0 ] || fail "check-menu: $(cat "$tmp/out")"
# A number routed to a menu: the menu must be in the server's scripts folder
# (beside the base by default, or --scripts-dir) and fit this center.
run 3 "a number to a menu that is not there" -- routing number set "+7 495 000-00-09" ivr:inbound-menu.yaml
grep -q "menu 'inbound-menu.yaml' is not a file of the server's scripts folder" "$tmp/err" ||
    fail "missing menu: $(cat "$tmp/err")"
mkdir -p "$tmp/menus"
sed 's/queue: service/queue: nosuch/' "$menu" >"$tmp/menus/wrong.yaml"
run 2 "a number to a menu with a missing queue" -- routing number set "+7 495 000-00-09" \
    ivr:wrong.yaml --scripts-dir "$tmp/menus"
grep -q "menu wrong.yaml: .*wrong.yaml:[0-9]*: node 'service': queue 'nosuch' is not a queue" "$tmp/err" ||
    fail "menu with a missing queue: $(cat "$tmp/err")"
mkdir -p "$db.scripts" && cp "$menu" "$db.scripts/"
run 0 "a number to the menu" -- routing number set "+7 495 000-00-09" ivr:inbound-menu.yaml
run 0 "numbers" -- --json routing number list
grep -q '"route":"ivr:inbound-menu.yaml"' "$tmp/out" || fail "the menu's number: $(cat "$tmp/out")"
# Roles: once the base has users, an operator may not change the routing;
# a supervisor may, and sees the VIP list's numbers as the role allows.
CALLBASE_NEW_PASSWORD="root passphrase" "$cb" --db "$db" user add root --role admin >/dev/null ||
    fail "add admin"
enrol root
for u in sup:supervisor olga:operator; do
    CALLBASE_NEW_PASSWORD="${u%%:*} passphrase" as root user add "${u%%:*}" --role "${u#*:}" \
        >/dev/null || fail "add $u"
done
if as olga routing queue set x >"$tmp/out" 2>&1; then fail "an operator changed the routing"; fi
grep -q "campaigns" "$tmp/out" || fail "the refusal names the permission: $(cat "$tmp/out")"
as sup routing queue set support >/dev/null || fail "a supervisor sets a queue"
as sup --json routing list show vip >"$tmp/out" || fail "a supervisor reads the VIP list"
[ "$(json 'd["size"]')" = 1 ] || fail "vip list: $(cat "$tmp/out")"
# Operators' profiles: skills with levels and the calls they take.
as sup routing agent set olga --blend inbound --skills "senior:1, sales:2" >"$tmp/out" 2>&1 ||
    fail "a supervisor sets olga's profile: $(cat "$tmp/out")"
grep -q "operator olga: takes inbound calls; skills senior:1,sales:2" "$tmp/out" ||
    fail "the profile said back: $(cat "$tmp/out")"
as sup routing agent set olga --skills "senior:1,sales:2,vip" >/dev/null || fail "add a skill"
as sup --json routing agent list >"$tmp/out" || fail "agent list"
[ "$(json 'd[0]["blend"] + " " + ",".join(s["name"] + str(s["level"]) for s in d[0]["skills"])')" \
    = "inbound senior1,sales2,vip1" ] || fail "the blend kept, the skills replaced: $(cat "$tmp/out")"
if as sup routing agent set olga --skills "senior:10" >"$tmp/out" 2>&1; then
    fail "a level of 10 was taken"
fi
grep -q "'senior:10' is not a skill with a level" "$tmp/out" || fail "the bad level: $(cat "$tmp/out")"
if as sup routing agent set zoya --blend outbound >"$tmp/out" 2>&1; then fail "no user zoya"; fi
grep -q "there is no user 'zoya'" "$tmp/out" || fail "the unknown operator: $(cat "$tmp/out")"
if as sup routing agent set olga --blend both >"$tmp/out" 2>&1; then fail "blend both"; fi
grep -q -- "--blend both does not exist" "$tmp/out" || fail "the bad blend: $(cat "$tmp/out")"
as sup --json routing agent list >"$tmp/out" || fail "agent list"
[ "$(json 'len(d[0]["skills"])')" = 3 ] || fail "nothing refused was written: $(cat "$tmp/out")"
if as olga routing agent set olga --blend blended >/dev/null 2>&1; then
    fail "an operator changed their own profile"
fi
as sup routing agent remove olga >/dev/null || fail "remove the profile"
as sup routing agent list >"$tmp/out" || fail "agent list"
grep -q "no operator has a profile" "$tmp/out" || fail "no profile left: $(cat "$tmp/out")"
finish cli_routing
