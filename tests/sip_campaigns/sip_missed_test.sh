#!/usr/bin/env bash
# Operators' phones that do not take a call, over real SIP on loopback
# (docs/telephony.md, "A phone that does not answer"). Three operators are
# ready for queue «general», each with a SIPp phone: olga's rings and rings
# (agent_ring_seconds = 5), petr's refuses with 486 (do not disturb), nina's
# answers. A caller to the center's number is offered to olga (ready
# longest), then petr, then nina, and talks with nina: answered once, never
# dropped. Checked: the SIPp verdicts (olga's phone CANCELled, petr's 486
# ACKed, the caller's call up to its own BYE), olga and petr paused with the
# reason no_answer (the desk's API), nina on the call, the server's log
# lines, /metrics, and the call's record (answered, nina, queue general).
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
campaign_setup "Входящая линия" status=decided
base_users
for who in petr nina; do
    CALLBASE_NEW_PASSWORD=$who-pass-1234 as_admin user add "$who" --role operator >/dev/null ||
        fail "operator $who"
done
as_admin routing queue set general '{"max_wait": 60}' >/dev/null || fail "queue"
as_admin routing number set "+7 495 000-00-01" queue:general --label "Сайт" >/dev/null || fail "number"

# The phones: olga's rings until CANCELled, petr's refuses, nina's answers.
ring_port=$(free_port)
sed -e "s|@PROVISIONAL@|180 Ringing|" -e "s|@EXTRA@||" "$root/tests/sip/ring-cancel.xml" >"$tmp/ringing.xml"
sipp_start olga_phone "$tmp/ringing.xml" -p "$ring_port" -m 1 -timeout 60s
refuse_port=$(free_port)
sed -e "s|@STATUS@|486 Busy Here|" "$root/tests/sip/final.xml" >"$tmp/refuse.xml"
sipp_start petr_phone "$tmp/refuse.xml" -p "$refuse_port" -m 1 -timeout 60s
softphone_start  # nina's, on $agent_port
sip_port=$(free_port)
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
dids = ["+74950000001"]
agent_ring_seconds = 5
[trunk]
host = "127.0.0.1:9"
number_format = "digits"
[agents]
olga = "sip:olga@127.0.0.1:$ring_port"
petr = "sip:petr@127.0.0.1:$refuse_port"
nina = "sip:nina@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
serve_sip
as_admin campaign start "$id" >/dev/null || fail "campaign start"
# Ready in this order: olga has waited longest, then petr, then nina.
for who in olga petr nina; do
    operator_ready "$id" "$who"
    declare "jar_$who=$jar" "csrf_$who=$csrf"
    sleep 0.3
done

# The caller talks 14 s after the answer: olga's 5 s of ringing, petr's
# refusal, nina's answer, then some words with her.
caller_scenario answered 74950000001 79160000030 @PCAP@ /usr/share/sip-tester/g711a.pcap \
    @TALK@ 14000 >"$tmp/caller.xml"
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
# While the caller talks with nina: olga and petr are paused, told why.
for _ in $(seq 200); do
    state=$(curl -s -b "$tmp/cookies.nina" "$url/api/v1/agent")
    grep -q '"state":"on_call"' <<<"$state" && break
    sleep 0.1
done
grep -q '"state":"on_call"' <<<"$state" || fail "nina never got the call: $state"
for who in olga petr; do
    state=$(curl -s -b "$tmp/cookies.$who" "$url/api/v1/agent")
    grep -q '"state":"paused"' <<<"$state" && grep -q '"pause_reason":"no_answer"' <<<"$state" ||
        fail "$who is not paused for the missed call: $state"
done
sipp_verdict caller olga_phone petr_phone softphone
grep -q "sip: operator olga's phone did not answer in 5 s" "$tmp/serve.err" ||
    fail "olga's phone ringing out is not logged: $(cat "$tmp/serve.err")"
grep -q "agent olga: the phone did not take the call (it rang out): paused, reason no_answer" \
    "$tmp/serve.err" || fail "olga's pause is not logged: $(cat "$tmp/serve.err")"
grep -q "agent petr: the phone did not take the call (SIP 486): paused, reason no_answer" \
    "$tmp/serve.err" || fail "petr's pause is not logged: $(cat "$tmp/serve.err")"
metrics=$(curl -s "$url/metrics")
grep -q "^callbase_sip_agent_missed_total 2$" <<<"$metrics" || fail "metrics: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_bridged_total 1$" <<<"$metrics" || fail "bridged once: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_answered_total 1$" <<<"$metrics" || fail "answered once: $(grep sip_ <<<"$metrics")"
# olga is back: Ready takes her out of the pause.
jar=$jar_olga csrf=$csrf_olga
out=$(post /agent/ready '{}')
grep -q '"state":"ready"' <<<"$out" || fail "olga's Ready after the missed call: $out"
grep -q '"pause_reason":null' <<<"$out" || fail "the reason outlived the pause: $out"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end

as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" <<'PY' || fail "the call: $(cat "$tmp/why.json")"
import json, sys
(c,) = json.load(open(sys.argv[1]))["calls"]
assert c["direction"] == "in" and c["outcome"] == "answered" and c["agent"] == "nina", c
assert c["route"]["route"] == "queue:general", c
# The phones that missed it, kept on the call in the order they rang.
missed = c["route"]["missed"]
assert [(m["agent"], m["cause"]) for m in missed] == [("olga", 408), ("petr", 486)], missed
assert 5000 <= missed[0]["rang_ms"] < 8000 and missed[1]["rang_ms"] < 3000, missed
assert missed[0]["at"] < missed[1]["at"], missed
PY
# The report: one call offered to «general», answered by nina after about
# olga's 5 s and petr's refusal (its wait), no abandon.
as_admin --json routing report >"$tmp/report.json" || fail "routing report"
python3 - "$tmp/report.json" <<'PY' || fail "the inbound report: $(cat "$tmp/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
(g,) = r["routes"]
assert (g["name"], g["offered"], g["answered"], g["abandoned"]) == ("general", 1, 1, 0), g
assert 5 < g["asa_seconds"] < 9, g
assert g["offers_missed"] == 2, g
agents = {a["agent"]: (a["calls"], a["missed"]) for a in r["agents"]}
assert agents == {"nina": (1, 0), "olga": (0, 1), "petr": (0, 1)}, r["agents"]
paused = {t["agent"]: t["paused"] for t in r["agent_time"]}
assert paused["olga"].get("no_answer", 0) > 1 and paused["petr"].get("no_answer", 0) > 1, paused
# The ring of a missed call is not talk: olga talked with nobody.
time = {t["agent"]: t for t in r["agent_time"]}
assert 5 <= time["olga"]["rang_seconds"] < 8 and time["olga"]["on_call_seconds"] == 0, time["olga"]
assert time["nina"]["on_call_seconds"] > 5 and time["nina"]["rang_seconds"] == 0, time["nina"]
PY
# Asterisk's queue_log: a RINGNOANSWER line for each phone that missed, with
# the milliseconds it rang, before nina's CONNECT.
as_admin routing queue-log >"$tmp/queue_log" || fail "routing queue-log"
events=$(cut -d'|' -f4,5 "$tmp/queue_log" | grep -v 'PAUSEALL$' | tr '\n' ' ')
[[ $events == "NONE|ENTERQUEUE Agent/olga|RINGNOANSWER Agent/petr|RINGNOANSWER Agent/nina|CONNECT Agent/nina|COMPLETECALLER "* ]] ||
    fail "the queue_log's events: $events ($(cat "$tmp/queue_log"))"
grep -Eq '\|general\|Agent/olga\|RINGNOANSWER\|[5-7][0-9]{3}$' "$tmp/queue_log" ||
    fail "olga's ring time in the queue_log: $(cat "$tmp/queue_log")"

finish sip_missed
