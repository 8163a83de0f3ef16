#!/usr/bin/env bash
# The screen-pop lookup under load: GET /api/v1/lookup?phone=… (find the card
# by the caller's number, as the operator's screen does when a call rings),
# as a logged-in operator, with wrk over loopback; in the same run, nginx
# serving a static JSON file of the same size (the floor). Runs alternate
# between the two; medians of requests/s and of the 99th-percentile latency.
# Usage: bench/screenpop/run.sh CALLBASE [ROWS] [SECONDS] [RUNS] [CONNECTIONS]
# (100000 contacts, 10 s a run, 3 runs each, 32 connections; wrk and nginx
# come from scripts/install-deps).
set -euo pipefail
cb=$(realpath "${1:?usage: run.sh CALLBASE [ROWS] [SECONDS] [RUNS] [CONNECTIONS]}")
rows=${2:-100000}
secs=${3:-10}
runs=${4:-3}
conns=${5:-32}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../timing.sh"
for tool in wrk nginx curl sqlite3; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        { echo "screenpop: $tool is missing: run scripts/install-deps" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

db="$tmp/base.db"
"$cb" gen contacts --rows "$rows" --seed 11 --out "$tmp/contacts.csv" >/dev/null
"$cb" --db "$db" init >/dev/null
"$cb" --db "$db" import contacts "$tmp/contacts.csv" --source bench >/dev/null
sqlite3 "$db" "SELECT e164 FROM phones WHERE e164 <> '' ORDER BY id LIMIT 2000" >"$tmp/phones"
CALLBASE_NEW_PASSWORD=admin-bench-pass "$cb" --db "$db" user add admin --role admin >/dev/null
secret=$(CALLBASE_PASSWORD=admin-bench-pass "$cb" --db "$db" --json user totp admin |
    sed -n 's/.*"secret":"\([A-Z2-7]*\)".*/\1/p')
CALLBASE_PASSWORD=admin-bench-pass "$cb" --db "$db" user totp admin \
    --confirm "$("$cb" user totp-code "$secret")" >/dev/null
sleep 1  # a new 30 s step is not needed, but a code is used once per login
CALLBASE_USER=admin CALLBASE_PASSWORD=admin-bench-pass CALLBASE_TOTP=$("$cb" user totp-code "$secret") \
    CALLBASE_NEW_PASSWORD=operator-bench-pass "$cb" --db "$db" user add operator --role operator >/dev/null
# An operator sees only the contacts assigned to them (docs/security.md): the
# base is this operator's, as a supervisor's `contacts assign` would make it.
sqlite3 "$db" "UPDATE contacts SET assigned_to = (SELECT id FROM users WHERE name = 'operator')"
# One operator reads thousands of cards a second here: the limits of contacts
# read per user (2,000 an hour by default, the bulk-read alert) are off.
CALLBASE_USER=admin CALLBASE_PASSWORD=admin-bench-pass CALLBASE_TOTP=$("$cb" user totp-code "$secret") \
    "$cb" --db "$db" audit alert-rules set '{"contacts_read_per_hour": 0, "contacts_read_per_day": 0}' \
    >/dev/null

# --rate-limit 0: one address asks for thousands a second here, which the
# default limit (200 a second per address) would refuse.
"$cb" --db "$db" --json serve --listen 127.0.0.1:0 --web "$tmp/no-ui" --rate-limit 0 \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/.*"listening":"\([^"]*\)".*/\1/p' "$tmp/serve.out")
[ -n "$url" ] || { cat "$tmp/serve.err" >&2; exit 1; }
cookie=$(curl -s -i -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
    -d '{"user":"operator","password":"operator-bench-pass"}' |
    sed -n 's/^Set-Cookie: \(callbase_session=[0-9a-f]*\).*/\1/p')
[ -n "$cookie" ] || { echo "screenpop: could not log in" >&2; exit 1; }

# Each wrk thread walks the numbers, URL-encoded.
{
    echo "local phones = {"
    sed 's/+/%2B/; s/.*/"&",/' "$tmp/phones"
    echo "}"
    cat <<'LUA'
local i = 0
request = function()
    i = i + 1
    return wrk.format("GET", "/api/v1/lookup?phone=" .. phones[(i % #phones) + 1])
end
LUA
} >"$tmp/lookup.lua"

# nginx serves a JSON file as large as a lookup's answer.
sample=$(curl -s -H "Cookie: $cookie" "$url/api/v1/lookup?phone=$(head -1 "$tmp/phones" | sed 's/+/%2B/')")
grep -q '"found":true' <<<"$sample" || { echo "screenpop: lookup failed: $sample" >&2; exit 1; }
mkdir -p "$tmp/www" "$tmp/nginx"
printf '%s' "$sample" >"$tmp/www/lookup.json"
# nginx's workers run as nobody when it is started as root.
chmod a+rx "$tmp" "$tmp/www" && chmod a+r "$tmp/www/lookup.json"
nginx_port=$((20000 + RANDOM % 20000))
cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx;
    proxy_temp_path $tmp/nginx;
    fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx;
    scgi_temp_path $tmp/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        location / { root $tmp/www; default_type application/json; }
    }
}
CONF
"$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/lookup.json" >/dev/null && break; sleep 0.1; done

# run NAME URL [SCRIPT] -> "requests/s p99_ms"
run() {
    local out
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency ${3:+-s "$3"} -H "Cookie: $cookie" "$2")
    local rps p99
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
          else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
          print v }' <<<"$out")
    local errors
    errors=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
    [ -z "$errors" ] || { echo "screenpop: $1 answered $errors non-2xx responses" >&2; exit 1; }
    echo "$rps $p99"
}
cb_rps=(); cb_p99=(); ng_rps=(); ng_p99=()
for i in $(seq "$runs"); do
    read -r r p < <(run callbase "$url/api/v1/lookup" "$tmp/lookup.lua")
    cb_rps+=("$r"); cb_p99+=("$p")
    read -r r p < <(run nginx "http://127.0.0.1:$nginx_port/lookup.json")
    ng_rps+=("$r"); ng_p99+=("$p")
    echo "run $i: callbase ${cb_rps[-1]} req/s p99 ${cb_p99[-1]} ms; nginx ${ng_rps[-1]} req/s p99 ${ng_p99[-1]} ms" >&2
done
cr=$(median "${cb_rps[@]}"); cp=$(median "${cb_p99[@]}")
nr=$(median "${ng_rps[@]}"); np=$(median "${ng_p99[@]}")
audit=$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_log WHERE object = 'GET /api/v1/lookup'")
printf 'screen-pop lookup, %s contacts, %s connections, %s runs of %s s (medians)\n' "$rows" "$conns" "$runs" "$secs"
printf '  callbase /api/v1/lookup  %10.0f req/s   p99 %6.2f ms\n' "$cr" "$cp"
printf '  nginx static JSON        %10.0f req/s   p99 %6.2f ms   (%s bytes)\n' "$nr" "$np" "${#sample}"
printf '  callbase / nginx         %10.2f\n' "$(awk -v a="$cr" -v b="$nr" 'BEGIN { print a / b }')"
printf '  audit records written    %10s   (one per lookup)\n' "$audit"
