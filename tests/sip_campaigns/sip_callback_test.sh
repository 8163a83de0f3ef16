#!/usr/bin/env bash
# A callback instead of waiting, over real SIP on loopback (docs/routing.md,
# "A callback instead of waiting"). Queue «line» announces every 10 s and
# offers a callback; its one operator, olga, is at work but paused. A caller
# (Иван Петров, +7 916 000-00-30) to the center's number is answered by a
# menu, waits in «line», hears the offer and presses 1 (RFC 4733): the center
# says goodbye and hangs up. The server restarts before olga's turn: the
# caller's place survives it. When olga goes ready, her turn has come to the
# caller: she dials them back through the trunk (SIPp as the callee, who
# answers and talks), and the call is put through to her softphone. Checked:
# the SIPp verdicts (the caller's BYE from the center, the callee's INVITE to
# the caller's number from the campaign's caller ID, the softphone's call),
# the wallboard (one waiting, off the line, before and after the restart),
# the log lines, both records
# (the incoming one closed as `callback`, the callback answered by olga with
# the route callback:line and a service purpose), the report's callbacks and
# the queue_log's EXITWITHKEY.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
campaign_setup "Входящая линия" status=decided
base_users
CALLBASE_NEW_PASSWORD=sveta-pass-1234 as_admin user add sveta --role supervisor >/dev/null ||
    fail "supervisor"
as_admin routing queue set line \
    '{"members": ["olga"], "max_wait": 120, "announce_every": 10, "callback": true}' \
    >/dev/null || fail "queue line"
mkdir -p "$db.scripts"
cat >"$db.scripts/hello.yaml" <<'YAML'
name: Линия
direction: inbound
nodes:
  hello:
    say: Здравствуйте!
    actions: [{queue: line}]
YAML
as_admin routing number set "+7 495 000-00-01" ivr:hello.yaml --label "Сайт" >/dev/null ||
    fail "number"

callee_start 4000 -timeout 90s -trace_msg -message_file "$tmp/callee.msg"
softphone_start
sip_port=$(free_port)
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
dids = ["+74950000001"]
[trunk]
host = "127.0.0.1:$trunk_port"
number_format = "digits"
[agents]
olga = "sip:olga@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
serve_sip
as_admin campaign start "$id" >/dev/null || fail "campaign start"
operator_ready "$id" olga
out=$(post /agent/pause '{"reason": "training"}')
grep -q '"state":"paused"' <<<"$out" || fail "olga's pause: $out"

# The caller: the menu greets them and they join «line»; 3 s after the
# answer, during the first announcement, they press 1 and listen until the
# center hangs up.
caller_scenario menu 74950000001 79160000030 @WAIT@ 3000 \
    @PCAP@ /usr/share/sip-tester/dtmf_2833_1.pcap >"$tmp/caller.xml"
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
sipp_verdict caller
# The wallboard: one caller waits in «line», off the line for a callback.
one_waiting() {
    curl -s -c "$tmp/cookies.sveta" -X POST "$url/api/v1/session" \
        -H "Content-Type: application/json" \
        -d '{"user":"sveta","password":"sveta-pass-1234"}' >/dev/null || fail "sveta's login"
    # The board is renewed every second.
    for _ in $(seq 30); do
        board=$(curl -s -b "$tmp/cookies.sveta" "$url/api/v1/wallboard")
        python3 - "$board" 2>/dev/null <<'PY' && return 0
import json, sys
(line,) = [q for q in json.loads(sys.argv[1])["queues"] if q["name"] == "line"]
assert (line["waiting"], line["callbacks_waiting"]) == (1, 1), line
PY
        sleep 0.2
    done
    fail "the wallboard ($1): $board"
}
one_waiting "before the restart"
# The server stops before olga's turn: the place is not lost but kept.
serve_end
grep -q "the server stops before the callback +79160000030 chose was placed: it keeps its place" \
    "$tmp/serve.err" || fail "the stop's log: $(cat "$tmp/serve.err")"
serve_sip
wait_for "$tmp/serve.err" \
    "inbound: +79160000030 chose a callback before the server stopped: their place in line (queue line) is kept" \
    "$serve_pid" || fail "the place is not restored: $(cat "$tmp/serve.err")"
one_waiting "after the restart"
# No line, but the place: olga is the next free operator of «line».
operator_ready "$id" olga
sipp_verdict callee softphone
grep -q "inbound: operator olga calls back +79160000030, whose turn in line came" "$tmp/serve.err" ||
    fail "the callback is not logged: $(cat "$tmp/serve.err")"
# The callee's INVITE: to the caller's number, from the campaign's caller ID.
grep -q "^INVITE sip:79160000030@" "$tmp/callee.msg" || fail "the callback's INVITE: $(head -30 "$tmp/callee.msg")"
grep -q "^From: .*74950000001" "$tmp/callee.msg" || fail "the callback's caller ID: $(head -30 "$tmp/callee.msg")"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end

as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" <<'PY' || fail "the calls: $(cat "$tmp/why.json")"
import json, sys
calls = json.load(open(sys.argv[1]))["calls"]
incoming = [c for c in calls if c["direction"] == "in"]
back = [c for c in calls if c["direction"] == "out"]
assert len(incoming) == 1 and len(back) == 1, calls
(i,), (b,) = incoming, back
assert i["outcome"] == "callback" and i["route"]["route"] == "queue:line", i
assert b["outcome"] == "answered" and b["agent"] == "olga", b
assert b["route"]["route"] == "callback:line" and b["route"]["reason"] == "callback", b
assert b["started_ms"] >= i["ended_ms"], (i, b)
# The calling hours were the caller's own: their zone from the numbering plan.
assert b["evidence"]["offset_assumed"] is False and b["evidence"]["utc_offset"] == 180, b
PY
grep -q "not needed: service" "$tmp/why.json" || fail "the callback's purpose: $(cat "$tmp/why.json")"
as_admin --json routing report >"$tmp/report.json" || fail "routing report"
python3 - "$tmp/report.json" <<'PY' || fail "the inbound report: $(cat "$tmp/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
(line,) = r["routes"]
assert (line["name"], line["offered"], line["callbacks"]) == ("line", 1, 1), line
assert (line["answered"], line["abandoned"], line["timed_out"]) == (0, 0, 0), line
PY
as_admin routing queue-log >"$tmp/queue_log" || fail "routing queue-log"
grep -Eq '^[0-9]+\|[0-9.]+\|line\|NONE\|EXITWITHKEY\|1\|1\|1\|[0-9]+$' "$tmp/queue_log" ||
    fail "the queue_log's EXITWITHKEY: $(cat "$tmp/queue_log")"

finish sip_callback
