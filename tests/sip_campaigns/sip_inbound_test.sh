#!/usr/bin/env bash
# Inbound calls end to end over real SIP on loopback (R-IN-2). `callbase serve
# --telephony sip` takes calls to the center's number +7 495 000-00-01 (a
# DID). The operator olga works an operator campaign in the browser
# (Chromium on the Operator desk, inbound_desk.mjs).
#   1. A known caller (SIPp, from 79160000030 as trunks write it) dials the
#      DID: the caller's card is on olga's screen before SIPp gets the 200
#      that answers the call; the call is put through to her softphone (a
#      second SIPp) with audio both ways, and she records a disposition.
#   2. An unknown caller gives up ringing while olga is in wrap-up.
#   3. A black-listed caller is refused with 603 and never reaches a desk.
#   4. A call to a second DID that has no route hears a polite message
#      before the answer (183 with SDP, early media), then 480.
#   5. A caller who finds nobody free waits the queue's 3 s at most, then hears
#      the queue's exit, a second menu that says goodbye, and the center
#      hangs up.
#   6. Callers to a third DID, routed to a menu (docs/ivr.md, "Menus for
#      incoming calls"), press keys (RFC 4733): right after 1, one presses 1
#      («Поиск») and reaches olga through queue «line», the answer on her
#      banner before she speaks; after 5, one presses 2 («Соцсети») and goes
#      on to queue «general» as in 5, the answer kept on the call.
#   7. A caller to the menu hangs up while it speaks: counted in the menu
#      report where they left.
#   8. The black list's action turned into a message: the black-listed caller
#      hears it as early media, then 603; never answered, never on a desk.
# The routing book (docs/routing.md) sends the DID to queue «general»; the
# known caller is on the VIP list, so olga's banner says «VIP».
# Checked: the SIPp verdicts, the card's time against the answer's, the
# banner's reason, both call records (direction in, the DID, outcome,
# operator, route and its reason, recording with both voices), the
# disposition on the card, the server's log of each decision, /metrics, and
# what `routing report` and `routing queue-log` make of the records.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
# An operator campaign with nobody left to dial: its operators take calls.
campaign_setup "Входящая линия" status=decided
base_users
# Queue «general» keeps a caller 3 s at most, then its exit is a second menu
# that says goodbye (a menu after a queue, and after a menu).
# It takes operators with the skill «support»: olga has it (level 1) and takes
# incoming calls only (docs/routing.md, "Operators' skills").
as_admin routing queue set general \
    '{"skill": "support", "max_wait": 3, "exit_route": "ivr:bye.yaml"}' >/dev/null || fail "queue"
as_admin routing agent set olga --blend inbound --skills support:1 >/dev/null || fail "olga's skills"
as_admin routing number set "+7 495 000-00-01" queue:general --label "Сайт" >/dev/null || fail "number"
as_admin routing list add vip "+7 916 000-00-30" --note "постоянный клиент" >/dev/null || fail "vip"
as_admin routing list add black "+7 903 555-44-33" --note "звонит ночью" >/dev/null || fail "black"
# The menu, in the server's scripts folder (beside the base): «Поиск» goes
# to olga's queue «line», the others to «general».
# A caller waiting in «line» (answered by the menu) hears their place and
# the wait expected, then is put through to olga over it.
as_admin routing queue set line '{"members": ["olga"], "max_wait": 40, "announce_every": 10}' \
    >/dev/null || fail "queue line"
mkdir -p "$db.scripts"
cat >"$db.scripts/menu.yaml" <<'YAML'
name: Меню теста
direction: inbound
start: hello
nodes:
  hello:
    ask: Как вы о нас узнали? Поиск — 1, соцсети — 2, пропустить — 0.
    store: source
    labels: {"1": Поиск, "2": Соцсети, "0": Пропустил}
    branches: {"1": to_line, "2": to_general, "0": to_general}
    timeout: 8
    retries: 0
    no_input: to_general
  to_line:
    say: Спасибо! Соединяю.
    actions: [{queue: line}]
  to_general:
    say: Спасибо! Соединяю.
    actions: [{queue: general}]
YAML
cat >"$db.scripts/bye.yaml" <<'YAML'
name: Все заняты
direction: inbound
nodes:
  bye:
    say: Все операторы заняты. Позвоните, пожалуйста, позже. До свидания!
    actions: [hangup]
YAML
as_admin routing check-menu "$db.scripts/menu.yaml" >"$tmp/out" 2>&1 || fail "check-menu: $(cat "$tmp/out")"
grep -q "ok for this center's queues and extensions" "$tmp/out" || fail "check-menu: $(cat "$tmp/out")"
as_admin routing number set "+7 495 000-00-03" ivr:menu.yaml --label "Меню" >/dev/null || fail "menu number"

sip_port=$(free_port)
softphone_start
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
dids = ["+74950000001", "+74950000002", "+74950000003"]
[trunk]
host = "127.0.0.1:9"
number_format = "digits"
[agents]
olga = "sip:olga@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
serve_sip
grep -q "taking calls to +74950000001" "$tmp/serve.err" || fail "serve does not say it takes the DID: $(cat "$tmp/serve.err")"
as_admin campaign start "$id" >/dev/null || fail "campaign start"
# olga works in the browser (Chromium): signs in, joins, goes ready.
browser_start inbound_desk.mjs "the operator's browser" "$url" "$id" "$tmp/desk-ready"

# The caller: a call to the DID, answered, 4 s of talk, then BYE.
caller_scenario answered 74950000001 79160000030 @PCAP@ /usr/share/sip-tester/g711a.pcap \
    @TALK@ 4000 >"$tmp/caller.xml"
# -trace_msg: SIPp's log of each message with the time it went or came.
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 60s \
    -trace_msg -message_file "$tmp/caller.msg" "127.0.0.1:$sip_port"
sipp_verdict caller softphone
# Once olga has recorded the disposition: a caller through the menu presses 1
# («Поиск») and stays 20 s (the menu, her wrap-up, then talk).
desk_cue "$tmp/desk-ready.2" "the operator's first disposition"
# olga's softphone answers one call at a time: it is started again.
sipp_start softphone2 "$tmp/softphone.xml" -p "$agent_port" -m 1 -timeout 60s
caller_scenario menu-talk 74950000003 79167770003 @WAIT@ 1000 \
    @PCAP@ /usr/share/sip-tester/dtmf_2833_1.pcap @TALK@ 20000 >"$tmp/menu-talk.xml"
sipp_start menu_talk "$tmp/menu-talk.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
sipp_verdict menu_talk softphone2
for _ in $(seq 300); do kill -0 "$desk_pid" 2>/dev/null || break; sleep 0.1; done
wait "$desk_pid"; rc=$?
[ "$rc" = 0 ] || fail "the operator's browser: exit $rc: $(cat "$tmp/desk.err")"

# The card was on olga's screen before the caller got the 200 that answered.
python3 - "$tmp/desk.out" "$tmp/caller.msg" <<'PY' || fail "the card and the answer: $(cat "$tmp/desk.out")"
import datetime, json, re, sys
answered = None
for block in re.split(r"^-{20,} ", open(sys.argv[2]).read(), flags=re.M):
    stamp, _, rest = block.partition("\n")
    if "message received" in rest and "SIP/2.0 200 OK" in rest and "CSeq: 1 INVITE" in rest:
        answered = datetime.datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        break
assert answered, "SIPp's log has no 200 to the INVITE"
desk = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
banner = desk["banner"]
# The caller's number masked for an operator, as on cards; the DID as it is.
assert "+74950000001" in banner and "***" in banner and banner.count("30") >= 1, banner
assert "+79160000030" not in banner, banner
assert desk["name"] == "Иван Петров", desk
assert "VIP" in banner, f"the route's reason is not on the banner: {banner}"
assert desk["card_at"] < answered, f"the card came {desk['card_at'] - answered:.3f} s after the answer"
assert "В меню: Поиск" in desk["menu_banner"], f"the menu's answer is not on the banner: {desk['menu_banner']}"
print(f"the banner was on the screen {answered - desk['banner_at']:.3f} s and the card {answered - desk['card_at']:.3f} s before the caller got the 200")
PY

# An unknown caller gives up after a second of ringing (olga is in wrap-up).
caller_scenario cancel 74950000001 79031112233 @WAIT@ 1000 >"$tmp/gone.xml"
sipp_start gone "$tmp/gone.xml" -p "$(free_port)" -m 1 -timeout 30s "127.0.0.1:$sip_port"
sipp_verdict gone

# A black-listed caller is refused with 603, whatever number they dialed.
caller_scenario refused 74950000001 79035554433 @STATUS@ 603 >"$tmp/black.xml"
sipp_start black "$tmp/black.xml" -p "$(free_port)" -m 1 -timeout 30s "127.0.0.1:$sip_port"
sipp_verdict black
grep -q "inbound: the call from +79035554433 to +74950000001 is refused with 603 (black_list)" \
    "$tmp/serve.err" || fail "the black list's refusal is not logged: $(cat "$tmp/serve.err")"
# A number the routing book does not route: a message before the answer (183
# with SDP: early media), then 480 — the call is never answered.
caller_scenario early 74950000002 79161112233 @STATUS@ 480 >"$tmp/message.xml"
sipp_start message "$tmp/message.xml" -p "$(free_port)" -m 1 -timeout 40s "127.0.0.1:$sip_port"
sipp_verdict message
grep -q "inbound: the call from +79161112233 to +74950000002 hears the message 'no_route' (no_route)" \
    "$tmp/serve.err" || fail "the unrouted number is not logged: $(cat "$tmp/serve.err")"
# Nobody is free (olga's desk is closed): queue «general» keeps the caller 3 s,
# then its exit route, the menu bye.yaml, says goodbye and the center hangs up.
# The caller comes once the server has paused olga for her closed desk: her
# wrap-up (10 s) ends about when the calls above do, and a caller already
# waiting then would be put through to her before the next check of desks.
for _ in $(seq 300); do grep -q "agent olga: the desk has been gone" "$tmp/serve.err" && break; sleep 0.1; done
grep -q "agent olga: the desk has been gone" "$tmp/serve.err" ||
    fail "olga's closed desk did not pause her: $(cat "$tmp/serve.err")"
caller_scenario message 74950000001 79165556677 >"$tmp/exit.xml"
sipp_start exit "$tmp/exit.xml" -p "$(free_port)" -m 1 -timeout 40s "127.0.0.1:$sip_port"
sipp_verdict exit
grep -q "inbound: the call from +79165556677 to +74950000001 waited the most queue general allows; it goes to ivr:bye.yaml" \
    "$tmp/serve.err" || fail "the queue's exit is not logged: $(cat "$tmp/serve.err")"
grep -q "inbound: the call from +79165556677 to +74950000001: menu bye.yaml said goodbye at 'bye'" \
    "$tmp/serve.err" || fail "the exit menu's goodbye is not logged: $(cat "$tmp/serve.err")"
# The menu: «Соцсети» (2) pressed while the question is said, then queue
# «general» (nobody free: its exit menu says goodbye, the center hangs up).
caller_scenario menu 74950000003 79167770001 @WAIT@ 1000 \
    @PCAP@ /usr/share/sip-tester/dtmf_2833_2.pcap >"$tmp/menu.xml"
sipp_start menu "$tmp/menu.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
sipp_verdict menu
grep -q "inbound: the call from +79167770001 to +74950000003: menu menu.yaml sends it to queue:general" \
    "$tmp/serve.err" || fail "the menu's choice is not logged: $(cat "$tmp/serve.err")"
grep -q "inbound: the call from +79167770001 to +74950000003 waited the most queue general allows; it goes to ivr:bye.yaml" \
    "$tmp/serve.err" || fail "the menu's caller did not wait in the queue: $(cat "$tmp/serve.err")"
# Answered by the first menu, the second one speaks without answering again.
grep -q "inbound: the call from +79167770001 to +74950000003: menu bye.yaml said goodbye at 'bye'" \
    "$tmp/serve.err" || fail "the second menu after the first: $(cat "$tmp/serve.err")"
# A caller hangs up while the menu speaks.
caller_scenario hangs-up 74950000003 79167770002 @WAIT@ 1500 >"$tmp/menu-gone.xml"
sipp_start menu_gone "$tmp/menu-gone.xml" -p "$(free_port)" -m 1 -timeout 30s "127.0.0.1:$sip_port"
sipp_verdict menu_gone
# The black list's action a recorded message instead of a refusal: heard
# before the answer (183 with SDP: early media), then 603 — the caller is
# never answered, never on a desk. The server reads the rules within 2 s.
as_admin routing rules set '{"black_action": "message:Звонки с вашего номера не принимаются."}' \
    >/dev/null || fail "black_action"
sleep 2.5
caller_scenario early 74950000001 79035554433 @STATUS@ 603 >"$tmp/black-message.xml"
sipp_start black_message "$tmp/black-message.xml" -p "$(free_port)" -m 1 -timeout 30s "127.0.0.1:$sip_port"
sipp_verdict black_message
grep -q "inbound: the call from +79035554433 to +74950000001 hears the message 'Звонки с вашего номера не принимаются.' (black_list)" \
    "$tmp/serve.err" || fail "the black list's message is not logged: $(cat "$tmp/serve.err")"
sleep 0.5
metrics=$(curl -s "$url/metrics")
grep -q "^callbase_sip_incoming_total 9$" <<<"$metrics" || fail "metrics: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_early_media_total 2$" <<<"$metrics" || fail "early media: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_invites_total 0$" <<<"$metrics" || fail "nothing was dialed: $(grep sip_ <<<"$metrics")"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end

as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" >"$tmp/recording" <<'PY' || fail "the call: $(cat "$tmp/why.json")"
import json, sys
calls = json.load(open(sys.argv[1]))["calls"]
assert len(calls) == 1, calls
c = calls[0]
assert c["direction"] == "in" and c["caller_id"] == "+74950000001", c
assert c["network"] == "sip" and c["outcome"] == "answered" and c["attempt"] == 0, c
assert c["agent"] == "olga" and c["disposition"] == "decided", c
assert c["route"] == {"route": "queue:general", "reason": "vip", "params": {}}, c
print(c["recording"])
PY
python3 "$root/tests/support/two_voices.py" "$(cat "$tmp/recording")" 3 || fail "the recording"
as_admin why "+7 903 111-22-33" >"$tmp/why.txt" || fail "why unknown"
grep -q "incoming call to +74950000001" "$tmp/why.txt" || fail "the unknown caller's call: $(cat "$tmp/why.txt")"
grep -q "outcome: abandoned" "$tmp/why.txt" || fail "the unknown caller gave up: $(cat "$tmp/why.txt")"
grep -q "route: queue:general (unknown caller)" "$tmp/why.txt" || fail "the unknown caller's route: $(cat "$tmp/why.txt")"
# Refused and unrouted callers never reached a campaign: no record of theirs there.
as_admin why "+7 903 555-44-33" >"$tmp/why.txt" || fail "why black"
grep -q "no campaign has called this number, nor has it called us" "$tmp/why.txt" ||
    fail "the black-listed caller reached a campaign: $(cat "$tmp/why.txt")"
# The menu's caller: the answer given in the menu is on the call's record.
as_admin --json why "+7 916 777-00-01" >"$tmp/why.json" || fail "why menu"
python3 - "$tmp/why.json" <<'PY' || fail "the menu's call: $(cat "$tmp/why.json")"
import json, sys
(c,) = json.load(open(sys.argv[1]))["calls"]
assert c["direction"] == "in" and c["caller_id"] == "+74950000003" and c["outcome"] == "abandoned", c
assert c["route"]["route"] == "queue:general" and c["route"]["reason"] == "unknown", c
assert c["route"]["menu"] == {"name": "menu.yaml", "answers": {"source": "Соцсети"}}, c
PY
as_admin why "+7 916 777-00-01" >"$tmp/why.txt" || fail "why menu (text)"
grep -q "^    menu: menu.yaml (source: Соцсети)$" "$tmp/why.txt" || fail "the menu in why: $(cat "$tmp/why.txt")"
# The campaign's figures: five incoming calls (not the refused, the unrouted
# one, nor the one who hung up in the menu), two put through, no dials.
as_admin --json campaign stats "$id" >"$tmp/stats.json" || fail "stats"
python3 - "$tmp/stats.json" <<'PY' || fail "the campaign's figures: $(cat "$tmp/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["inbound"] == 5 and s["inbound_answered"] == 2, s
assert s["attempts"] == 0 and s["abandoned"] == 0 and s["calls_per_caller_id_24h"] == [], s
PY
as_admin --json contacts show 1 >"$tmp/card.json" || fail "card"
grep -q '"status":"decided"' "$tmp/card.json" || fail "the card's status: $(cat "$tmp/card.json")"
# The inbound report and the queue_log from the records: queue «general»
# was offered the VIP (answered by olga), the unknown caller (gave up) and
# the two callers who waited its 3 s (timed out); queue «line» the menu's
# caller olga answered.
as_admin --json routing report >"$tmp/report.json" || fail "routing report"
python3 - "$tmp/report.json" <<'PY' || fail "the inbound report: $(cat "$tmp/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["calls"] == 5, r
routes = {x["name"]: x for x in r["routes"]}
assert sorted(routes) == ["general", "line"], r["routes"]
g, line = routes["general"], routes["line"]
assert (g["offered"], g["answered"], g["abandoned"], g["timed_out"]) == (4, 1, 1, 2), g
assert g["service_level"] == 1.0 and 0 < g["asa_seconds"] < 2 and 3 < g["aht_seconds"] < 6, g
# The menu's caller waited in «line» for olga's wrap-up, then talked.
assert (line["offered"], line["answered"], line["abandoned"], line["timed_out"]) == (1, 1, 0, 0), line
assert line["service_level"] == 1.0 and 8 < line["aht_seconds"] < 20, line
(a,) = r["agents"]
assert a["agent"] == "olga" and a["calls"] == 2 and a["first_contact"]["pending"] == 2, a
# The black-listed caller and the unrouted number never reached a queue; the
# callers of the queue's exit menu did (timed out above), so are not here.
assert r["not_queued"] == {"refused": 1, "messages": 2, "left_in_menu": 1, "by_route_reason": {
    "reject:603 black_list": 1, "message:no_route no_route": 1, "ivr:menu.yaml unknown": 1,
    "message:Звонки с вашего номера не принимаются. black_list": 1}}, r["not_queued"]
# The menu: three callers; one pressed 1 and went to «line», one pressed 2
# and went to «general», one hung up at the question.
menus = {x["menu"]: x for x in r["menus"]}
assert sorted(menus) == ["bye.yaml", "menu.yaml"], r["menus"]
assert menus["bye.yaml"]["visits"] == 2 and menus["bye.yaml"]["outcomes"] == {"hangup": 2}, menus
m = menus["menu.yaml"]
assert m["visits"] == 3, m
assert m["outcomes"] == {"queue:line": 1, "queue:general": 1, "caller_hung_up": 1}, m
h = m["nodes"]["hello"]
assert (h["callers"], h["asked"], h["pressed"], h["hung_up"], h["timeouts"]) == (3, 2, {"1": 1, "2": 1}, 1, 0), h
assert m["answers"] == {"source": {"Поиск": 1, "Соцсети": 1}}, m
# olga's time: two calls (4 s, then the menu caller's) and their wrap-ups
# (10 s each), then paused because her desk was gone until the campaign
# stopped.
(t,) = r["agent_time"]
assert t["agent"] == "olga" and 12 < t["on_call_seconds"] < 26 and 19 < t["wrap_up_seconds"] < 23, t
assert t["paused"].get("desk_gone", 0) > 1 and 0.5 < t["occupancy"] <= 1, t
PY
as_admin routing report >"$tmp/report.txt" || fail "routing report (text)"
grep -q "^general *4 *1 *1 (1) *2 *0 *0 *100.0 %" "$tmp/report.txt" || fail "the report's text: $(cat "$tmp/report.txt")"
grep -q "^olga .*desk_gone" "$tmp/report.txt" || fail "the operators' time: $(cat "$tmp/report.txt")"
grep -q "^menu bye.yaml: 2 callers" "$tmp/report.txt" || fail "the exit menu's report: $(cat "$tmp/report.txt")"
grep -q "^menu menu.yaml: 3 callers" "$tmp/report.txt" || fail "the menu report: $(cat "$tmp/report.txt")"
grep -q "^answers to 'source': Поиск 1, Соцсети 1$" "$tmp/report.txt" || fail "the menu's answers: $(cat "$tmp/report.txt")"
grep -q "^never reached a queue: 1 refused, 2 given a message, 1 left in a menu (1 × ivr:menu.yaml unknown, 1 × message:no_route no_route, 1 × message:Звонки с вашего номера не принимаются. black_list, 1 × reject:603 black_list)$" \
    "$tmp/report.txt" || fail "the report's calls that never reached a queue: $(cat "$tmp/report.txt")"
as_admin routing queue-log >"$tmp/queue_log" || fail "queue-log"
python3 - "$tmp/queue_log" <<'PY' || fail "the queue_log: $(cat "$tmp/queue_log")"
import sys
lines = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
assert all(int(a[0]) <= int(b[0]) for a, b in zip(lines, lines[1:])), "in time order"
# olga's pauses: joined paused (no reason), ready; then her closed desk paused
# her until the campaign stopped (the server lets go of her within a poll of
# the stop, so the last line may not be there yet).
pauses = [(r[1], r[2], r[3], r[4], r[5]) for r in lines if r[4] in ("PAUSEALL", "UNPAUSEALL")]
assert pauses[:3] == [("NONE", "NONE", "Agent/olga", "PAUSEALL", ""),
                      ("NONE", "NONE", "Agent/olga", "UNPAUSEALL", ""),
                      ("NONE", "NONE", "Agent/olga", "PAUSEALL", "desk_gone")], pauses
assert pauses[3:] in ([], [("NONE", "NONE", "Agent/olga", "UNPAUSEALL", "desk_gone")]), pauses
rows = [r for r in lines if r[4] not in ("PAUSEALL", "UNPAUSEALL")]
events = [(r[2], r[3], r[4]) for r in rows]
assert events == [("general", "NONE", "ENTERQUEUE"), ("general", "Agent/olga", "CONNECT"),
                  ("general", "Agent/olga", "COMPLETECALLER"), ("line", "NONE", "ENTERQUEUE"),
                  ("line", "Agent/olga", "CONNECT"), ("line", "Agent/olga", "COMPLETECALLER"),
                  ("general", "NONE", "ENTERQUEUE"),
                  ("general", "NONE", "ABANDON"), ("general", "NONE", "ENTERQUEUE"),
                  ("general", "NONE", "EXITWITHTIMEOUT"), ("general", "NONE", "ENTERQUEUE"),
                  ("general", "NONE", "EXITWITHTIMEOUT")], events
assert rows[-1][7] == "3", rows[-1]  # waited the queue's 3 s
assert all(r[0].isdigit() and len(r[0]) == 10 for r in rows), rows
enter = rows[0]
# An admin sees a pseudonym, as everywhere (docs/security.md), never the number.
assert enter[6].startswith("P-") and "79160000030" not in enter[6] and enter[7] == "1", enter
talk = int(rows[2][6])
assert 3 <= talk <= 5, rows[2]
PY

finish sip_inbound
