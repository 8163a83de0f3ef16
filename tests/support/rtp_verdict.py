#!/usr/bin/python3
"""Judges a call's media in a capture: rtp_verdict.py CAPTURE SIP_PORT.

SIP_PORT is the UDP port of a phone whose SIP goes in clear (the operator's
leg). Its INVITE and 200 OK, read from the capture, give each side's media
port and SDES keys (a=crypto). The legs' RTP is every UDP datagram that looks
like RTP (version 2, not RTCP), in streams (from address -> to address). A
stream from or to one of those media ports is on the phone's leg; it must be:

  * encrypted by the look of it: its payload bytes (an AES-CM ciphertext and
    tag) carry over 7.8 bits of entropy a byte, where G.711 speech, tones and
    silence stay well below;
  * SRTP under the key its sender gave in its SDP: libsrtp2 (python3-pylibsrtp,
    apart from the libre callbase uses) authenticates and decrypts every one
    of its packets.

The other streams (the trunk's plain RTP) are shown, and one of them at least
must be judged clear: the entropy measure does tell the two apart.

Prints a line an SDP and a stream; exits 0 when all holds, else 1 with a
PROBLEM line for each thing that does not. Run it with Debian's
/usr/bin/python3, which has pylibsrtp; needs tshark.
"""
import base64
import collections
import math
import re
import subprocess
import sys

capture, sip_port = sys.argv[1], int(sys.argv[2])
problems = []


def tshark(display_filter, *fields):
    out = subprocess.run(
        ["tshark", "-r", capture, "-Y", display_filter, "-T", "fields"] +
        [arg for field in fields for arg in ("-e", field)],
        capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def entropy(blob):
    counts = collections.Counter(blob)
    return -sum(c / len(blob) * math.log2(c / len(blob)) for c in counts.values())


# The phone leg's SDP, as sent: who sends from which media port with which key.
# A media port (c= address, m= port) -> (what, proto, [base64 key+salt]).
sdps = {}
for src, dst, payload in tshark(f"udp.port == {sip_port}", "udp.srcport", "udp.dstport", "udp.payload"):
    text = bytes.fromhex(payload.replace(":", "")).decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    first = head.split("\r\n", 1)[0]
    media = re.search(r"^m=audio (\d+) (\S+)", body, re.M)
    if not media:
        continue
    address = re.search(r"^c=IN IP4 (\S+)", body, re.M)
    keys = re.findall(r"^a=crypto:\d+ AES_CM_128_HMAC_SHA1_(?:80|32) inline:([A-Za-z0-9+/=]+)", body, re.M)
    sender = "the phone's" if int(src) == sip_port else "callbase's"
    if first.startswith("SIP/2.0"):  # "SIP/2.0 200 OK"
        what = f"{sender} answer ({first.split(' ')[1]})"
    else:  # "INVITE sip:… SIP/2.0"
        what = f"{sender} offer ({first.split(' ')[0]})"
    where = (address.group(1) if address else "?", media.group(1))
    sdps[where] = (what, media.group(2), keys)
    print(f"SDP, {what}: media at {where[0]}:{where[1]} {media.group(2)}, {len(keys)} SDES key(s)")
    if media.group(2) != "RTP/SAVP":
        problems.append(f"{what}: media {media.group(2)}, not RTP/SAVP")
    if not keys:
        problems.append(f"{what}: no a=crypto key")
if not sdps:
    sys.exit(f"PROBLEM: no SDP on UDP port {sip_port} in the capture")

# Every RTP datagram, by stream.
streams = collections.defaultdict(list)
for src, sport, dst, dport, payload in tshark(
        f"udp && !(udp.port == {sip_port})", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "udp.payload"):
    if not payload:
        continue
    data = bytes.fromhex(payload.replace(":", ""))
    if len(data) < 12 or data[0] >> 6 != 2 or 72 <= (data[1] & 0x7F) <= 79:  # not RTP, or RTCP
        continue
    streams[((src, sport), (dst, dport))].append(data)


def srtp_session(key):
    import pylibsrtp
    policy = pylibsrtp.Policy(key=base64.b64decode(key), ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND,
                              srtp_profile=pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80)
    return pylibsrtp.Session(policy=policy)


phone_streams = clear_others = 0
for (source, target), packets in sorted(streams.items()):
    audio = [p for p in packets if (p[1] & 0x7F) != 101]  # RFC 4733 events left out
    payload = b"".join(p[12 + 4 * (p[0] & 0x0F):] for p in audio)
    h = entropy(payload) if payload else 0.0
    line = f"{':'.join(source)} -> {':'.join(target)}: {len(packets)} packets, payload entropy {h:.2f} bits/byte"
    sender = sdps.get(source)
    if sender is None and target not in sdps:
        clear = len(audio) >= 20 and h <= 7.8
        clear_others += clear
        print(f"{line} -> {'clear RTP' if clear else 'not judged'} (not the phone's leg)")
        continue
    phone_streams += 1
    if len(audio) < 20:
        problems.append(f"{line}: too few packets to judge on the phone's leg")
        continue
    if h <= 7.8:
        problems.append(f"{line}: CLEAR RTP on the phone's leg")
        continue
    if sender is None:
        problems.append(f"{line}: looks encrypted, but its sender's port is in no SDP of the phone's leg")
        continue
    what, _, keys = sender
    if not keys:
        problems.append(f"{line}: looks encrypted, but {what} gave no key")
        continue
    session, opened = srtp_session(keys[0]), []
    for packet in packets:
        try:
            opened.append(session.unprotect(packet))
        except Exception as e:  # pylibsrtp.Error: authentication or replay
            problems.append(f"{line}: libsrtp2 cannot decrypt packet {len(opened) + 1} with the key "
                            f"from {what}: {e}")
            break
    else:
        clear_payload = b"".join(p[12 + 4 * (p[0] & 0x0F):] for p in opened if (p[1] & 0x7F) != 101)
        print(f"{line} -> SRTP: libsrtp2 decrypts all {len(packets)} with the key from {what} "
              f"(clear payload entropy {entropy(clear_payload):.2f})")
if not phone_streams:
    problems.append("no RTP on the phone's leg")
if not clear_others:
    problems.append("no stream off the phone's leg was judged clear RTP: the trunk's plain RTP should be")
for problem in problems:
    print(f"PROBLEM: {problem}")
sys.exit(1 if problems else 0)
