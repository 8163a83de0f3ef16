#!/usr/bin/env bash
# An operator campaign end to end over real SIP on loopback. `callbase serve
# --telephony sip` dials a callee through SIPp playing the trunk (it answers,
# talks with SIPp's G.711 capture and hangs up after 6 s) and, once answered,
# rings the operator's softphone (a second SIPp: it answers and talks too).
# The operator works through the API as the browser does: log in, join,
# ready, and after the call a disposition. Checked: both SIPp verdicts, the
# call record (answered, operator, bridged, network sip), the disposition on
# the record and the card, and a recording with both voices in it.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
cb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
db="$tmp/base.db"
base_setup
one campaign create "Продление договора" --pacing progressive --segment status=new \
    --schedule 00:00-24:00 --caller-id "+7 495 000-00-01" >"$tmp/out" 2>&1 || fail "create: $(cat "$tmp/out")"
id=$(one --json campaign list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
base_users

trunk_port=$(free_port)
agent_port=$(free_port)
talk='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
sed -e "s|@AFTER@|6000|" -e "s|@PAYLOADS@|8 101|" -e "s|@TALK@|$talk|" \
    "$root/tests/sip/answer-hangup.xml" >"$tmp/callee.xml"
sed -e "s|@PAYLOADS@|8 101|" -e "s|@PCAP@|/usr/share/sip-tester/g711a.pcap|" \
    "$root/tests/sip/answer-keys.xml" >"$tmp/softphone.xml"
sipp -sf "$tmp/callee.xml" -i 127.0.0.1 -p "$trunk_port" -mi 127.0.0.1 -mp "$(media_port)" \
    -m 1 -timeout 60s -nostdin -trace_err -error_file "$tmp/callee.err" >/dev/null 2>&1 &
callee_pid=$!
sipp -sf "$tmp/softphone.xml" -i 127.0.0.1 -p "$agent_port" -mi 127.0.0.1 -mp "$(media_port)" \
    -m 1 -timeout 60s -nostdin -trace_err -error_file "$tmp/softphone.err" >/dev/null 2>&1 &
softphone_pid=$!
pids+=("$callee_pid" "$softphone_pid")
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
[trunk]
host = "127.0.0.1:$trunk_port"
[agents]
olga = "sip:olga@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
"$cb" --db "$db" serve --listen 127.0.0.1:0 --telephony sip --sip-config "$tmp/sip.toml" \
    --speech-cache "$tmp/speech" >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
server_url
as_admin campaign start "$id" >/dev/null || fail "campaign start"

operator_ready "$id"

for p in "$callee_pid" "$softphone_pid"; do
    for _ in $(seq 400); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
wait "$callee_pid"; rc=$?
[ "$rc" = 0 ] || fail "the callee's SIPp: exit $rc: $(head -c 2000 "$tmp/callee.err" 2>/dev/null)"
wait "$softphone_pid"; rc=$?
[ "$rc" = 0 ] || fail "the softphone's SIPp: exit $rc: $(head -c 2000 "$tmp/softphone.err" 2>/dev/null)"

# Wrap-up: the disposition closes the call.
for _ in $(seq 50); do
    out=$(curl -s -b "$jar" "$url/api/v1/agent")
    grep -q '"disposition_due":true' <<<"$out" && break
    sleep 0.2
done
grep -q '"disposition_due":true' <<<"$out" || fail "no wrap-up after the call: $out"
out=$(post /agent/disposition '{"status": "decided", "note": "Продлевает на год"}')
grep -q '"error"\|"title"' <<<"$out" && fail "disposition: $out"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
kill -TERM "$serve_pid"; wait "$serve_pid"; rc=$?
[ "$rc" = 0 ] || fail "serve exit $rc: $(tail -5 "$tmp/serve.err")"

as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" <<'PY' || fail "the call: $(cat "$tmp/why.json")"
import json, sys, struct, math
calls = json.load(open(sys.argv[1]))["calls"]
assert len(calls) == 1, calls
c = calls[0]
assert c["network"] == "sip" and c["outcome"] == "answered", c
assert c["agent"] == "olga" and c["disposition"] == "decided", c
assert c["recording"], c
data = open(c["recording"], "rb").read()
channels, rate = struct.unpack("<HI", data[22:28])
n = (len(data) - 44) // 2
s = struct.unpack(f"<{n}h", data[44:44 + n * 2])
left, right = s[0::2], s[1::2]
rms = lambda x: math.sqrt(sum(v * v for v in x) / max(1, len(x))) / 32768
assert channels == 2 and rate == 8000
assert rms(left) > 0.01, ("callee", rms(left))
assert rms(right) > 0.01, ("operator", rms(right))
assert len(left) / rate > 4, len(left) / rate
PY
as_admin --json contacts show 1 >"$tmp/card.json" || fail "card"
grep -q '"status":"decided"' "$tmp/card.json" || fail "the card's status: $(cat "$tmp/card.json")"
finish sip_operator_campaign
