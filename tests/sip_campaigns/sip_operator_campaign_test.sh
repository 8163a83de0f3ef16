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
base_setup
campaign_setup "Продление договора" status=new
base_users

callee_start 6000 -timeout 60s
softphone_start
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
[trunk]
host = "127.0.0.1:$trunk_port"
[agents]
olga = "sip:olga@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
serve_sip
as_admin campaign start "$id" >/dev/null || fail "campaign start"

operator_ready "$id"

sipp_verdict callee softphone

# Wrap-up: the disposition closes the call.
dispose_after_call "Продлевает на год"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end

answered_recording "+7 916 000-00-30" olga
python3 "$root/tests/support/two_voices.py" "$(cat "$tmp/recording")" 4 || fail "the recording"
as_admin --json contacts show 1 >"$tmp/card.json" || fail "card"
grep -q '"status":"decided"' "$tmp/card.json" || fail "the card's status: $(cat "$tmp/card.json")"
finish sip_operator_campaign
