#!/usr/bin/env bash
# Issue 18, "nothing fails silently", through the real binary with the clock
# set by --now / $CALLBASE_NOW:
# - the forecast of a Monday-to-Friday base on a Saturday and a Sunday says
#   the rules allow nobody today and why, in words; on a Monday it does not;
# - a running campaign's `stats` says why it dials nothing (the day off, the
#   schedule at the center's clock in Vladivostok), in text and --json;
# - create and start warn about an empty segment and a schedule the rules
#   never allow, and start all the same (text and --json);
# - the demo (scripts/demo) on a Saturday and a Sunday sets rules that allow
#   its campaign, says so, forecasts calls for today, and marks its base a demo
#   base that serve refuses to dial over SIP.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
src=$2
db="$tmp/base.db"
run() {  # run WANT_RC DESCRIPTION -- args...: stdout in $tmp/out, stderr in $tmp/err
    local want=$1 what=$2; shift 3
    "$cb" --db "$db" --actor olga "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want; stdout: $(cat "$tmp/out"); stderr: $(cat "$tmp/err")"
}
has() { grep -q -- "$1" "$tmp/out" || fail "$2: '$1' not in output: $(cat "$tmp/out")"; }
hasnt() { ! grep -q -- "$1" "$tmp/out" || fail "$2: '$1' in output: $(cat "$tmp/out")"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

# 2026-12-05 is a Saturday. Moscow time (+03:00) unless said.
saturday='2026-12-05 12:00+03:00'
sunday='2026-12-06 12:00+03:00'
monday='2026-12-07 12:00+03:00'

"$cb" --db "$db" init >/dev/null || fail "init"
"$cb" gen contacts --rows 400 --seed 11 --real-ranges --out "$tmp/contacts.csv" || fail "gen"
run 0 "import" -- --json import contacts "$tmp/contacts.csv"
contacts=$(json 'd["inserted"]')

# The default rules: Monday to Friday, 09:00-20:00 in the callee's time.
run 0 "create" -- campaign create "Будни" --segment status=new --caller-id "+7 495 111-22-33"
has "contacts in its segment" "create"
hasnt "warning" "a campaign the rules allow has no warnings"

for day in "$saturday" "$sunday"; do
    run 0 "forecast on $day" -- --now "$day" simulate --campaign 1 --agents 2
    has "the rules allow today *0" "forecast on $day"
    name=$([ "$day" = "$saturday" ] && echo Saturday || echo Sunday)
    has "why none today *today is $name: the calling rules allow calls mon-fri" "forecast on $day"
    # The demo-like base has callees up to Kamchatka: Monday 09:00 there is
    # earlier on the center's (Moscow) clock.
    has "calls resume Mon [0-2][0-9]:00 on the call center's clock" "forecast on $day says when"
    CALLBASE_NOW="$day" run 0 "forecast --json on $day" -- --json simulate --campaign 1 --agents 2
    [ "$(json 'd["allowed_today"]')" = 0 ] || fail "forecast --json on $day: $(cat "$tmp/out")"
    [ "$(json 'd["why_none_today"][0]["code"]')" = campaign.stall.day_off ] ||
        fail "forecast --json on $day: no day_off: $(cat "$tmp/out")"
    [ "$(json 'd["why_none_today"][0]["params"]["allowed"]')" = mon-fri ] ||
        fail "forecast --json on $day: allowed: $(cat "$tmp/out")"
    [ "$(json 'd["why_none_today"][0]["params"]["resumes_weekday"]')" = mon ] ||
        fail "forecast --json on $day: resumes: $(cat "$tmp/out")"
done
run 0 "forecast on Monday" -- --now "$monday" --json simulate --campaign 1 --agents 2
[ "$(json 'd["allowed_today"] > 0')" = True ] || fail "forecast on Monday allows nobody: $(cat "$tmp/out")"
[ "$(json 'd["why_none_today"]')" = "[]" ] || fail "forecast on Monday says why none: $(cat "$tmp/out")"
run 2 "a bad --now" -- --now "субботу" campaign list
grep -q -- "--now" "$tmp/err" || fail "a bad --now is not named: $(cat "$tmp/err")"

# A running campaign on Saturday: stats says why it dials nothing.
run 0 "start on Saturday" -- --now "$saturday" campaign start 1
has "is running" "start"
run 0 "stats on Saturday" -- --now "$saturday" campaign stats 1
has "It dials nothing now:" "stats on Saturday"
has "today is Saturday: the calling rules allow calls mon-fri" "stats on Saturday"
run 0 "stats --json on Saturday" -- --now "$saturday" --json campaign stats 1
[ "$(json '[f["code"] for f in d["stall"]]')" = "['campaign.stall.day_off']" ] ||
    fail "stats --json on Saturday: $(cat "$tmp/out")"
run 0 "stats on Monday at noon" -- --now "$monday" --json campaign stats 1
[ "$(json 'd["stall"]')" = "[]" ] || fail "stats on Monday at noon: $(cat "$tmp/out")"
run 0 "stats on Monday at 07:00" -- --now '2026-12-07 07:00+03:00' campaign stats 1
has "outside the campaign's schedule 09:00-20:00: it dials from 09:00" "stats before the schedule"

# A center in Vladivostok (its rules' default zone, +10:00) on a server that
# keeps UTC, just after midnight on Saturday: its own day off and outside its
# schedule; its callees there are on Saturday too.
run 0 "rules: Vladivostok" -- rules set '{"default_utc_offset_minutes": 600}'
run 0 "stats in Vladivostok" -- --now '2026-12-04 14:30Z' --json campaign stats 1
codes=$(json '" ".join(f["code"] for f in d["stall"])')
[[ "$codes" == *campaign.stall.schedule_closed* ]] || fail "Vladivostok 00:30: no schedule_closed: $codes"
[ "$(json '[f["params"]["now"] for f in d["stall"] if f["code"] == "campaign.stall.schedule_closed"][0]')" = 00:30 ] ||
    fail "Vladivostok 00:30 read at the center's clock: $(cat "$tmp/out")"
run 0 "rules: Moscow again" -- rules set '{"default_utc_offset_minutes": 180}'
run 0 "stop" -- campaign stop 1

# Warnings before a start: an empty segment, a schedule the rules never allow.
run 0 "create an empty one" -- campaign create "Пусто" --segment source=no-such-source --caller-id "+7 495 111-22-44"
has "0 contacts in its segment" "empty create"
has "warning: 0 contacts in the segment" "empty create warns"
has "the warnings do not prevent it" "empty create says start is possible"
run 0 "create late --json" -- --json campaign create "Поздно" --segment status=new --schedule 21:00-23:00 \
    --caller-id "+7 495 111-22-55"
[ "$(json '[w["code"] for w in d["warnings"]]')" = "['campaign.warning.schedule_outside_rules']" ] ||
    fail "a 21:00-23:00 schedule under 09:00-20:00 rules: $(cat "$tmp/out")"
[ "$(json 'd["warnings"][0]["params"]["window"]')" = 09:00-20:00 ] || fail "window: $(cat "$tmp/out")"
late=$(json 'd["id"]')
run 0 "start with warnings" -- --json campaign start "$late"
[ "$(json 'd["state"]')" = running ] || fail "a campaign with warnings did not start: $(cat "$tmp/out")"
[ "$(json 'd["warnings"][0]["code"]')" = campaign.warning.schedule_outside_rules ] ||
    fail "start --json carries no warnings: $(cat "$tmp/out")"
run 0 "stop" -- campaign stop "$late"

# The demo on a Saturday and on a Sunday (a small base; nothing served).
for day in "$saturday" "$sunday"; do
    demo="$tmp/demo-$(date -d "${day% *}" +%a 2>/dev/null || echo day)"
    CALLBASE_NOW="$day" DEMO_ROWS=1500 DEMO_SERVE=0 DEMO_SCENARIO=0 \
        bash "$src/scripts/demo" "$cb" "$demo" >"$tmp/out" 2>"$tmp/err" ||
        fail "the demo on $day: exit $?; $(tail -5 "$tmp/err")"
    has "calling rules for the demo: every day, 09:00-21:00" "the demo on $day"
    has "the demo campaign dials on any day of the week, weekends included" "the demo on $day"
    has "marked a demo base" "the demo on $day"
    allowed=$(sed -n 's/^ *the rules allow today *\([0-9]*\).*/\1/p' "$tmp/out")
    [ -n "$allowed" ] && [ "$allowed" -gt 0 ] || fail "the demo's forecast on $day allows '$allowed'"
    hasnt "why none today" "the demo on $day"
done
# A demo base is never dialed over a real trunk.
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
[trunk]
host = "127.0.0.1:5999"
TOML
"$cb" --db "$demo/callbase.db" serve --listen 127.0.0.1:0 --telephony sip --sip-config "$tmp/sip.toml" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
    kill $pid
    fail "serve --telephony sip runs on a demo base"
else
    wait $pid
    rc=$?
    [ "$rc" -eq 4 ] || fail "serve --telephony sip on a demo base: exit $rc, want 4"
    grep -q "this is a demo base" "$tmp/err" || fail "no demo-base refusal: $(cat "$tmp/err")"
fi
finish cli_stall
