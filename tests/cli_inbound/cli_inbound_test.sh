#!/usr/bin/env bash
# callbase simulate on inbound days through the real binary: the small
# center's report (per queue, per team, the invariants at 0) as text and
# --json, the same seed giving the same day, the VIP example meeting its
# target, and bad files refused with exit 2 naming file:line (an unknown key,
# a blended day, a VIP queue that does not exist, the outbound options).
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
has() { grep -q -- "$1" "$tmp/out" || fail "$2: '$1' not in output: $(cat "$tmp/out")"; }
says() { grep -q -- "$1" "$tmp/err" || fail "$2: '$1' not in the message: $(cat "$tmp/err")"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }
scenarios="$(dirname "$0")/../../examples/scenarios/inbound"

run 0 "small center" -- simulate "$scenarios/small-center.toml"
has "small center: 2 queues, 20 agents — inbound, 9.0 h from 2026-12-01 09:00 (+03:00), 20 agents in 2 team(s), 2 queue(s)" "title"
has "^queue *offered *answered *abandoned (short) *SL *SL with abandons *ASA s" "queue table"
has "^sales *[0-9]" "sales row"
has "^support *[0-9]" "support row"
has "^team *agents *calls *AHT s *occupancy" "team table"
has "double offers *0$" "double offers"
has "lost queue entries *0 (joined" "lost entries"

run 0 "small center --json" -- --json simulate "$scenarios/small-center.toml"
cp "$tmp/out" "$tmp/first.json"
[ "$(json '(d["kind"], d["invariants_broken"], len(d["queues"]), len(d["teams"]), len(d["agents"]))')" = "('inbound', 0, 2, 2, 20)" ] ||
    fail "json shape: $(cat "$tmp/out")"
[ "$(json 'all(q["offered"] == q["answered"] + q["abandoned"] + sum(q["exits"].values()) + q["still_waiting"] for q in d["queues"])')" = True ] ||
    fail "every caller accounted for: $(cat "$tmp/out")"
[ "$(json 'd["joined"] == sum(q["offered"] for q in d["queues"]) and d["answered"] == sum(t["calls"] for t in d["teams"])')" = True ] ||
    fail "totals: $(cat "$tmp/out")"
[ "$(json '0 < d["queues"][0]["service_level"] <= 1 and d["queues"][0]["service_level_with_abandons"] <= 1')" = True ] ||
    fail "service levels: $(cat "$tmp/out")"
[ "$(json 'all(0 < t["occupancy"] < 1 for t in d["teams"]) and d["offers_missed"] > 0 and d["abandoned"] > 0')" = True ] ||
    fail "occupancy, missed offers, abandons: $(cat "$tmp/out")"
run 0 "small center again" -- --json simulate "$scenarios/small-center.toml"
python3 - "$tmp/first.json" "$tmp/out" <<'PY' || fail "the same seed gave another day"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    d.pop("wall_seconds")
sys.exit(0 if a == b else 1)
PY

run 0 "vip" -- --json simulate "$scenarios/vip.toml"
[ "$(json 'd["vip"]["answered_within_target_share"] >= 0.95 and d["teams"][0]["occupancy"] >= 0.895')" = True ] ||
    fail "VIP within 3 s at 90 %: $(cat "$tmp/out")"

sed 's/^skill = "sales"$/skill = "sales"\nstratgy = "random"/' "$scenarios/small-center.toml" >"$tmp/typo.toml"
run 2 "unknown key" -- simulate "$tmp/typo.toml"
says "typo.toml:17: \[inbound.queues\] stratgy: unknown key; the keys here are name, strategy" "unknown key names file:line"
printf '[inbound]\n[[inbound.queues]]\nname = "a"\nvip_queue = "vip"\n[[inbound.teams]]\nname = "a"\n' >"$tmp/novip.toml"
run 2 "a VIP queue that is not there" -- simulate "$tmp/novip.toml"
says "novip.toml:4: \[\[inbound.queues\]\] vip_queue: no queue 'vip'; the queues are a" "missing VIP queue"
{ cat "$scenarios/small-center.toml"; printf '\n[campaign]\npacing = "predictive"\n'; } >"$tmp/blend.toml"
run 2 "a blended day" -- simulate "$tmp/blend.toml"
says "blend.toml:.*: \[campaign\]: a blended day (both \[inbound\] and \[campaign\]) is not simulated yet" "blended day"
run 2 "--ratio on an inbound day" -- simulate "$scenarios/small-center.toml" --ratio 3
says "are for outbound scenarios; this one is an inbound day" "outbound options"
# An outbound scenario still runs as before.
run 0 "outbound" -- --json simulate "$scenarios/../predictive-100.toml"
[ "$(json 'd["violation_count"]')" = 0 ] || fail "outbound: $(cat "$tmp/out")"

finish cli_inbound
