# Sourced by the tests that run SIPp against `callbase serve --telephony sip`
# (after cli_test.sh): free ports on 127.0.0.1, and processes killed at exit.

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
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
