#!/usr/bin/env python3
"""Follows a callbase WebSocket feed as a browser would, with the session
cookie of a curl cookie jar, and writes each text message on a line of its
own, after the wall-clock time it arrived (seconds since 1970, to the
microsecond). Stops when a message contains STOP_TEXT, or after LIMIT
seconds.

    ws_follow.py URL COOKIE_JAR OUT_FILE STOP_TEXT LIMIT
"""
import base64
import os
import socket
import sys
import time
import urllib.parse


def cookie_header(jar):
    pairs = []
    for line in open(jar):
        if line.startswith("#HttpOnly_"):
            line = line[len("#HttpOnly_"):]
        elif line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 7:
            pairs.append(f"{fields[5]}={fields[6]}")
    return "; ".join(pairs)


def main():
    url, jar, out_path, stop, limit = sys.argv[1:6]
    u = urllib.parse.urlparse(url)
    sock = socket.create_connection((u.hostname, u.port), timeout=1)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
         f"Cookie: {cookie_header(jar)}\r\n\r\n").encode())
    data = b""
    deadline = time.time() + float(limit)

    def fill(n):
        nonlocal data
        while len(data) < n:
            if time.time() > deadline:
                raise TimeoutError
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise EOFError
            data += chunk

    while b"\r\n\r\n" not in data:
        fill(len(data) + 1)
    head, data = data.split(b"\r\n\r\n", 1)
    status = head.split(b"\r\n")[0].decode()
    if " 101 " not in status:
        sys.exit(f"ws_follow: the server refused the WebSocket: {status}")
    with open(out_path, "w") as out:
        try:
            while True:
                fill(2)
                opcode, length = data[0] & 0x0F, data[1] & 0x7F
                at = 2
                if length == 126:
                    fill(4)
                    length, at = int.from_bytes(data[2:4], "big"), 4
                elif length == 127:
                    fill(10)
                    length, at = int.from_bytes(data[2:10], "big"), 10
                fill(at + length)
                payload, data = data[at:at + length], data[at + length:]
                if opcode == 8:
                    break
                if opcode == 9:  # ping: a masked pong back
                    mask = os.urandom(4)
                    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                    sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)
                    continue
                if opcode == 1:
                    text = payload.decode()
                    out.write(f"{time.time():.6f} {text}\n")
                    out.flush()
                    if stop in text:
                        break
        except (TimeoutError, EOFError):
            pass


if __name__ == "__main__":
    main()
