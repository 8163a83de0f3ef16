#!/usr/bin/env bash
# Several trunks in one server, over real SIP on loopback (docs/telephony.md,
# "Several trunks"): SIPp plays trunk "main" (the default, refusing every
# INVITE 503) and trunk "backup" (answering 486). A robot campaign that names
# no trunk dials through main, and its calls fail over to backup; a second
# campaign names backup and dials it only; a call comes in to a number of
# each trunk. Checked: both SIPps' verdicts, the outcomes, the log line of the
# hand-over, /metrics per trunk, /healthz, the Telephony page's API as a
# supervisor; a campaign naming a trunk the settings do not have is refused
# at start over the API with a code the browser shows in the user's
# language, naming the trunks there are.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
add() { one contacts add --name "$1" --phone "$2" --source "$3" >/dev/null || fail "contact $1"; }
add "Пётр Сидоров" "+7 916 000-00-31" site
add "Мария Орлова" "+7 916 000-00-34" site
add "Анна Белова" "+7 916 000-00-32" expo
add "Олег Седов" "+7 916 000-00-33" expo
one tags add-category Опрос >/dev/null || fail "tag category"
for tag in Доволен Недоволен; do one tags add Опрос "$tag" >/dev/null || fail "tag $tag"; done
robot() {
    local name=$1
    shift
    one campaign create "$name" --pacing robot --schedule 00:00-24:00 "$@" \
        --robot-script "$root/examples/ivr/short-survey.yaml" --caller-id "+7 495 000-00-01" \
        >"$tmp/out" 2>&1 || fail "create $name: $(cat "$tmp/out")"
}
robot "Опрос" --segment source=site
robot "Выставка" --segment source=expo --trunk backup
robot "Через чужой транк" --segment source=site --trunk nosuch
ids=$(one --json campaign list | python3 -c '
import json, sys
c = {x["name"]: x for x in json.load(sys.stdin)}
assert c["Через чужой транк"]["trunk"] == "nosuch" and c["Опрос"]["trunk"] == "", c
assert c["Выставка"]["trunk"] == "backup", c
print(c["Опрос"]["id"], c["Выставка"]["id"], c["Через чужой транк"]["id"])') ||
    fail "the campaigns' trunks: $ids"
read -r id expo other <<<"$ids"
base_users
CALLBASE_NEW_PASSWORD=sveta-pass-1234 as_admin user add sveta --role supervisor >/dev/null ||
    fail "supervisor"
for n in 01 09; do
    as_admin routing number set "+7 495 000-00-$n" "message:Спасибо за звонок." >/dev/null ||
        fail "number $n"
done

main_port=$(free_port)
backup_port=$(free_port)
sip_port=$(free_port)
sed "s|@STATUS@|503 Service Unavailable|" "$root/tests/sip/final.xml" >"$tmp/main.xml"
sed "s|@STATUS@|486 Busy Here|" "$root/tests/sip/final.xml" >"$tmp/backup.xml"
sipp_start main "$tmp/main.xml" -p "$main_port" -m 2 -timeout 60s
sipp_start backup "$tmp/backup.xml" -p "$backup_port" -m 4 -timeout 60s
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
default_trunk = "main"
dids = ["+74950000001"]
[trunks.main]
host = "127.0.0.1:$main_port"
failover = ["backup"]
max_calls = 5
[trunks.backup]
host = "127.0.0.1:$backup_port"
dids = ["+74950000009"]
calls_per_second = 10
TOML
serve_sip
grep -q "trunk 127.0.0.1:$main_port (the default, main), trunk backup (127.0.0.1:$backup_port)" \
    "$tmp/serve.err" || fail "the trunks are not said at start: $(cat "$tmp/serve.err")"
as_admin campaign start "$id" >/dev/null || fail "campaign start"
as_admin campaign start "$expo" >/dev/null || fail "campaign start (backup)"
sipp_verdict main
sipp_verdict backup
for c in "$id" "$expo"; do
    for _ in $(seq 100); do
        n=$(as_admin --json campaign stats "$c" | python3 -c 'import json,sys; print(json.load(sys.stdin)["attempts"])')
        [ "$n" -ge 2 ] && break
        sleep 0.2
    done
    as_admin --json campaign stats "$c" >"$tmp/stats.json"
    python3 - "$tmp/stats.json" <<'PY' || fail "stats of $c: $(cat "$tmp/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["attempts"] == 2, s
assert s["outcomes"].get("busy") == 2, s["outcomes"]
PY
done
grep -q "sip: the call to +7916000003[14] goes through trunk backup (the last one refused it)" \
    "$tmp/serve.err" || fail "no hand-over line: $(cat "$tmp/serve.err")"
grep -q "sip: the call to +7916000003[23] goes through" "$tmp/serve.err" &&
    fail "the backup's own campaign went through main: $(cat "$tmp/serve.err")"

# A call in to each trunk's number: its route's message, then 480.
for dialed in 74950000001 74950000009; do
    caller_scenario early "$dialed" 79160000030 @STATUS@ 480 >"$tmp/caller-$dialed.xml"
    sipp_start "caller$dialed" "$tmp/caller-$dialed.xml" -p "$(free_port)" -m 1 -timeout 30s \
        "127.0.0.1:$sip_port"
    sipp_verdict "caller$dialed"
done

metrics=$(curl -s "$url/metrics")
for line in 'callbase_sip_trunk_calls_total{trunk="main"} 2' \
    'callbase_sip_trunk_failed_over_total{trunk="main"} 2' \
    'callbase_sip_trunk_calls_total{trunk="backup"} 4' \
    'callbase_sip_trunk_incoming_total{trunk="main"} 1' \
    'callbase_sip_trunk_incoming_total{trunk="backup"} 1' \
    'callbase_sip_trunk_up{trunk="main"} 1' 'callbase_sip_trunk_active_calls{trunk="backup"} 0'; do
    grep -qF "$line" <<<"$metrics" || fail "/metrics has no $line: $(grep trunk <<<"$metrics")"
done
[ "$(grep -c '^# TYPE callbase_sip_trunk_calls_total' <<<"$metrics")" = 1 ] ||
    fail "a metric family is declared once: $(grep TYPE <<<"$metrics")"
health=$(curl -s "$url/healthz")
python3 - "$health" <<'PY' || fail "/healthz: $health"
import json, sys
h = json.loads(sys.argv[1])
assert h["status"] == "ok", h
assert h["trunks"] == {"main": {"up": True}, "backup": {"up": True}}, h
PY

jar="$tmp/cookies.sveta"
csrf=$(curl -s -c "$jar" -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
    -d '{"user":"sveta","password":"sveta-pass-1234"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
page=$(curl -s -b "$jar" "$url/api/v1/telephony")
python3 - "$page" <<'PY' || fail "GET /api/v1/telephony: $page"
import json, sys
p = json.loads(sys.argv[1])
main, backup = p["trunks"]
assert main["name"] == "main" and main["default"] and main["failover"] == ["backup"], main
assert main["max_calls"] == 5 and main["calls"] == 2 and main["failed_over"] == 2, main
assert main["incoming"] == 1 and main["dids"] == [], main
assert main["up"] and main["down_reason"] is None and main["active"] == 0, main
assert backup["name"] == "backup" and not backup["default"], backup
assert backup["dids"] == ["+74950000009"] and backup["calls_per_second"] == 10, backup
assert backup["calls"] == 4 and backup["failed_over"] == 0 and backup["incoming"] == 1, backup
PY
out=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Accept-Language: ru' -X POST \
    "$url/api/v1/campaigns/$other/start")
grep -q '"code": *"campaign.trunk_unknown"' <<<"$out" || fail "an unknown trunk started: $out"
grep -q 'nosuch' <<<"$out" && grep -q 'main, backup' <<<"$out" || fail "what to name: $out"
as_admin --json campaign list | python3 -c '
import json, sys
c = {x["name"]: x for x in json.load(sys.stdin)}
assert c["Через чужой транк"]["state"] == "draft", c["Через чужой транк"]' ||
    fail "the refused campaign did not stay a draft"
serve_end
