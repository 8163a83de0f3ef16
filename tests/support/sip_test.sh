# Sourced by the tests that run SIPp against `callbase serve --telephony sip`
# (after cli_test.sh): free ports on 127.0.0.1, and processes killed at exit.

# The callbase binary (the test's first argument), the checkout, the base.
cb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
db="$tmp/base.db"

# A free UDP port for a SIP listener.
free_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# SIPp's media: the port given and the three above it (RTCP, video) must be
# free; above callbase's RTP range.
media_port() {
    python3 -c '
import socket, random
for _ in range(200):
    p = random.randrange(41000, 60000, 4)
    try:
        socks = []
        for q in range(p, p + 4):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", q)); socks.append(s)
        print(p); break
    except OSError:
        pass
'
}
# Background processes to kill at exit (SIPp, the server), whatever happens.
pids=()

# sipp_start NAME SCENARIO [ARGS...]: SIPp on 127.0.0.1 in the background,
# its errors in $tmp/NAME.err, its pid in sipp_pids[NAME] (killed at exit).
declare -A sipp_pids
sipp_start() {
    local name=$1 scenario=$2
    shift 2
    sipp -sf "$scenario" -i 127.0.0.1 -mi 127.0.0.1 -mp "$(media_port)" -nostdin -trace_err \
        -error_file "$tmp/$name.err" "$@" >/dev/null 2>&1 &
    sipp_pids[$name]=$!
    pids+=("$!")
}
# port_bound udp|tcp PORT: waits (at most 10 s) until something listens on
# that port of 127.0.0.1 (SIPp and socat take a moment to start), by trying
# to bind it: a connection to find out would be a call to SIPp, a failed
# handshake to socat. Its status says whether something does.
port_bound() {
    python3 - "$1" "$2" <<'PY'
import socket, sys, time
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
for _ in range(100):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("127.0.0.1", int(sys.argv[2])))
    except OSError:
        sys.exit(0)
    finally:
        s.close()
    time.sleep(0.1)
sys.exit(1)
PY
}
# udp_bound PORT: port_bound udp, failing the check if nothing listens.
udp_bound() {
    port_bound udp "$1" || fail "nothing listens on UDP port $1"
}
# sipp_verdict NAME...: waits (at most 120 s each) for those SIPp processes to
# end; a check fails for each whose exit status (SIPp's verdict) is not 0.
sipp_verdict() {
    local name rc
    for name in "$@"; do
        for _ in $(seq 1200); do kill -0 "${sipp_pids[$name]}" 2>/dev/null || break; sleep 0.1; done
        wait "${sipp_pids[$name]}"
        rc=$?
        [ "$rc" = 0 ] || fail "SIPp ($name): exit $rc: $(head -c 3000 "$tmp/$name.err" 2>/dev/null)"
    done
}
# The operator's softphone, SIPp as "softphone": it answers, talks with
# SIPp's G.711 capture and waits for our BYE. Its SIP port in agent_port.
softphone_start() {
    agent_port=$(free_port)
    sed -e "s|@PAYLOADS@|8 101|" -e "s|@PCAP@|/usr/share/sip-tester/g711a.pcap|" \
        "$root/tests/sip/answer-keys.xml" >"$tmp/softphone.xml"
    sipp_start softphone "$tmp/softphone.xml" -p "$agent_port" -m 1 -timeout 60s
}
# callee_start AFTER_MS [SIPP ARGS...]: the trunk's far end, SIPp as
# "callee" on a free port (in trunk_port): it answers, talks (SIPp's G.711
# capture) and hangs up AFTER_MS after answering.
callee_start() {
    local after=$1
    shift
    trunk_port=$(free_port)
    local talk='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
    sed -e "s|@AFTER@|$after|" -e "s|@PAYLOADS@|8 101|" -e "s|@TALK@|$talk|" \
        "$root/tests/sip/answer-hangup.xml" >"$tmp/callee.xml"
    sipp_start callee "$tmp/callee.xml" -p "$trunk_port" -m 1 "$@"
}
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# browser_start SCRIPT WHO ARGS...: a browser driver (tests/sip_campaigns/
# SCRIPT, Chromium through tests/e2e's playwright-core) in the background with
# ARGS, its output in $tmp/desk.out and .err, its pid in desk_pid; waits (at
# most 40 s) for its cue file $tmp/desk-ready, failing with WHO when it does
# not come. Needs the web UI built.
browser_start() {
    local script=$1 who=$2
    shift 2
    [ -f "$root/web/dist/index.html" ] || fail "no web UI in web/dist: build it (make web)"
    [ -d "$root/tests/e2e/node_modules/playwright-core" ] ||
        fail "no playwright-core in tests/e2e: run scripts/build-web --e2e (make test does)"
    node "$root/tests/sip_campaigns/$script" "$@" >"$tmp/desk.out" 2>"$tmp/desk.err" &
    desk_pid=$!
    pids+=("$desk_pid")
    desk_cue "$tmp/desk-ready" "$who did not get ready"
}
# desk_cue FILE WHAT: waits (at most 40 s) for the browser driver's cue FILE;
# fails saying WHAT (and the driver's errors) if it never comes.
desk_cue() {
    for _ in $(seq 400); do [ -f "$1" ] && break; kill -0 "$desk_pid" 2>/dev/null || break; sleep 0.1; done
    [ -f "$1" ] || fail "$2: $(cat "$tmp/desk.err")"
}

# An operator's base, in two steps: base_setup (in single-user mode: rules
# open all week, one contact, Иван Петров, +7 916 000-00-30; `one` runs the
# CLI this way until there are users), then base_users (an admin with a
# second factor, as_admin runs the CLI as them; and the operator olga).
# Needs $cb and $db.
one() { "$cb" --db "$db" --actor setup "$@"; }
base_setup() {
    "$cb" --db "$db" init >/dev/null || fail "init"
    one rules set '{"window_start": "00:00", "window_end": "24:00", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}' >/dev/null ||
        fail "rules set"
    one contacts add --name "Иван Петров" --phone "+7 916 000-00-30" >/dev/null || fail "contact"
}
# campaign_setup NAME SEGMENT: a progressive operator campaign of the contacts
# SEGMENT selects (status=decided: nobody left to dial, its operators take
# incoming calls), open all day, calling from +7 495 000-00-01; its id in $id.
campaign_setup() {
    one campaign create "$1" --pacing progressive --segment "$2" --schedule 00:00-24:00 \
        --caller-id "+7 495 000-00-01" >"$tmp/out" 2>&1 || fail "create: $(cat "$tmp/out")"
    id=$(one --json campaign list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
}
# caller_scenario PART DIALED CALLER [KEY VALUE]...: tests/sip/caller.xml
# with the caller-PART.part after its INVITE, DIALED and CALLER filled in and
# each KEY (@TALK@, @PCAP@, …) replaced by its VALUE, on stdout. Needs $root.
caller_scenario() {
    python3 - "$root/tests/sip" "$@" <<'PY'
import sys
folder, part, dialed, caller, *pairs = sys.argv[1:]
values = {"@DIALED@": dialed, "@CALLER@": caller}
values.update(zip(pairs[0::2], pairs[1::2]))
text = open(f"{folder}/caller.xml").read().replace("@THEN@", open(f"{folder}/caller-{part}.part").read())
for key, value in values.items():
    text = text.replace(key, value)
print(text)
PY
}
base_users() {
    CALLBASE_NEW_PASSWORD=admin-pass-1234 "$cb" --db "$db" user add admin --role admin >/dev/null || fail "admin"
    secret=$(CALLBASE_PASSWORD=admin-pass-1234 "$cb" --db "$db" --json user totp admin | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
    CALLBASE_PASSWORD=admin-pass-1234 "$cb" --db "$db" user totp admin --confirm "$("$cb" user totp-code "$secret")" >/dev/null || fail "totp"
    CALLBASE_NEW_PASSWORD=olga-pass-1234 as_admin user add olga --role operator >/dev/null || fail "operator"
}
as_admin() {
    CALLBASE_PASSWORD=admin-pass-1234 CALLBASE_TOTP=$("$cb" user totp-code "$secret") \
        "$cb" --db "$db" --user admin "$@"
}

# serve_sip: `callbase serve --telephony sip` with $tmp/sip.toml in the
# background (its pid in serve_pid, its output in $tmp/serve.out and .err),
# until it listens; its address in $url. serve_end stops it (SIGTERM) and
# checks that it exits cleanly.
serve_sip() {
    "$cb" --db "$db" serve --listen 127.0.0.1:0 --telephony sip --sip-config "$tmp/sip.toml" \
        --speech-cache "$tmp/speech" >"$tmp/serve.out" 2>"$tmp/serve.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    server_url
}
serve_end() {
    local rc
    kill -TERM "$serve_pid"
    wait "$serve_pid"
    rc=$?
    [ "$rc" = 0 ] || fail "serve exit $rc: $(tail -5 "$tmp/serve.err")"
}
# After `serve` was started in the background with its output in
# $tmp/serve.out and $tmp/serve.err: its address, in $url.
server_url() {
    wait_for "$tmp/serve.out" "listening on" "$serve_pid"
    url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.out" | head -1)
    [ -n "$url" ] || fail "no address: $(cat "$tmp/serve.out" "$tmp/serve.err")"
}

# operator_ready CAMPAIGN [USER]: the operator (olga unless told; the
# passphrase USER-pass-1234) logs in as the browser does (cookies in $jar,
# $csrf), joins the campaign once the server has read that it runs, and goes
# ready. post PATH BODY then acts as them.
operator_ready() {
    local user=${2:-olga}
    jar="$tmp/cookies.$user"
    csrf=$(curl -s -c "$jar" -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
        -d "{\"user\":\"$user\",\"password\":\"$user-pass-1234\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
    [ -n "$csrf" ] || fail "login"
    local out
    for _ in $(seq 50); do
        out=$(post /agent/join "{\"campaign\": $1}")
        grep -q '"state"' <<<"$out" && break
        sleep 0.2
    done
    grep -q '"state"' <<<"$out" || fail "join: $out"
    # The answer shows the state as it is when the answer is written: a call
    # waiting for this operator (a callback whose turn came, a caller in line)
    # may already have made them offered or on_call — they were ready for it.
    out=$(post /agent/ready '{}')
    grep -qE '"state": *"(ready|offered|on_call)"' <<<"$out" || fail "ready: $out"
}
post() { curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -X POST "$url/api/v1$1" -d "$2"; }
# dispose_after_call NOTE: waits (at most 10 s) for the signed-in operator's
# wrap-up after their call and gives the disposition "decided" with NOTE.
dispose_after_call() {
    local out
    for _ in $(seq 50); do
        out=$(curl -s -b "$jar" "$url/api/v1/agent")
        grep -q '"disposition_due":true' <<<"$out" && break
        sleep 0.2
    done
    grep -q '"disposition_due":true' <<<"$out" || fail "no wrap-up after the call: $out"
    out=$(post /agent/disposition "$(python3 -c 'import json, sys; print(json.dumps({"status": "decided", "note": sys.argv[1]}))' "$1")")
    grep -q '"error"\|"title"' <<<"$out" && fail "disposition: $out"
}
# answered_recording NUMBER AGENT: the one call to NUMBER (callbase why) was
# answered over SIP, put through to AGENT and disposed "decided"; writes its
# recording's path to $tmp/recording, or fails the check.
answered_recording() {
    as_admin --json why "$1" >"$tmp/why.json" || fail "why"
    python3 - "$tmp/why.json" "$2" >"$tmp/recording" <<'PY' || fail "the call: $(cat "$tmp/why.json")"
import json, sys
calls = json.load(open(sys.argv[1]))["calls"]
assert len(calls) == 1, calls
c = calls[0]
assert c["network"] == "sip" and c["outcome"] == "answered", c
assert c["agent"] == sys.argv[2] and c["disposition"] == "decided", c
assert c["recording"], c
print(c["recording"])
PY
}
