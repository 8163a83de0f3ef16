#!/usr/bin/env bash
# Campaigns that survive a restart (issue 17, item 13). A robot campaign runs
# in `callbase serve` on the simulated network (NETWORK=sim) or over SIP
# against SIPp playing the callees (NETWORK=sip, tests/sip/restart-callees.xml);
# the server is killed at random moments — kill -9 and SIGTERM, in a random
# order — and started again each time, then stopped at the end. Checked on
# the base afterwards (check.py): no record left open; no record lost (each
# run's records at least the dials its live figures had counted just before
# the kill; over SIP, every INVITE SIPp received has its record and its
# attempt for the gate); none duplicated (each contact's attempts numbered 1,
# 2, 3 ... once each); nobody dialed more than the campaign's --max-attempts
# or (SIP) the gate's cap; nobody dialed again after an answered call, nor
# before their retry rule allowed.
#
# Usage: campaign_restart_test.sh CALLBASE sim|sip. The random moments come
# from a seed, printed; CALLBASE_RESTART_SEED=N replays a run.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
network=${2:-sim}
seed=${CALLBASE_RESTART_SEED:-$(( $(date +%s%N) % 100000 ))}
echo "campaign_restart ($network): seed $seed (replay: CALLBASE_RESTART_SEED=$seed)"
RANDOM=$seed
now_ms() { date +%s%3N; }

"$cb" --db "$db" init >/dev/null || fail "init"
one() { "$cb" --db "$db" --actor setup "$@"; }
if [ "$network" = sip ]; then
    # The gate's cap (3 in 7 days) is tighter than the campaign's (4): both are checked.
    one rules set '{"window_start": "00:00", "window_end": "24:00", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "max_attempts": 3, "min_gap_minutes": 0}' >/dev/null ||
        fail "rules set"
    # 24 callees: last digit 1 busy, 2 no answer, the others answer.
    { echo "ФИО;Телефон"; for i in $(seq 10 33); do echo "Абонент $i;+7 916 000-00-$i"; done; } >"$tmp/contacts.csv"
    one import contacts "$tmp/contacts.csv" >/dev/null || fail "import"
    max_attempts=4 robot_calls=6 robot_cps=3
else
    one rules set '{"window_start": "00:00", "window_end": "24:00", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}' >/dev/null ||
        fail "rules set"
    "$cb" gen contacts --rows 300 --seed "$seed" --out "$tmp/contacts.csv" >/dev/null || fail "gen contacts"
    one import contacts "$tmp/contacts.csv" >/dev/null || fail "import"
    max_attempts=3 robot_calls=20 robot_cps=6
fi
one campaign create "Напоминание" --pacing robot --segment status=new --schedule 00:00-24:00 \
    --caller-id "+7 495 000-00-01" --daily-cap 100000 --max-attempts "$max_attempts" \
    --retry busy=2s --retry no_answer=3s --retry failed=2s --retry rejected=2s \
    --robot-max-calls "$robot_calls" --robot-cps "$robot_cps" >"$tmp/out" 2>&1 ||
    fail "campaign create: $(cat "$tmp/out")"
one campaign start 1 >/dev/null || fail "campaign start"
# A supervisor reads the live figures between kills.
CALLBASE_NEW_PASSWORD=admin-pass-1234 "$cb" --db "$db" user add admin --role admin >/dev/null || fail "admin"
secret=$(CALLBASE_PASSWORD=admin-pass-1234 "$cb" --db "$db" --json user totp admin | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
CALLBASE_PASSWORD=admin-pass-1234 "$cb" --db "$db" user totp admin --confirm "$("$cb" user totp-code "$secret")" >/dev/null || fail "totp"
CALLBASE_NEW_PASSWORD=sup-pass-12345 as_admin user add sup --role supervisor >/dev/null || fail "supervisor"

if [ "$network" = sip ]; then
    sipp_port=$(free_port)
    sipp -sf "$root/tests/sip/restart-callees.xml" -i 127.0.0.1 -mi 127.0.0.1 -mp "$(media_port)" \
        -p "$sipp_port" -nostdin -trace_msg -message_file "$tmp/sipp.msg" -timeout 300s \
        >/dev/null 2>&1 &
    sipp_pid=$!
    pids+=("$sipp_pid")
    cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
rtp_ip = "127.0.0.1"
[trunk]
host = "127.0.0.1:$sipp_port"
number_format = "plus"
TOML
    serve_args=(--telephony sip --sip-config "$tmp/sip.toml" --speech-cache "$tmp/speech")
else
    cat >"$tmp/callees.toml" <<TOML
seed = $seed
[network]
answer_rate = 0.4
busy = 0.5
rejected = 0.1
failed = 0.05
invalid = 0.05
machine = 0
ring_time = { min = 1, max = 6 }
keys = { "1" = 0.5, none = 0.5 }
hangup_in_prompt = 0.1
TOML
    serve_args=(--telephony sim --sim-scenario "$tmp/callees.toml" --sim-speed 1)
fi

# One run of the server: started, left for RUN_MS, its live attempts read,
# then killed with SIGNAL (KILL or TERM). Each run's window and the attempts
# read go to $tmp/runs: "START_MS END_MS ATTEMPTS SIGNAL".
run=0
serve_run() {  # serve_run MILLISECONDS SIGNAL
    run=$((run + 1))
    local start end attempts
    : >"$tmp/serve.out"
    start=$(now_ms)
    "$cb" --db "$db" serve --listen 127.0.0.1:0 "${serve_args[@]}" >"$tmp/serve.out" 2>>"$tmp/serve.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    server_url
    local jar="$tmp/jar$run"
    curl -s -c "$jar" -X POST "$url/api/v1/session" -H "Content-Type: application/json" \
        -d '{"user":"sup","password":"sup-pass-12345"}' >/dev/null || fail "login (run $run)"
    sleep "$(awk "BEGIN {print $1 / 1000}")"
    attempts=$(curl -s -b "$jar" "$url/api/v1/campaigns/1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("live", {}).get("attempts", -1))')
    kill "-$2" "$serve_pid"
    wait "$serve_pid" 2>/dev/null
    end=$(now_ms)
    echo "$start $end $attempts $2" >>"$tmp/runs"
    echo "  run $run: $1 ms, $attempts dials counted live, then SIG$2 ($((end - start)) ms in all)"
}

# Four kills at random moments: two kill -9, two SIGTERM, in a random order;
# then a last run that is stopped as an operator would (SIGTERM).
signals=(KILL KILL TERM TERM)
for i in 3 2 1; do
    j=$((RANDOM % (i + 1)))
    t=${signals[$i]}; signals[$i]=${signals[$j]}; signals[$j]=$t
done
for sig in "${signals[@]}"; do
    serve_run $((1500 + RANDOM % 4500)) "$sig"
done
serve_run 12000 TERM

if [ "$network" = sip ]; then
    kill -TERM "$sipp_pid" 2>/dev/null
    wait "$sipp_pid" 2>/dev/null
fi
python3 "$(dirname "$0")/check.py" "$db" "$tmp/runs" "$network" "$max_attempts" 3 \
    "$tmp/sipp.msg" >"$tmp/check.out" 2>&1 || fail "after $run runs: $(cat "$tmp/check.out")"
cat "$tmp/check.out"
grep -q "left open when the server last stopped are closed as interrupted" "$tmp/serve.err" ||
    [ "$(grep -c KILL "$tmp/runs")" = 0 ] || fail "no open records were closed at a start: $(tail -20 "$tmp/serve.err")"
finish "campaign_restart ($network)"
