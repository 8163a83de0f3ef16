#!/usr/bin/env bash
# A trunk that registers, over real SIP on loopback (docs/telephony.md,
# "Registration"): SIPp plays the provider's registrar (tests/sip/registrar.xml:
# a 401 answered with the trunk's login, 200 for 2 s, the refresh refused once
# with 503 and Retry-After, the retry challenged anew and taken, the next
# refresh taken). Checked: SIPp's verdict (the Contact, Expires and the digest
# it checked), the server's log lines, /healthz, /metrics and the Telephony
# page's API as a supervisor sees it; a call the provider sends for the
# account reaches the routing as the trunk's number; at SIGTERM the binding is
# removed (Expires: 0).
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
base_users
CALLBASE_NEW_PASSWORD=sveta-pass-1234 as_admin user add sveta --role supervisor >/dev/null ||
    fail "supervisor"
as_admin routing number set "+7 495 000-00-01" "message:Спасибо за звонок." --label "Аккаунт" \
    >/dev/null || fail "number"

reg_port=$(free_port)
sed -e "s|@USER@|1001|g" -e "s|@PASSWORD@|s3cret|g" -e "s|@EXPIRES@|2|g" -e "s|@LAST_EXPIRES@|60|g" \
    -e "s|@ASKED@|120|g" \
    -e "s|@DOMAIN@|provider\\\\.test|g" "$root/tests/sip/registrar.xml" >"$tmp/registrar.xml"
sipp_start registrar "$tmp/registrar.xml" -p "$reg_port" -m 1 -timeout 60s
sip_port=$(free_port)
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
[trunk]
name = "provider"
host = "127.0.0.1:$reg_port"
register = true
username = "1001"
password = "s3cret"
register_domain = "provider.test"
register_expires = 120
register_retry_seconds = 1
did = "+74950000001"
number_format = "digits"
TOML
serve_sip
sipp_verdict registrar

grep -q "sip: trunk provider: registered at sip:127.0.0.1:$reg_port as sip:1001@provider.test for 2 s" \
    "$tmp/serve.err" || fail "the registration is not logged: $(cat "$tmp/serve.err")"
grep -q "sip: trunk provider: registration at sip:127.0.0.1:$reg_port failed: 503 Service Unavailable; .*next try in 1 s" \
    "$tmp/serve.err" || fail "the 503 is not logged with the retry: $(cat "$tmp/serve.err")"
[ "$(grep -c "registered at" "$tmp/serve.err")" = 2 ] ||
    fail "registered is said on the first success and after the failure only: $(cat "$tmp/serve.err")"

health=$(curl -s "$url/healthz")
python3 - "$health" <<'PY' || fail "/healthz: $health"
import json, sys
h = json.loads(sys.argv[1])
assert h["status"] == "ok" and h["telephony"] == "sip", h
assert h["trunks"] == {"provider": {"up": True, "registration": "registered"}}, h
PY
metrics=$(curl -s "$url/metrics")
for line in 'callbase_sip_registered{trunk="provider"} 1' \
    'callbase_sip_registrations_total{trunk="provider"} 3' \
    'callbase_sip_registration_failures_total{trunk="provider"} 1'; do
    grep -qF "$line" <<<"$metrics" || fail "/metrics has no $line: $(grep registr <<<"$metrics")"
done

curl -s -c "$tmp/cookies.sveta" -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
    -d '{"user":"sveta","password":"sveta-pass-1234"}' >/dev/null || fail "sveta's login"
page=$(curl -s -b "$tmp/cookies.sveta" "$url/api/v1/telephony")
python3 - "$page" <<'PY' || fail "GET /api/v1/telephony: $page"
import json, sys, time
p = json.loads(sys.argv[1])
assert p["network"] == "sip", p
[t] = p["trunks"]
assert t["name"] == "provider" and t["registers"] and t["registration"] == "registered", t
assert t["account"] == "sip:1001@provider.test" and t["did"] == "+74950000001", t
assert t["registrations"] == 3 and t["failures"] == 1 and t["granted_seconds"] == 60, t
now = time.time() * 1000
assert now < t["registered_until_ms"] <= now + 60500, t
assert now < t["next_attempt_ms"] < t["registered_until_ms"], t
assert t["problem"] is None and t["status"] == 200, t
PY
page=$(curl -s "$url/api/v1/telephony")
grep -q '"code"' <<<"$page" && ! grep -q '"trunks"' <<<"$page" ||
    fail "the trunks are shown to a caller who is not logged in: $page"

# The provider sends the account's call to our Contact, naming the account:
# it is the number +7 495 000-00-01's, whose route gives a message (early
# media, 183), then 480.
caller_scenario early 1001 79160000030 @STATUS@ 480 >"$tmp/caller.xml"
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 30s "127.0.0.1:$sip_port"
sipp_verdict caller
metrics=$(curl -s "$url/metrics")
for line in 'callbase_sip_incoming_total 1' 'callbase_sip_early_media_total 1'; do
    grep -qF "$line" <<<"$metrics" || fail "the account's call did not reach the routing: no $line"
done

# SIGTERM: the binding is removed (Expires: 0) before the server goes.
sed -e "s|@USER@|1001|g" "$root/tests/sip/unregister.xml" >"$tmp/unregister.xml"
sipp_start unregister "$tmp/unregister.xml" -p "$reg_port" -m 1 -timeout 30s
udp_bound "$reg_port"
serve_end
sipp_verdict unregister
finish sip_register
