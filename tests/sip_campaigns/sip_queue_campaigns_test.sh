#!/usr/bin/env bash
# A queue's strategy chooses across operator campaigns, over real SIP on
# loopback (docs/routing.md, "Queues"). Two operator campaigns run: olga
# works in the first, nina in the second. Queue «general» goes in fixed order,
# nina first. olga has been ready longest, so the server's choice before
# (the campaign whose operator was ready longest) would have rung her; the
# queue's strategy rings nina, in the other campaign. Checked: the SIPp
# verdicts (nina's softphone talks with the caller; olga's phone, SIPp
# answering too, gets no INVITE within the call), the call's record (nina,
# the second campaign, queue general), and olga still ready after it.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
campaign_setup "Входящая линия" status=decided
first=$id
one campaign create "Вторая линия" --pacing progressive --segment status=decided \
    --schedule 00:00-24:00 --caller-id "+7 495 000-00-02" >"$tmp/out" 2>&1 ||
    fail "second campaign: $(cat "$tmp/out")"
second=$(one --json campaign list |
    python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin) if c["name"] == "Вторая линия"][0])')
base_users
CALLBASE_NEW_PASSWORD=nina-pass-1234 as_admin user add nina --role operator >/dev/null ||
    fail "operator nina"
as_admin routing queue set general '{"strategy": "fixed_order", "members": ["nina", "olga"]}' \
    >/dev/null || fail "queue"
as_admin routing number set "+7 495 000-00-01" queue:general --label "Сайт" >/dev/null ||
    fail "number"

softphone_start  # nina's, on $agent_port
nina_port=$agent_port
olga_port=$(free_port)
sed -e "s|@PAYLOADS@|8 101|" -e "s|@PCAP@|/usr/share/sip-tester/g711a.pcap|" \
    "$root/tests/sip/answer-keys.xml" >"$tmp/olga_phone.xml"
sipp_start olga_phone "$tmp/olga_phone.xml" -p "$olga_port" -m 1 -timeout 40s
sip_port=$(free_port)
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
dids = ["+74950000001"]
[trunk]
host = "127.0.0.1:9"
number_format = "digits"
[agents]
olga = "sip:olga@127.0.0.1:$olga_port"
nina = "sip:nina@127.0.0.1:$nina_port"
[recordings]
dir = "recordings"
TOML
serve_sip
as_admin campaign start "$first" >/dev/null || fail "campaign start ($first)"
as_admin campaign start "$second" >/dev/null || fail "campaign start ($second)"
operator_ready "$first" olga
jar_olga=$jar
sleep 0.5
operator_ready "$second" nina

caller_scenario answered 74950000001 79160000030 @PCAP@ /usr/share/sip-tester/g711a.pcap \
    @TALK@ 4000 >"$tmp/caller.xml"
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
sipp_verdict caller softphone
state=$(curl -s -b "$jar_olga" "$url/api/v1/agent")
grep -q '"state":"ready"' <<<"$state" || fail "olga was taken from ready: $state"
# olga's phone never rang: its SIPp still waits for an INVITE.
kill -0 "${sipp_pids[olga_phone]}" 2>/dev/null || fail "olga's phone got a call"
as_admin campaign stop "$first" >/dev/null || fail "campaign stop"
as_admin campaign stop "$second" >/dev/null || fail "campaign stop"
serve_end

as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" "$second" <<'PY' || fail "the call: $(cat "$tmp/why.json")"
import json, sys
(c,) = json.load(open(sys.argv[1]))["calls"]
assert c["direction"] == "in" and c["outcome"] == "answered" and c["agent"] == "nina", c
assert c["campaign_id"] == int(sys.argv[2]) and c["route"]["route"] == "queue:general", c
PY

finish sip_queue_campaigns
