#!/usr/bin/env bash
# The desk's hold, a supervisor listening in, and the attended transfer by way
# of a conference end to end over real SIP on loopback (issue 20;
# docs/routing.md, "Call controls"). `callbase serve --telephony sip` takes a
# call to the center's number +7 495 000-00-01, routed to queue «general»
# (olga and pavel). Two operators work an operator campaign in the browser
# (Chromium, desk_controls.mjs, in Russian): olga is ready, pavel paused. Each
# has a softphone (SIPp) that talks a tone of its own without a pause: olga
# 600 Hz, pavel 1 kHz; pavel's rings 2 s before it answers.
#   1. The caller (SIPp, from Иван Петров's 79160000030) reaches olga; on her
#      desk the call's controls appear once the voices meet. She holds the
#      caller («Удержание») for 3 s and takes them back («Снять с
#      удержания»).
#   1a. The supervisor anna (her softphone SIPp too, under [agents]) at the
#      wallboard in a third browser: asking to listen to pavel, paused, is
#      refused (409 monitor.not_on_call); on olga's row she clicks «Слушать»
#      (her phone rings and answers), olga's desk says the supervisor listens;
#      «Подсказывать», olga's desk says anna whispers; «Отключиться»: anna's
#      phone gets our BYE, the badge leaves olga's desk.
#   2. pavel goes ready; olga chooses him in «Перевести на…» and clicks
#      «Консультация»: the caller hears the music on hold, pavel's phone
#      rings from the same call («Звоним pavel; абонент на удержании») and
#      answers («Консультация с pavel; …»; his desk: «olga консультируется с
#      вами»). 1.5 s later «Конференция» (all three talk; «Конференция с
#      pavel», «Конференция с olga»), 2 s later «Оставить их вдвоём»: her
#      phone gets our BYE, she is in wrap-up with no disposition due; pavel's
#      desk has the call. The caller talks with him until they hang up; pavel
#      records the disposition; anna reads the call in the call log.
# Checked: the SIPp verdicts (olga's softphone ended by our BYE at «Оставить
# их вдвоём», anna's at «Отключиться», pavel's at the end; pavel's phone rang
# at «Консультация»), the call's record as `why` and the call log show it
# (answered, pavel's, olga's hold of about 3 s and the consultation's hold
# until the conference, one attended transfer olga → agent:pavel, one
# conference olga with pavel of about 2 s), the queue_log's ATTENDEDTRANSFER
# line, /metrics (callbase_sip_moved_total, callbase_sip_monitors_total),
# serve's log and the audit log of anna's listening in, and the one
# recording: on its right side (what the caller heard) olga's 600 Hz, the
# music on hold sample for sample at the hold and again at the consultation,
# both tones at once (the conference), and pavel's 1 kHz at the end.
source "$(dirname "$0")/../support/cli_test.sh"
source "$(dirname "$0")/../support/sip_test.sh"
base_setup
# An operator campaign with nobody left to dial: its operators take calls.
campaign_setup "Входящая линия" status=decided
base_users
CALLBASE_NEW_PASSWORD=pavel-pass-1234 as_admin user add pavel --role operator >/dev/null || fail "pavel"
# A supervisor (monitor_calls; the role needs no second factor).
CALLBASE_NEW_PASSWORD=anna-pass-1234 as_admin user add anna --role supervisor >/dev/null || fail "anna"
as_admin routing queue set general '{"members": ["olga", "pavel"], "max_wait": 60}' >/dev/null || fail "queue"
as_admin routing number set "+7 495 000-00-01" queue:general --label "Сайт" >/dev/null || fail "number"

# Each operator's phone talks a tone of its own, without a pause, as G.711
# A-law RTP (payload type 8, 20 ms a packet) in a capture SIPp plays (as
# WriteCapture in src/telephony/sip/sip_telephony_test.cc writes it): olga
# 600 Hz for 35 s, pavel 1 kHz for 35 s (each longer than their part of the
# call: olga's ends about 17 s after she answers, pavel's about 17 s after
# his phone answers; the caller talks 30 s).
python3 - "$tmp" <<'PY' || fail "the tones' captures"
import math, struct, sys

def alaw(sample):  # media::LinearToAlaw
    pcm = sample >> 3
    sign = 0x80 if pcm >= 0 else 0
    magnitude = min(pcm if pcm >= 0 else -pcm - 1, 0xFFF)
    if magnitude < 32:
        code = magnitude >> 1
    else:
        segment, v = 0, magnitude >> 4
        while v > 1 and segment < 7:
            v >>= 1
            segment += 1
        code = (segment << 4) | ((magnitude >> segment) & 0x0F)
    return (code | sign) ^ 0x55

def capture(path, hz, seconds):
    # 600 Hz and 1 kHz repeat within a 20 ms frame: every frame is the same.
    frame = bytes(alaw(int(8000 * math.sin(2 * math.pi * hz * i / 8000))) for i in range(160))
    n = int(8000 * seconds) // 160 * 160
    codes = frame * (n // 160)
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]  # Ethernet
    for i in range(n // 160):
        rtp, udp = 12 + 160, 8 + 12 + 160
        ip = 20 + udp
        out.append(struct.pack("<IIII", 1000 + i // 50, (i % 50) * 20000, 14 + ip, 14 + ip))
        out.append(bytes(12) + struct.pack(">H", 0x0800))
        out.append(struct.pack(">BBHHHBBHII", 0x45, 0, ip, i & 0xFFFF, 0, 64, 17, 0, 0x7F000001, 0x7F000001))
        out.append(struct.pack(">HHHH", 4000, 4000, udp, 0))
        out.append(struct.pack(">BBHII", 0x80, (0x80 if i == 0 else 0) | 8, i & 0xFFFF, (i * 160) & 0xFFFFFFFF, 0x1234))
        out.append(codes[i * 160:(i + 1) * 160])
    open(path, "wb").write(b"".join(out))

capture(f"{sys.argv[1]}/olga.pcap", 600, 35)
capture(f"{sys.argv[1]}/pavel.pcap", 1000, 35)
PY
# The softphones: SIPp rings (0.3 s; pavel's 2 s, for his desk and olga's to
# show the ringing), answers, talks its tone (anna: SIPp's own G.711 capture)
# and waits for our BYE.
# -trace_msg: SIPp's log of each message with the time it went or came.
phone_start() {  # phone_start NAME RING_MS [PCAP]: on a free port (in phone_port)
    phone_port=$(free_port)
    sed -e "s|@PAYLOADS@|8 101|" -e "s|@PCAP@|${3:-$tmp/$1.pcap}|" -e "s|@RING@|$2|" \
        "$root/tests/sip/answer-after-ring.xml" >"$tmp/$1-phone.xml"
    sipp_start "$1_phone" "$tmp/$1-phone.xml" -p "$phone_port" -m 1 -timeout 90s \
        -trace_msg -message_file "$tmp/$1-phone.msg"
}
phone_start olga 300
olga_port=$phone_port
phone_start pavel 2000
pavel_port=$phone_port
phone_start anna 300 /usr/share/sip-tester/g711a.pcap
anna_port=$phone_port

sip_port=$(free_port)
cat >"$tmp/sip.toml" <<TOML
listen = "127.0.0.1:$sip_port"
dids = ["+74950000001"]
[trunk]
host = "127.0.0.1:9"
number_format = "digits"
[agents]
olga = "sip:olga@127.0.0.1:$olga_port"
pavel = "sip:pavel@127.0.0.1:$pavel_port"
anna = "sip:anna@127.0.0.1:$anna_port"
[recordings]
dir = "recordings"
TOML
serve_sip
grep -q "taking calls to +74950000001" "$tmp/serve.err" || fail "serve does not say it takes the DID: $(cat "$tmp/serve.err")"
as_admin campaign start "$id" >/dev/null || fail "campaign start"
# olga and pavel work in the browser: sign in, join; olga goes ready. anna
# opens the wallboard.
browser_start desk_controls.mjs "the browsers" "$url" "$id" "$tmp/desk-ready"

# The caller: a call to the DID, answered, 30 s with the operators, then BYE
# (olga's steps to «Оставить их вдвоём» take about 17 s, pavel has the rest).
caller_scenario answered 74950000001 79160000030 @PCAP@ /usr/share/sip-tester/g711a.pcap \
    @TALK@ 30000 >"$tmp/caller.xml"
sipp_start caller "$tmp/caller.xml" -p "$(free_port)" -m 1 -timeout 60s "127.0.0.1:$sip_port"
# anna's phone ends with our BYE at «Отключиться», olga's at «Оставить их
# вдвоём», pavel's at the end.
sipp_verdict anna_phone olga_phone caller pavel_phone
for _ in $(seq 300); do kill -0 "$desk_pid" 2>/dev/null || break; sleep 0.1; done
wait "$desk_pid"; rc=$?
[ "$rc" = 0 ] || fail "the browsers: exit $rc: $(cat "$tmp/desk.err")"
# The desks' steps in order; pavel's phone got our INVITE at «Консультация»,
# olga's our BYE at «Оставить их вдвоём», pavel's after the caller's; anna's
# phone our INVITE at «Слушать» and BYE at «Отключиться».
python3 - "$tmp/desk.out" "$tmp/olga-phone.msg" "$tmp/pavel-phone.msg" "$tmp/anna-phone.msg" <<'PY' || fail "the desks: $(cat "$tmp/desk.out")"
import datetime, json, re, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
def received(path, method):
    for block in re.split(r"^-{20,} ", open(path).read(), flags=re.M):
        stamp, _, rest = block.partition("\n")
        if "message received" in rest and re.search(rf"^{method} sip:", rest, re.M):
            return datetime.datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
    raise AssertionError(f"{path}: no {method} received")
bye = lambda path: received(path, "BYE")
olga_bye, pavel_bye, anna_bye = bye(sys.argv[2]), bye(sys.argv[3]), bye(sys.argv[4])
pavel_invite, anna_invite = received(sys.argv[3], "INVITE"), received(sys.argv[4], "INVITE")
assert d["consult_click"] < pavel_invite < d["consult_click"] + 3, (pavel_invite, d)
assert d["complete_click"] < olga_bye < d["complete_click"] + 3, (olga_bye, d)
assert d["pavel_controls"] < pavel_bye <= d["pavel_wrap_up"] + 1, (pavel_bye, d)
assert d["listen_click"] < anna_invite < d["listen_click"] + 3, (anna_invite, d)
assert d["off_click"] < anna_bye < d["off_click"] + 3, (anna_bye, d)
# His phone rings 2 s: olga's desk said so before it answered.
assert d["ringing"] < pavel_invite + 1.5 < d["consult_answered"], (pavel_invite, d)
assert d["pavel_card"] == "Иван Петров", d
assert d["targets"] == ["Перевести на…", "pavel — готов", "Очередь general"], d["targets"]
assert d["refused"]["status"] == 409 and d["refused"]["problem"]["code"] == "monitor.not_on_call", d["refused"]
assert d["refused"]["problem"]["params"] == {"agent": "pavel"}, d["refused"]
assert (d["olga_controls"] < d["held"] < d["unheld"] < d["listen_click"] < d["listened"] < d["whisper_click"]
        < d["whispered"] < d["off_click"] < d["unmonitored"] < d["consult_click"] < d["ringing"]
        < d["consult_answered"] < d["pavel_consulted"] < d["conference_click"] < d["conference"]
        < d["pavel_conference"] < d["complete_click"] < d["olga_wrap_up"] < d["pavel_card_shown"]
        < d["pavel_controls"] < d["pavel_wrap_up"]), d
print(f"olga held the caller {d['unheld'] - d['held']:.1f} s; anna's phone rang "
      f"{anna_invite - d['listen_click']:.2f} s after «Слушать», olga's desk said so "
      f"{d['listened'] - d['listen_click']:.2f} s after; pavel's phone rang "
      f"{pavel_invite - d['consult_click']:.2f} s after «Консультация», olga's desk said he answered "
      f"{d['consult_answered'] - pavel_invite:.1f} s after it rang; the conference "
      f"{d['complete_click'] - d['conference_click']:.1f} s; pavel had the card "
      f"{d['pavel_card_shown'] - d['complete_click']:.1f} s and the controls "
      f"{d['pavel_controls'] - d['complete_click']:.1f} s after «Оставить их вдвоём»; "
      f"the caller hung up {d['pavel_wrap_up'] - d['pavel_controls']:.1f} s later")
PY
tail -n 1 "$tmp/desk.out" >"$tmp/desk.json"
for line in "consults operator pavel, the caller on hold" "a conference with operator pavel" \
    "put the caller through with operator pavel"; do
    grep -q "^agent olga: $line$" "$tmp/serve.err" ||
        fail "olga's '$line' is not logged: $(cat "$tmp/serve.err")"
done
grep -q "transferred the call" "$tmp/serve.err" && fail "a blind transfer is logged: $(cat "$tmp/serve.err")"
for line in "listens to" "whispers on" "stopped listening to"; do
    grep -q "^supervisor anna: $line operator olga's call$" "$tmp/serve.err" ||
        fail "anna's '$line' is not logged: $(cat "$tmp/serve.err")"
done
metrics=$(curl -s "$url/metrics")
grep -q "^callbase_sip_moved_total 1$" <<<"$metrics" || fail "moved: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_incoming_total 1$" <<<"$metrics" || fail "incoming: $(grep sip_ <<<"$metrics")"
grep -q "^callbase_sip_monitors_total 1$" <<<"$metrics" || fail "monitors: $(grep sip_ <<<"$metrics")"
as_admin campaign stop "$id" >/dev/null || fail "campaign stop"
serve_end

# The audit log: anna's requests, oldest first: the refusal about pavel, then
# listen, whisper and off on olga's call.
as_admin --json audit list --actor anna >"$tmp/audit.json" || fail "audit list"
python3 - "$tmp/audit.json" <<'PY' || fail "anna's audit records: $(cat "$tmp/audit.json")"
import json, sys
records = [r for r in json.load(open(sys.argv[1])) if r["object"] == "POST /api/v1/wallboard/monitor"]
details = [r["detail"] for r in reversed(records)]
assert details == ["listen on operator pavel's call; status 409",
                   "listen on operator olga's call; status 200",
                   "whisper on operator olga's call; status 200",
                   "off on operator olga's call; status 200"], details
PY

# The call's record (`why`, and the call log anna read): answered, pavel's at
# the end; olga's hold, the consultation's (the caller on hold from
# «Консультация» to «Конференция»), the conference until «Оставить их вдвоём»
# and the attended transfer then.
as_admin --json why "+7 916 000-00-30" >"$tmp/why.json" || fail "why"
python3 - "$tmp/why.json" "$tmp/desk.json" >"$tmp/recording" <<'PY' || fail "the call: $(cat "$tmp/why.json"; echo; cat "$tmp/desk.json")"
import json, sys
calls = json.load(open(sys.argv[1]))["calls"]
desk = json.load(open(sys.argv[2]))
assert len(calls) == 1, calls
c = calls[0]
assert c["direction"] == "in" and c["caller_id"] == "+74950000001" and c["network"] == "sip", c
assert c["outcome"] == "answered" and c["agent"] == "pavel" and c["disposition"] == "decided", c

def check(route, where):
    assert route["route"] == "queue:general", (where, route)
    (t,) = route.get("transfers", [])
    assert (t["from"], t["to"], t["mode"]) == ("olga", "agent:pavel", "attended"), (where, t)
    assert 10000 <= t["talked_ms"] <= 35000, (where, t)  # olga's, answer to «Оставить их вдвоём»
    (f,) = route.get("conferences", [])
    assert (f["agent"], f["with"]) == ("olga", "pavel") and f["ms"] >= 1000, (where, f)
    assert abs(f["at"] + f["ms"] - t["at"]) <= 50, (where, f, t)  # the conference lasted until she left
    hold, consult = route["holds"]
    assert hold["agent"] == "olga" and 2000 <= hold["ms"] <= 6000, (where, hold)
    assert consult["agent"] == "olga" and consult["ms"] >= 2500, (where, consult)
    assert hold["at"] + hold["ms"] < consult["at"], (where, route["holds"])
    assert abs(consult["at"] + consult["ms"] - f["at"]) <= 50, (where, consult, f)  # music until the conference
    # When the desks clicked (the same machine's clock), within a second.
    for ms, click in ((hold["at"], "hold_click"), (hold["at"] + hold["ms"], "unhold_click"),
                      (consult["at"], "consult_click"), (f["at"], "conference_click"),
                      (t["at"], "complete_click")):
        assert abs(ms / 1000 - desk[click]) < 1, (where, click, ms, desk[click])

check(c["route"], "why")
log = desk["call_log"]
assert log["total"] == 1 and log["outcome"] == "answered" and log["agent"] == "pavel", log
check(log["route"], "the call log")
assert log["route"] == c["route"], (log["route"], c["route"])
f = c["route"]["conferences"][0]
print(f"the conference {f['ms'] / 1000:.1f} s", file=sys.stderr)
print(c["recording"])
PY
# The queue_log: olga's attended transfer of the queued call to pavel.
as_admin routing queue-log >"$tmp/queue_log" || fail "queue-log"
python3 - "$tmp/queue_log" <<'PY' || fail "the queue_log: $(cat "$tmp/queue_log")"
import sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
assert not [r for r in rows if r[4] == "BLINDTRANSFER"], rows
moves = [r for r in rows if r[4] == "ATTENDEDTRANSFER"]
assert len(moves) == 1, moves
m = moves[0]
assert m[2] == "general" and m[3] == "Agent/olga" and m[5:7] == ["BRIDGE", "pavel"] and m[9:] == ["1"], m
assert 0 <= int(m[7]) <= 5, m  # the caller's wait in the queue
assert 10 <= int(m[8]) <= 35, m  # olga's talk until «Оставить их вдвоём»
calls = [r for r in rows if r[1] == m[1]]
events = [(r[3], r[4]) for r in calls]
assert events[:2] == [("NONE", "ENTERQUEUE"), ("Agent/olga", "CONNECT")], events
assert events.index(("Agent/olga", "ATTENDEDTRANSFER")) == 2, events
PY

# The recording, one file for the call: left the caller, right what they
# heard. On the right, in this order: olga's 600 Hz; the music on hold sample
# for sample (its first half second) at the hold; the music again from its
# start at «Консультация», sample for sample until the conference (the caller
# hears neither operator meanwhile); both tones at once (the conference); then
# pavel's 1 kHz and never olga's 600 Hz again (her leg is gone), to the end.
recording=$(cat "$tmp/recording")
[ -f "$recording" ] || fail "no recording at '$recording'"
python3 - "$recording" /usr/share/asterisk/moh/macroform-cold_day.wav <<'PY' || fail "the recording"
import array, math, sys, wave

def samples(path, frames=None):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getframerate() == 8000, (path, w.getparams())
        pcm = array.array("h", w.readframes(frames or w.getnframes()))
        return w.getnchannels(), pcm

channels, pcm = samples(sys.argv[1])
assert channels == 2, f"{channels} channel(s), not stereo"
left, right = pcm[0::2], pcm[1::2]
assert len(right) / 8000 > 25, f"{len(right) / 8000:.1f} s long"
music_channels, music = samples(sys.argv[2])
assert music_channels == 1

def power(block, hz):  # Goertzel, as media::TonePower
    coeff = 2 * math.cos(2 * math.pi * hz / 8000)
    s1 = s2 = 0.0
    for x in block:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2

def rms(block):
    return math.sqrt(sum(x * x for x in block) / len(block)) / 32768

def what(b):  # what a block carries: a tone (half its energy at least), both, or other (music)
    p6, p10 = power(b, 600), power(b, 1000)
    f6, f10 = (p / (len(b) / 2 * sum(x * x for x in b) or 1) for p in (p6, p10))
    return ("silence" if rms(b) < 0.002 else "600 Hz" if f6 > 0.5 and p6 > 100 * p10
            else "1 kHz" if f10 > 0.5 and p10 > 100 * p6 else "both" if min(f6, f10) > 0.2 else "other")

blocks = [what(right[i:i + 800]) for i in range(0, len(right) - 799, 800)]  # 0.1 s each

def heard():  # what the right side carries, 0.1 s at a time: "0.0-0.3 s silence, …"
    spans = []
    for i, w in enumerate(blocks):
        if spans and spans[-1][2] == w:
            spans[-1][1] = (i + 1) / 10
        else:
            spans.append([i / 10, (i + 1) / 10, w])
    return ", ".join(f"{a:.1f}-{b:.1f} s {w}" for a, b, w in spans)

# Where the music's first half second is, sample for sample.
first, whole = music[:4000].tobytes(), right.tobytes()
starts, at = [], whole.find(first)
while at >= 0:
    if at % 2 == 0:
        starts.append(at // 2)
    at = whole.find(first, at + 1)
assert len(starts) == 2, f"the music's start at {[s / 8000 for s in starts]} s, not twice (the hold, the consultation); the right side: {heard()}"
start, again = starts

assert rms(left) > 0.01, f"the caller's side is silent: {rms(left):.4f}"
assert start >= 1600, f"the music from {start / 8000:.2f} s: olga was not heard before"
before = right[start - 1600:start]
assert power(before, 600) > 100 * power(before, 1000), f"olga's 600 Hz before the hold (RMS {rms(before):.4f}); the right side: {heard()}"
assert again - start >= 3 * 8000, f"the music at {start / 8000:.2f} s and again at {again / 8000:.2f} s: not after the hold"
# The consultation's music, as long as it is the file's sample for sample.
n = 0
while again + n < len(right) and n < len(music) and right[again + n] == music[n]:
    n += 1
assert n >= 2 * 8000, f"the consultation's music is the file's for {n / 8000:.2f} s only (pavel's phone rang 2 s); the right side: {heard()}"
music_end = (again + n) / 8000
# The conference: both tones at once, right after that music.
both = [i for i, w in enumerate(blocks) if w == "both"]
assert len(both) >= 5, f"the two operators heard at once for {len(both) / 10:.1f} s only; the right side: {heard()}"
assert music_end - 0.1 <= both[0] / 10 <= music_end + 0.5, f"the consultation's music until {music_end:.2f} s, the conference from {both[0] / 10:.1f} s; the right side: {heard()}"
# After it: pavel alone, never olga again.
after = blocks[both[-1] + 3:]
assert after and "600 Hz" not in after and "both" not in after, f"olga heard after the conference; the right side: {heard()}"
last = right[-4000:]
assert rms(last) > 0.05, f"the end is nearly silent: RMS {rms(last):.4f}"
assert power(last, 1000) > 100 * power(last, 600), "pavel's 1 kHz at the end, not olga's"
assert power(last, 1000) > 100 * power(last, 1300), "pavel's 1 kHz at the end, not noise"
print(f"the music on hold from {start / 8000:.2f} s and from {again / 8000:.2f} s to {music_end:.2f} s; "
      f"both operators from {both[0] / 10:.1f} s to {(both[-1] + 1) / 10:.1f} s; of {len(right) / 8000:.1f} s")
print(f"the right side: {heard()}", file=sys.stderr)
PY

finish sip_desk_controls
