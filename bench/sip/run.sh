#!/usr/bin/env bash
# SIP load on loopback: bench_sip (SipTelephony as a robot campaign) against
# SIPp answering every call with bench/sip/uas.xml and echoing RTP back
# (-rtp_echo). Builds nothing. Two modes, one SIPp process per step:
#   rate:        1-second calls (from the answer) at rising attempt rates
#                (200, 300, ... 700 a second), 6 s of dialing each, until a
#                step fails: the highest rate whose failed share stays under
#                1 % and whose achieved rate is within 5 % of the target.
#   concurrency: N calls dialed at 100 a second and held 20 s each (RTP both
#                ways all along); N = 1000 first, then up (1200, 1400) while
#                under 1 % fail, or down (800, 500) until it is.
# Prints a line per step and a summary line per mode, with the CPU time of
# callbase (bench_sip: its SIP thread carries all SIP and RTP) and of SIPp as
# a share of one core over the step's wall time (callbase's also at the peak),
# and where datagrams were lost: the UDP receive-buffer drops of SIPp's
# sockets (nearly all on its RTP echo socket), and the rest of the machine's
# (ours: our SIP socket and the calls' RTP sockets, unless something else on
# the machine drops too). Every process stops by itself (timeouts); SIPp is
# stopped on exit. About 3 minutes.
# `srtp` runs both modes twice in one run, plain RTP then SRTP (bench_sip
# --srtp against uas-srtp.xml), and prints the SRTP figures as a share of the
# plain ones (the goal: at least 80 %); about 7 minutes. `smoke` runs a small
# step of each mode, plain and SRTP, and judges no goal.
# Usage: bench/sip/run.sh BUILD_DIR [smoke|srtp]
set -euo pipefail
build=${1:?usage: bench/sip/run.sh BUILD_DIR [smoke|srtp]}
smoke=${2:-}
compare=''
[[ $smoke == srtp ]] && { compare=1 smoke=''; }
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bench/sip/bench_sip"
[[ -x $bench ]] || { echo "no $bench: cmake --build $build --target bench_sip" >&2; exit 2; }
command -v sipp >/dev/null || { echo "sipp is not installed (Debian: sip-tester)" >&2; exit 2; }

# Every call holds an RTP socket on our side; SIPp's own sockets come on top.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
sipp_pid='' timeout_pid=''
stop_sipp() {
    if [[ -n $timeout_pid ]]; then
        kill -TERM "$timeout_pid" 2>/dev/null || true  # timeout hands TERM to SIPp
        wait "$timeout_pid" 2>/dev/null || true
    fi
    sipp_pid='' timeout_pid=''
}
trap 'stop_sipp; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# free_port FIRST -> the first even UDP port from FIRST with it and the one two
# above free on loopback (SIPp's echo binds the media port and the one two above)
free_port() {
    local p=$1
    while ss -Hlun "( sport = :$p or sport = :$((p + 2)) )" | grep -q .; do p=$((p + 4)); done
    echo "$p"
}
hz=$(getconf CLK_TCK)
cpu_of() {  # seconds of CPU a process has used so far
    awk -v hz="$hz" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
rcvbuf_errors() {  # datagrams the machine dropped for full receive buffers, so far
    awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $6 }' /proc/net/snmp
}
socket_drops() {  # drops of the UDP socket bound to 127.0.0.1:PORT
    awk -v port="$(printf '%04X' "$1")" 'NR > 1 && $2 == "0100007F:" port { d += $NF }
        END { print d + 0 }' /proc/net/udp
}

# step NAME SECONDS BENCH_ARGS... -> $tmp/NAME.json (bench_sip's figures plus
# SIPp's CPU and its own count of successful and failed calls). With $srtp set
# SIPp plays uas-srtp.xml and bench_sip dials with --srtp.
srtp=''
step() {
    local name=$1 limit=$2 scenario=uas.xml
    shift 2
    if [[ -n $srtp ]]; then
        scenario=uas-srtp.xml
        set -- "$@" --srtp
    fi
    # Away from tests/sip's ports and from bench_sip's RTP (20000-40000).
    sip_port=$(free_port 5190) media_port=$(free_port 17100)
    timeout -k 3 "$((limit + 10))" sipp -sf "$here/$scenario" -i 127.0.0.1 -p "$sip_port" \
        -mi 127.0.0.1 -mp "$media_port" -rtp_echo -max_socket 4096 -nostdin \
        -timeout "$((limit + 5))s" -trace_err -error_file "$tmp/$name.sipp-errors" \
        -trace_stat -stf "$tmp/$name.sipp.csv" -fd 1 >/dev/null 2>"$tmp/$name.sipp-stderr" &
    timeout_pid=$!
    for _ in $(seq 50); do
        sipp_pid=$(pgrep -P "$timeout_pid" || true)
        [[ -n $sipp_pid ]] && ss -Hlun "sport = :$sip_port" | grep -q . && break
        sleep 0.1
    done
    [[ -n $sipp_pid ]] || { cat "$tmp/$name.sipp-stderr" >&2; echo "SIPp did not start" >&2; exit 1; }
    local sipp_cpu0 status=0 drops0
    sipp_cpu0=$(cpu_of "$sipp_pid")
    drops0=$(rcvbuf_errors)
    timeout -k 3 "$limit" "$bench" --trunk "127.0.0.1:$sip_port" --json "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
    local sipp_cpu1 sipp_drops drops1
    sipp_cpu1=$(cpu_of "$sipp_pid")
    sleep 1.7  # SIPp keeps a call 0.5 s after its BYE and writes its statistics every second
    sipp_drops=$(($(socket_drops "$media_port") + $(socket_drops "$sip_port")))
    drops1=$(rcvbuf_errors)
    stop_sipp
    if ((status > 1)) || [[ ! -s $tmp/$name.out ]]; then
        cat "$tmp/$name.err" >&2
        echo "bench_sip failed ($status)" >&2
        exit 1
    fi
    python3 - "$tmp/$name.out" "$tmp/$name.sipp.csv" "$sipp_cpu0" "$sipp_cpu1" \
        "$sipp_drops" "$((drops1 - drops0))" >"$tmp/$name.json" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
r["sipp_drops"] = int(sys.argv[5])
r["other_drops"] = int(sys.argv[6]) - int(sys.argv[5])
r["sipp_cpu_s"] = float(sys.argv[4]) - float(sys.argv[3])
r["sipp_cpu_share"] = r["sipp_cpu_s"] / r["wall_s"]
try:
    rows = list(csv.DictReader(open(sys.argv[2]), delimiter=";"))
    r["sipp_successful"] = int(rows[-1]["SuccessfulCall(C)"])
    r["sipp_failed"] = int(rows[-1]["FailedCall(C)"])
    r["sipp_retransmissions"] = int(rows[-1]["Retransmissions(C)"])
except Exception:
    r["sipp_successful"] = r["sipp_failed"] = r["sipp_retransmissions"] = -1
json.dump(r, sys.stdout)
PY
    python3 - "$tmp/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
failed = ", ".join(f"{n} {k}" for k, n in r["failed_by"].items()) or "none"
peak_cpu = f"{r['cpu_share_at_peak']*100:.0f} %" if r["peak_windows"] else "n/a"
print(f"  {sys.argv[2]}: {r['attempts']} attempts at {r['attempts_per_s']:.1f}/s "
      f"(target {r['rate']:g}), failed {r['failed_share']*100:.2f} % ({failed}), "
      f"peak {r['peak_answered']} answered calls up, answer p99 {r['answer_ms_p99']:.0f} ms, "
      f"RTP per call/s sent {r['rtp_sent_per_call_s']:.1f} "
      f"received {r['rtp_received_per_call_s']:.1f} "
      f"({r['rtp_received_ratio']*100:.1f} %; dropped: by SIPp {r['sipp_drops']}, "
      f"elsewhere {r['other_drops']}), "
      f"CPU callbase {r['cpu_share']*100:.0f} % ({peak_cpu} at the peak) "
      f"SIPp {r['sipp_cpu_share']*100:.0f} % of a core, "
      f"SIPp: {r['sipp_successful']} ok {r['sipp_failed']} failed "
      f"{r['sipp_retransmissions']} retransmissions"
      + (f", SRTP calls {r['srtp_calls']}, failed authentication {r['srtp_dropped']}"
         if r.get("srtp") else ""))
PY
}

# ok NAME -> whether under 1 % of the step's calls failed, on our side and on
# SIPp's (a call SIPp aborted failed too, even if callbase saw it answered;
# without SIPp's statistics the step fails), and dialing kept pace
ok() {
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
sipp = r["sipp_failed"] / r["attempts"] if r["sipp_failed"] >= 0 else 1
failed = max(r["failed_share"], sipp)
sys.exit(0 if failed < 0.01 and r["attempts_per_s"] >= 0.95 * r["rate"] else 1)' \
        "$tmp/$1.json"
}

summary() {  # MODE NAME GOAL_TEXT GOAL_MET
    python3 - "$tmp/$2.json" "$1" "$3" "$4" "$smoke" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
mode, goal, met = sys.argv[2], sys.argv[3], sys.argv[4]
if sys.argv[5] == "smoke":  # too small to judge the goals by
    sys.exit(print(f"{mode}: smoke run, {r['attempts']} calls, "
                   f"{r['failed_share']*100:.2f} % failed; goals not judged"))
sipp_failed = r["sipp_failed"] / r["attempts"] * 100
if mode == "rate":
    head = (f"rate: {r['attempts_per_s']:.1f} attempts/s with {r['failed_share']*100:.2f} % "
            f"failed ({sipp_failed:.2f} % by SIPp's count), answer p99 {r['answer_ms_p99']:.0f} ms")
else:
    head = (f"concurrency: {r['peak_answered']} simultaneous calls held {r['hold']:g} s, "
            f"{r['failed_share']*100:.2f} % failed ({sipp_failed:.2f} % by SIPp's count), "
            f"answer p99 {r['answer_ms_p99']:.0f} ms, RTP both ways at the peak "
            f"{r['rtp_sent_per_call_s_at_peak']:.1f} out, "
            f"{r['rtp_received_per_call_s_at_peak']:.1f} in per call and second "
            f"(over the run {r['rtp_received_ratio']*100:.1f} % came back; "
            f"{r['sipp_drops']} datagrams dropped by SIPp, {r['other_drops']} elsewhere)")
print(f"{head}; CPU callbase {r['cpu_share']*100:.0f} % ({r['cpu_share_at_peak']*100:.0f} % "
      f"at the peak), SIPp {r['sipp_cpu_share']*100:.0f} % of a core; goal {goal}: {met}")
PY
}

if [[ $smoke == smoke ]]; then
    rates=(50) dial_seconds=2 ladder=(50) conc_hold=3 conc_rate=50
else
    rates=(200 300 400 500 600 700) dial_seconds=6 ladder=(1000) conc_hold=20 conc_rate=100
fi

# ladders TAG -> best_rate[TAG], best_n[TAG]: the rate ladder, then the
# concurrency ladder, each step named TAG-rate-N / TAG-calls-N.
declare -A best_rate best_n
ladders() {
    local tag=$1 rate n tried=0
    echo "${tag}: rate: 1-second calls, ${dial_seconds} s of dialing per step"
    best_rate[$tag]=''
    for rate in "${rates[@]}"; do
        step "$tag-rate-$rate" "$((dial_seconds + 20))" --rate "$rate" \
            --calls "$((rate * dial_seconds))" --hold 1
        if ok "$tag-rate-$rate"; then best_rate[$tag]=$rate; else break; fi
    done
    echo "${tag}: concurrency: calls dialed at $conc_rate/s, each held $conc_hold s"
    best_n[$tag]='' n=${ladder[0]}
    while ((tried < 3)); do
        tried=$((tried + 1))
        step "$tag-calls-$n" "$((n / conc_rate + conc_hold + 20))" --rate "$conc_rate" \
            --calls "$n" --hold "$conc_hold"
        if ok "$tag-calls-$n"; then
            best_n[$tag]=$n
            [[ $smoke == smoke ]] && break
            case $n in 1000) n=1200 ;; 1200) n=1400 ;; *) break ;; esac
        else
            [[ -n ${best_n[$tag]} || $smoke == smoke ]] && break
            case $n in 1000) n=800 ;; 800) n=500 ;; *) break ;; esac
        fi
    done
}

status=0
judge() {  # TAG: the summary lines of its best steps against the goals
    local tag=$1 met
    if [[ -n ${best_rate[$tag]} ]]; then
        met=$( ((best_rate[$tag] >= 200)) && echo met || echo "NOT met")
        summary rate "$tag-rate-${best_rate[$tag]}" "at least 200 attempts/s" "$met"
    else
        echo "rate: no step ran with under 1 % failed; goal at least 200 attempts/s: NOT met"
        status=1
    fi
    if [[ -n ${best_n[$tag]} ]]; then
        met=$( ((best_n[$tag] >= 1000)) && echo met || echo "NOT met")
        summary concurrency "$tag-calls-${best_n[$tag]}" "at least 1,000 calls" "$met"
    else
        echo "concurrency: no step ran with under 1 % failed; goal at least 1,000 calls: NOT met"
        status=1
    fi
}

ladders plain
if [[ -n $compare || $smoke == smoke ]]; then
    srtp=1
    ladders srtp
    srtp=''
fi
echo
[[ -n $compare || $smoke == smoke ]] && echo "plain RTP:"
judge plain
if [[ -n $compare || $smoke == smoke ]]; then
    echo "SRTP:"
    judge srtp
fi
if [[ -n $compare ]]; then
    # The SRTP figures as shares of the plain ones, and the CPU each took per
    # call-second at the largest concurrency step both passed.
    python3 - "$tmp" "${best_rate[plain]:-0}" "${best_rate[srtp]:-0}" "${best_n[plain]:-0}" \
        "${best_n[srtp]:-0}" <<'PY' || status=1
import json, os, sys
tmp, pr, sr, pn, sn = sys.argv[1], *map(int, sys.argv[2:])
rate = sr / pr if pr else 0
calls = sn / pn if pn else 0
line = (f"SRTP against plain RTP in this run: {sr} / {pr} attempts/s ({rate*100:.0f} %), "
        f"{sn} / {pn} simultaneous calls ({calls*100:.0f} %)")
both = min(pn, sn)
if both:
    p = json.load(open(os.path.join(tmp, f"plain-calls-{both}.json")))
    s = json.load(open(os.path.join(tmp, f"srtp-calls-{both}.json")))
    per = lambda r: r["cpu_s"] / r["answered_call_s"] * 1000 if r["answered_call_s"] else 0
    line += (f"; at {both} calls callbase took {per(s):.2f} ms of CPU per call-second with SRTP, "
             f"{per(p):.2f} without ({per(s)/per(p)*100 - 100:+.0f} %), "
             f"{s['srtp_dropped']} packets failed authentication")
met = rate >= 0.8 and calls >= 0.8
print(f"{line}; goal at least 80 % of both: {'met' if met else 'NOT met'}")
sys.exit(0 if met else 1)
PY
fi
exit $status
