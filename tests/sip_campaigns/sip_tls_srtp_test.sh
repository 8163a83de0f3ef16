#!/usr/bin/env bash
# An operator campaign whose trunk is SIP over TLS and whose operator's phone
# speaks SRTP, end to end on loopback. `callbase serve --telephony sip` dials
# the callee through SIPp playing the trunk behind a TLS front (socat with
# tests/sip/tls/server-combined.pem, trusted through the settings' tls_ca): it
# answers, talks with SIPp's G.711 capture and hangs up after 6 s. Once
# answered, the operator's phone rings: baresip on plain UDP SIP, answering by
# itself, with SRTP required (mediaenc=srtp-mand), saying a tone and recording
# what it hears; the settings have phones_srtp = true. tshark captures loopback
# meanwhile. Checked:
#   1. SIPp's verdict, the call record (answered, operator olga) and its
#      recording with both voices: the operator's came in SRTP and was
#      decrypted; baresip heard the callee through SRTP;
#   2. in the capture, every RTP packet between callbase and the phone is SRTP
#      (tests/support/rtp_verdict.py: ciphertext by its entropy, and libsrtp2
#      decrypts each with the key its sender gave in the SDP of the phone's
#      plain SIP), while the trunk's RTP is clear; on the TLS port there are TLS
#      records and no SIP in clear, which SIPp's own TCP port behind socat shows;
#   3. a second run whose TLS front shows a self-signed certificate (rogue-
#      combined.pem): serve logs the refusal, the call fails, SIPp gets nothing.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
for tool in sipp socat tshark baresip /usr/bin/python3; do
    command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/install-deps)"; finish sip_tls_srtp; }
done
/usr/bin/python3 -c 'import pylibsrtp' 2>/dev/null || { fail "no python3-pylibsrtp for /usr/bin/python3"; finish sip_tls_srtp; }
tls_dir="$root/tests/sip/tls"

# A free TCP port on 127.0.0.1.
tcp_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# rtp_range: a free stretch of 80 UDP ports, rtp_low…rtp_high (40) for
# callbase's RTP and phone_rtp_low…+39 right above for baresip's: tshark
# captures just those.
rtp_range() {
    read -r rtp_low rtp_high phone_rtp_low < <(python3 -c '
import socket, random
for _ in range(200):
    p = random.randrange(20000, 40000 - 80, 80)
    try:
        socks = []
        for q in range(p, p + 80):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", q)); socks.append(s)
        print(p, p + 39, p + 40); break
    except OSError:
        pass
')
}
# tls_callee_start NAME PEM AFTER_MS [SIPP ARGS...]: the trunk's far end,
# SIPp as NAME on TCP (its port in sipp_tcp_port) answering as callee_start's
# does, behind socat serving TLS with the certificate and key in PEM (its port
# in tls_port, its pid in socat_pid; its errors in $tmp/NAME.socat). socat
# stops by itself after 90 s; `stop -$socat_pid` stops it with its forks
# (they are the group of `timeout`), as the exit does.
tls_callee_start() {
    local name=$1 pem=$2 after=$3
    shift 3
    sipp_tcp_port=$(tcp_port)
    tls_port=$(tcp_port)
    local talk='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
    sed -e "s|@AFTER@|$after|" -e "s|@PAYLOADS@|8 101|" -e "s|@TALK@|$talk|" \
        "$root/tests/sip/answer-hangup-tls.xml" >"$tmp/$name.xml"
    sipp_start "$name" "$tmp/$name.xml" -t t1 -p "$sipp_tcp_port" -key tls_port "$tls_port" -m 1 "$@"
    timeout 90 socat -d "openssl-listen:$tls_port,bind=127.0.0.1,reuseaddr,fork,cert=$pem,verify=0" \
        "tcp:127.0.0.1:$sipp_tcp_port" 2>"$tmp/$name.socat" &
    socat_pid=$!
    pids+=("-$socat_pid")
    port_bound tcp "$tls_port" || fail "socat ($name) does not listen on $tls_port: $(cat "$tmp/$name.socat")"
    port_bound tcp "$sipp_tcp_port" || fail "SIPp ($name) does not listen on TCP $sipp_tcp_port"
}
# stop PID: stops a process this test started (-PID: its group) with SIGTERM
# and waits for it, without the shell's word on it.
stop() {
    kill -TERM -- "$1" 2>/dev/null
    wait "${1#-}" 2>/dev/null
}
# The operator's phone: baresip answering by itself on UDP port agent_port
# with SRTP required, saying a 440 Hz tone, recording what it hears in
# $tmp/phone/heard (sndfile's dump-*-dec.wav); its log in $tmp/phone.log.
phone_start() {
    agent_port=$(free_port)
    mkdir -p "$tmp/phone/heard"
    python3 - "$tmp/phone/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * 440 * i / 8000)))
                       for i in range(8000 * 40)))
PY
    cat >"$tmp/phone/config" <<CONF
poll_method		epoll
sip_listen		127.0.0.1:$agent_port
net_interface		127.0.0.1
call_local_timeout	60
audio_source		aufile,$tmp/phone/tone.wav
audio_player		alsa,null
audio_alert		alsa,null
rtp_ports		$phone_rtp_low-$((phone_rtp_low + 39))
rtcp_mux		no
rtp_stats		no
snd_path		$tmp/phone/heard
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			alsa.so
module			sndfile.so
module			srtp.so
module_tmp		account.so
module_app		menu.so
CONF
    echo "<sip:olga@127.0.0.1:$agent_port>;answermode=auto;mediaenc=srtp-mand;audio_codecs=pcma,pcmu;regint=0" \
        >"$tmp/phone/accounts"
    : >"$tmp/phone/contacts"
    timeout 70 baresip -f "$tmp/phone" -s -t 60 </dev/null >"$tmp/phone.log" 2>&1 &
    phone_pid=$!
    pids+=("$phone_pid")
    udp_bound "$agent_port"
}
# capture_start FILTER: tshark on lo with the capture filter FILTER into
# $tmp/call.pcapng (at most 60 s), until it captures. capture_end stops it
# once the file holds both BYEs (the trunk's and the phone's; at most 5 s):
# the last packets reach the file a moment after they were sent.
capture_start() {
    tshark -i lo -f "$1" -a duration:60 -w "$tmp/call.pcapng" >"$tmp/tshark.out" 2>"$tmp/tshark.err" &
    tshark_pid=$!
    pids+=("$tshark_pid")
    wait_for "$tmp/tshark.err" "Capturing on" "$tshark_pid" || fail "tshark does not capture: $(cat "$tmp/tshark.err")"
}
capture_end() {
    for _ in $(seq 10); do
        (($(tshark -r "$tmp/call.pcapng" -Y 'sip.Method == "BYE"' 2>/dev/null | wc -l) >= 2)) && break
        sleep 0.5
    done
    kill -INT "$tshark_pid" 2>/dev/null
    wait "$tshark_pid"
}
# tls_frames FILTER: how many frames on the trunk's TLS port (read as TLS)
# match the display filter FILTER in the capture.
tls_frames() {
    tshark -r "$tmp/call.pcapng" -d "tcp.port==$tls_port,tls" -Y "tcp.port == $tls_port && ($1)" 2>/dev/null | wc -l
}
# tcp_text PORT: the TCP payloads to or from PORT in the capture, as text.
tcp_text() {
    tshark -r "$tmp/call.pcapng" -Y "tcp.port == $1 && tcp.len > 0" -T fields -e tcp.payload 2>/dev/null |
        python3 -c 'import sys; [print(bytes.fromhex(l.strip().replace(":", "")).decode("latin-1")) for l in sys.stdin]'
}

base_setup
campaign_setup "Продление договора" status=new
base_users

rtp_range
tls_callee_start callee "$tls_dir/server-combined.pem" 6000 -timeout 60s
phone_start
capture_start "udp portrange $rtp_low-$((phone_rtp_low + 39)) or udp port $agent_port or tcp port $tls_port or tcp port $sipp_tcp_port"
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:0"
rtp_ports = [$rtp_low, $rtp_high]
phones_srtp = true
[trunk]
host = "127.0.0.1:$tls_port"
transport = "tls"
tls_ca = "$tls_dir/ca.pem"
[agents]
olga = "sip:olga@127.0.0.1:$agent_port"
[recordings]
dir = "recordings"
TOML
serve_sip
as_admin campaign start "$id" >/dev/null || fail "campaign start"

operator_ready "$id"

# 1. The call over TLS, answered and hung up by the callee; olga talked on it.
sipp_verdict callee
dispose_after_call "Продлевает на год"
capture_end
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end
stop "$phone_pid"
stop "-$socat_pid"

answered_recording "+7 916 000-00-30" olga
if python3 "$root/tests/support/two_voices.py" "$(cat "$tmp/recording")" 4; then
    echo "call: answered over TLS, operator olga; the recording has both voices: $(cat "$tmp/recording")"
else
    fail "the recording (the operator's voice came in SRTP)"
fi
# What the phone heard: the callee's voice, which callbase sent it in SRTP.
python3 - "$tmp/phone/heard" <<'PY' || fail "the phone's ear (baresip): $(grep -a -m5 -iE "call|srtp|error" "$tmp/phone.log")"
import glob, math, struct, sys, wave
heard = sorted(glob.glob(sys.argv[1] + "/*-dec.wav"))
assert heard, "baresip recorded nothing"
w = wave.open(heard[-1])
n = w.getnframes()
s = struct.unpack(f"<{n}h", w.readframes(n))
rms = math.sqrt(sum(x * x for x in s) / max(1, n)) / 32768
assert n / w.getframerate() > 3 and rms > 0.01, f"{n / w.getframerate():.1f} s heard, RMS {rms:.4f}"
print(f"phone (SRTP required): heard the callee, {n / w.getframerate():.1f} s, RMS {rms:.3f}")
PY

# 2. On the wire: SRTP to and from the phone, and the trunk's SIP in TLS.
if /usr/bin/python3 "$root/tests/support/rtp_verdict.py" "$tmp/call.pcapng" "$agent_port" >"$tmp/verdict" 2>&1; then
    cat "$tmp/verdict"
else
    fail "the phone's media is not all SRTP: $(cat "$tmp/verdict")"
fi
# The trunk's side: on the TLS port, TLS only (a handshake, then application
# data records) and no SIP in clear, by tshark's SIP dissector or in the bytes;
# behind the front, on SIPp's TCP port, the same SIP is in clear.
hellos=$(tls_frames "tls.handshake.type == 1")
records=$(tls_frames "tls.app_data")
not_tls=$(tls_frames "tcp.len > 0 && !tls")
((hellos >= 1 && records >= 5 && not_tls == 0)) ||
    fail "the trunk's TLS port $tls_port: $hellos ClientHello, $records application data, $not_tls segments not TLS"
sip_frames=$(tshark -r "$tmp/call.pcapng" -Y "tcp.port == $tls_port && sip" 2>/dev/null | wc -l)
tcp_text "$tls_port" >"$tmp/tls-text"
if ((sip_frames > 0)) || grep -q "SIP/2.0" "$tmp/tls-text"; then
    fail "SIP in clear on the trunk's TLS port $tls_port: $(grep -m3 "SIP/2.0" "$tmp/tls-text")"
fi
tcp_text "$sipp_tcp_port" >"$tmp/sipp-text"
grep -q "^INVITE sip:" "$tmp/sipp-text" ||
    fail "no INVITE in clear behind the TLS front (port $sipp_tcp_port): the capture would not show SIP"
echo "trunk: $hellos ClientHello and $records application data records on TLS port $tls_port," \
    "$sip_frames SIP messages; $(grep -c "SIP/2.0" "$tmp/sipp-text") lines with SIP/2.0 behind it on $sipp_tcp_port"

# 3. A provider whose certificate no CA of the settings signed: no call.
as_admin contacts add --name "Пётр Сидоров" --phone "+7 916 000-00-31" >/dev/null || fail "contact 2"
as_admin campaign create "Проверка сертификата" --pacing progressive --segment status=new \
    --schedule 00:00-24:00 --caller-id "+7 495 000-00-01" >"$tmp/out" 2>&1 || fail "create 2: $(cat "$tmp/out")"
id2=$(as_admin --json campaign list | python3 -c 'import json,sys; print(max(c["id"] for c in json.load(sys.stdin)))')
tls_callee_start rogue "$tls_dir/rogue-combined.pem" 1000 -timeout 20s -trace_msg -message_file "$tmp/rogue.msg"
sed -i "s|^host = .*|host = \"127.0.0.1:$tls_port\"|" "$tmp/sip.toml"
serve_sip
as_admin campaign start "$id2" >/dev/null || fail "campaign 2 start"
operator_ready "$id2"
for _ in $(seq 50); do
    as_admin --json why "+7 916 000-00-31" 2>&1 | grep -q '"outcome":"' && break
    sleep 0.2
done
as_admin campaign stop "$id2" >/dev/null || fail "campaign 2 stop"
serve_end
grep -q "TLS certificate refused for trunk main" "$tmp/serve.err" ||
    fail "no refusal of the rogue certificate in serve's log: $(tail -20 "$tmp/serve.err")"
as_admin --json why "+7 916 000-00-31" >"$tmp/why2.json" 2>&1 || fail "why 2"
python3 - "$tmp/why2.json" <<'PY' || fail "the call to the rogue provider: $(cat "$tmp/why2.json")"
import json, sys
calls = json.load(open(sys.argv[1]))["calls"]
assert calls, "no call recorded"
assert all(c["outcome"] != "answered" and not c.get("agent") for c in calls), calls
print("rogue provider: " + ", ".join(c["outcome"] for c in calls))
PY
grep -m1 "TLS certificate refused" "$tmp/serve.err"
stop "${sipp_pids[rogue]}"
stop "-$socat_pid"
grep -q "INVITE" "$tmp/rogue.msg" 2>/dev/null && fail "the INVITE reached SIPp through the rogue TLS front"
finish sip_tls_srtp
