#!/usr/bin/env bash
# `callbase serve` through the real binary on 127.0.0.1 (a free port): it says
# where it listens, answers /healthz and /metrics, gives an unknown path a
# problem document, stops cleanly on SIGTERM, and refuses a bad --listen and a
# base that does not open.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
"$cb" --db "$db" init >/dev/null || fail "init"

"$cb" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for "$tmp/out" "listening on" "$pid"
url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/out" | head -1)
[ -n "$url" ] || fail "no address printed: $(cat "$tmp/out" "$tmp/err")"
get() {  # get PATH -> "STATUS BODY"
    python3 - "$url$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.headers.get("Content-Type"), e.read().decode())
PY
}
grep -q '^200 {"status":"ok"' <<<"$(get /healthz)" || fail "healthz: $(get /healthz)"
grep -q '^404 application/problem+json .*"title":"Not found"' <<<"$(get /nowhere)" ||
    fail "unknown path: $(get /nowhere)"
grep -q 'callbase_http_requests_total{route="/healthz",status="200"} 1' <<<"$(get /metrics)" ||
    fail "metrics: $(get /metrics)"
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "still running after SIGTERM"; kill -KILL "$pid"; fi
wait "$pid"; rc=$?
[ "$rc" = 0 ] || fail "exit $rc after SIGTERM"
grep -q "stopped" "$tmp/err" || fail "no stop message: $(cat "$tmp/err")"

if "$cb" --db "$db" serve --listen localhost >"$tmp/out" 2>&1; then fail "bad --listen accepted"; fi
grep -q "is not ADDRESS:PORT" "$tmp/out" || fail "bad listen message: $(cat "$tmp/out")"
# Issue 20, item 4: plain HTTP outside loopback is refused unless told.
ip=$(hostname -I 2>/dev/null | awk '{print $1}')
for address in "0.0.0.0:0" "${ip:-10.255.255.1}:0"; do
    if "$cb" --db "$db" serve --listen "$address" >"$tmp/out" 2>&1; then
        fail "plain HTTP served on $address"
    fi
    grep -q "plain HTTP on $address would carry passwords" "$tmp/out" &&
        grep -q -- "--tls-cert" "$tmp/out" && grep -q -- "--allow-plain-http" "$tmp/out" ||
        fail "plain HTTP on $address: no clear refusal: $(cat "$tmp/out")"
done
"$cb" --db "$db" serve --listen 0.0.0.0:0 --allow-plain-http >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/out" && break; sleep 0.1; done
grep -q "listening on http://0.0.0.0:" "$tmp/out" || fail "--allow-plain-http: $(cat "$tmp/out" "$tmp/err")"
kill -TERM "$pid"; wait "$pid" 2>/dev/null
if "$cb" --db "$tmp/none.db" serve --listen 127.0.0.1:0 >"$tmp/out" 2>&1; then
    fail "served a base that is not there"
fi
grep -q "callbase init" "$tmp/out" || fail "no base message: $(cat "$tmp/out")"
# The request limit per address: a burst of twice the rate, then 429.
"$cb" --db "$db" serve --listen 127.0.0.1:0 --rate-limit 2 >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for "$tmp/out" "listening on" "$pid"
url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/out" | head -1)
# The headers of the 12 are kept: the Retry-After is looked for on a 429 of
# the burst itself (a request sent after it raced the refill of the bucket).
seq 12 | xargs -P 12 -I{} curl -s -o /dev/null -D "$tmp/burst.{}" "$url/api/v1/openapi.json"
codes=$(cat "$tmp"/burst.* | grep -o '^HTTP/1.1 [0-9]*' | cut -d' ' -f2)
[ "$(grep -c '^200$' <<<"$codes")" -ge 4 ] || fail "rate limit: the burst of 4 refused: $codes"
grep -q '^429$' <<<"$codes" || fail "rate limit: 12 at once all answered: $codes"
for f in "$tmp"/burst.*; do
    grep -q '^HTTP/1.1 429' "$f" || continue
    grep -qi '^retry-after: [1-9]' "$f" || fail "no Retry-After on 429: $(cat "$f")"
done
kill -TERM "$pid"; wait "$pid"

# Under TLS: HTTPS only, and the session cookie is Secure.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 2>/dev/null || fail "openssl could not make a certificate"
CALLBASE_NEW_PASSWORD=admin-tls-pass "$cb" --db "$db" user add admin --role admin >/dev/null ||
    fail "user add"
secret=$(CALLBASE_PASSWORD=admin-tls-pass "$cb" --db "$db" --json user totp admin |
    sed -n 's/.*"secret":"\([A-Z2-7]*\)".*/\1/p')
CALLBASE_PASSWORD=admin-tls-pass "$cb" --db "$db" user totp admin \
    --confirm "$("$cb" user totp-code "$secret")" >/dev/null || fail "totp"
"$cb" --db "$db" serve --listen 127.0.0.1:0 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for "$tmp/out" "listening on" "$pid"
url=$(grep -o "https://127.0.0.1:[0-9]*" "$tmp/out" | head -1)
[ -n "$url" ] || fail "no https address printed: $(cat "$tmp/out" "$tmp/err")"
grep -q '"status":"ok"' <<<"$(curl -sk "$url/healthz")" || fail "healthz over TLS"
if curl -s "${url/https/http}/healthz" >/dev/null 2>&1; then fail "plain HTTP answered on the TLS port"; fi
sleep 1  # the enrolment's code is not taken twice
headers=$(curl -sk -D - -o /dev/null -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
    -d "{\"user\":\"admin\",\"password\":\"admin-tls-pass\",\"totp\":\"$("$cb" user totp-code "$secret")\"}")
grep -qi '^set-cookie: callbase_session=.*HttpOnly; SameSite=Strict; Secure' <<<"$headers" ||
    fail "no Secure session cookie under TLS: $headers"
grep -qi '^strict-transport-security:' <<<"$headers" || fail "no HSTS header: $headers"
kill -TERM "$pid"; wait "$pid" || fail "TLS server exit"
if "$cb" --db "$db" serve --listen 127.0.0.1:0 --tls-cert "$tmp/none.pem" --tls-key "$tmp/key.pem" \
    >"$tmp/out" 2>&1; then
    fail "served with a missing certificate"
fi
grep -q "cannot read .*none.pem" "$tmp/out" || fail "missing certificate message: $(cat "$tmp/out")"
finish cli_serve
