#!/usr/bin/env bash
# A robot campaign end to end over real SIP on loopback: `callbase serve
# --telephony sip` dials SIPp (tests/sip/callees.xml plays the trunk and eight
# callees: busy, no such number, hang-up in the greeting, keys 1, 2 and 9 as
# RFC 4733 events) and follows examples/ivr/short-survey.yaml. Checked: SIPp's
# verdict on every call, the call records and their outcomes, the keys and
# what the robot did, the opt-out's stop-list entry, the tags and callback
# status on the cards, real attempts counted, and recordings that hold speech.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
cbx() { "$cb" --db "$db" --actor olga "$@"; }

cbx init >/dev/null || fail "init"
cbx rules set '{"window_start": "00:00", "window_end": "24:00", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}' >/dev/null ||
    fail "rules set"
cbx tags add-category Опрос >/dev/null || fail "tag category"
for tag in Доволен Недоволен; do cbx tags add Опрос "$tag" >/dev/null || fail "tag $tag"; done
# The last digit says what the callee does (tests/sip/callees.xml).
for d in 0 1 2 3 4 5 6 7; do
    cbx contacts add --name "Абонент $d" --phone "+7 916 000-00-1$d" >/dev/null || fail "contact $d"
done

# The script's tags must be in the dictionary, and robots only follow scripts.
if cbx campaign create "Без тега" --pacing robot --robot-script "$tmp/none.yaml" \
    --caller-id "+7 495 000-00-01" >"$tmp/out" 2>&1; then fail "a missing script accepted"; fi
if cbx campaign create "Не робот" --pacing progressive \
    --robot-script "$root/examples/ivr/short-survey.yaml" --caller-id "+7 495 000-00-01" \
    >"$tmp/out" 2>&1; then fail "a script for operators accepted"; fi
grep -q "pacing robot" "$tmp/out" || fail "script without robot pacing: $(cat "$tmp/out")"
sed 's/actions: \[{tag: Доволен}, hangup\]/actions: [{set_status: whatever}, hangup]/' \
    "$root/examples/ivr/short-survey.yaml" >"$tmp/bad-status.yaml"
if cbx campaign create "Плохой статус" --pacing robot --robot-script "$tmp/bad-status.yaml" \
    --caller-id "+7 495 000-00-01" >"$tmp/out" 2>&1; then fail "an unknown status accepted"; fi
grep -q "bad-status.yaml:[0-9]*: node 'liked'" "$tmp/out" || fail "bad status message: $(cat "$tmp/out")"
cbx campaign create "Опрос после покупки" --pacing robot --segment status=new --schedule 00:00-24:00 \
    --robot-script "$root/examples/ivr/short-survey.yaml" --caller-id "+7 495 000-00-01" \
    >"$tmp/out" 2>&1 || fail "campaign create: $(cat "$tmp/out")"
id=$(cbx --json campaign list | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin) if c["name"]=="Опрос после покупки"][0])')

sipp_port=$(free_port)
sed "s|@PCAPS@|/usr/share/sip-tester|g" "$root/tests/sip/callees.xml" >"$tmp/callees.xml"
sipp_start callees "$tmp/callees.xml" -p "$sipp_port" -m 8 -timeout 90s
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
rtp_ip = "127.0.0.1"
[trunk]
host = "127.0.0.1:$sipp_port"
number_format = "plus"
assert_identity = true
[recordings]
dir = "recordings"
keep_days = 30
TOML
${CALLBASE_TEST_WRAP:-} "$cb" --db "$db" --actor olga serve --listen 127.0.0.1:0 --telephony sip --sip-config "$tmp/sip.toml" \
    --speech-cache "$tmp/speech" >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
wait_for "$tmp/serve.out" "listening on" "$serve_pid"
grep -q "sip: listening on 127.0.0.1:" "$tmp/serve.err" || fail "no SIP address: $(cat "$tmp/serve.err")"
cbx campaign start "$id" >/dev/null || fail "campaign start"

# SIPp ends when its eight calls are over; its exit status is its verdict.
sipp_verdict callees
# The records are written as each call ends; the server reads state every 2 s.
for _ in $(seq 100); do
    n=$(cbx --json campaign stats "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["attempts"])')
    [ "$n" -ge 8 ] && break
    sleep 0.2
done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.out" | head -1)
metrics=$(curl -s "$url/metrics")
grep -q '^callbase_sip_invites_total 8$' <<<"$metrics" || fail "metrics: $(grep sip <<<"$metrics")"
grep -q '^callbase_sip_answered_total 6$' <<<"$metrics" || fail "metrics: $(grep sip <<<"$metrics")"
cbx campaign stop "$id" >/dev/null || fail "campaign stop"
kill -TERM "$serve_pid"; wait "$serve_pid"; rc=$?
[ "$rc" = 0 ] || fail "serve exit $rc: $(tail -5 "$tmp/serve.err")"

cbx --json campaign stats "$id" >"$tmp/stats.json"
python3 - "$tmp/stats.json" <<'PY' || fail "stats: $(cat "$tmp/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
o = s["outcomes"]
assert s["attempts"] == 8, s
assert o.get("answered") == 6 and o.get("busy") == 1 and o.get("invalid") == 1, o
PY
why() { cbx --json why "+7 916 000-00-1$1" >"$tmp/why$1.json" || fail "why $1"; }
for d in 0 1 2 3 4 5; do why $d; done
python3 - "$tmp" <<'PY' || fail "call records: $(cat "$tmp"/why*.json)"
import json, sys, os, struct, math
t = sys.argv[1]
def call(d):
    calls = json.load(open(f"{t}/why{d}.json"))["calls"]
    assert len(calls) == 1, (d, calls)
    return calls[0]
c = {d: call(d) for d in range(6)}
for d in range(6):
    assert c[d]["network"] == "sip", c[d]
assert c[1]["outcome"] == "busy" and c[1]["cause"] == 486, c[1]
assert c[2]["outcome"] == "invalid" and c[2]["cause"] == 404, c[2]
assert c[0]["robot_keys"] == "1" and "tag:Доволен" in c[0]["robot_actions"], c[0]
assert c[3]["robot_keys"] == "9" and "opt_out" in c[3]["robot_actions"], c[3]
assert c[4]["robot_keys"] == "2" and "schedule_callback:1d" in c[4]["robot_actions"], c[4]
assert c[5]["outcome"] == "answered" and c[5]["robot_keys"] == "", c[5]
# Recordings: stereo WAV, the robot's side (right) holds speech, the whole call long.
def wav(path):
    data = open(path, "rb").read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    channels, rate = struct.unpack("<HI", data[22:28])
    pcm = data[44:]
    n = len(pcm) // 2
    samples = struct.unpack(f"<{n}h", pcm[: n * 2])
    return channels, rate, samples
for d in (0, 3, 4):
    path = c[d]["recording"]
    assert path and os.path.exists(path), (d, path)
    channels, rate, s = wav(path)
    right = s[1::2]
    rms = math.sqrt(sum(x * x for x in right) / len(right)) / 32768
    seconds = len(right) / rate
    assert channels == 2 and rate == 8000, (channels, rate)
    assert rms > 0.02, (d, rms)
    assert seconds > 8, (d, seconds)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600", (path, oct(os.stat(path).st_mode))
    answered, ended = c[d]["answered_ms"], c[d]["ended_ms"]
    assert abs(seconds - (ended - answered) / 1000) < 1.5, (seconds, answered, ended)
assert c[1]["recording"] == "" and c[2]["recording"] == ""
PY
# The opt-out is on the stop-list, said to be the robot's; the others are not.
cbx --json dnc check "+7 916 000-00-13" >"$tmp/out" || fail "dnc check"
grep -q '"channel":"robot"' "$tmp/out" || fail "opt-out not on the stop-list: $(cat "$tmp/out")"
cbx --json dnc check "+7 916 000-00-10" >"$tmp/out"
if grep -q '"channel"' "$tmp/out"; then fail "key 1 put the number on the stop-list: $(cat "$tmp/out")"; fi
# The cards: tags and the callback status, by the robot, with history.
for d in 0 4; do
    cid=$(cbx --json contacts find "phone=+7916000001$d" | python3 -c 'import json,sys; d=json.load(sys.stdin); print((d.get("contacts") or d)[0]["id"])')
    cbx --json contacts show "$cid" >"$tmp/card$d.json" || fail "contacts show $cid"
done
python3 - "$tmp" <<'PY' || fail "cards: $(cat "$tmp"/card*.json)"
import json, sys
t = sys.argv[1]
a = json.load(open(f"{t}/card0.json")); b = json.load(open(f"{t}/card4.json"))
def tags(card):
    c = card.get("contact", card)
    return [x if isinstance(x, str) else x.get("name") for x in c.get("tags", [])]
assert "Доволен" in tags(a), a
assert "Недоволен" in tags(b), b
assert b.get("contact", b).get("status") == "callback", b
hist = json.dumps(a.get("history", []), ensure_ascii=False)
assert "robot:campaign" in hist, hist
PY
# On a real network every dial is an attempt the caps and the inactivity rule count.
n=$(sqlite3 "$db" "SELECT COUNT(*) FROM call_attempts")
[ "$n" = 8 ] || fail "attempts recorded: $n, want 8"
finish sip_robot_campaign
