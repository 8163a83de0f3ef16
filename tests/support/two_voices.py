#!/usr/bin/env python3
"""Checks a call's recording: two_voices.py WAV MIN_SECONDS. It must be 8 kHz
16-bit stereo, longer than MIN_SECONDS, with speech on both channels (left the
other party, right the operator: RMS over 0.01 of full scale). Exits non-zero
saying what is wrong."""
import math
import struct
import sys

path, min_seconds = sys.argv[1], float(sys.argv[2])
data = open(path, "rb").read()
channels, rate = struct.unpack("<HI", data[22:28])
n = (len(data) - 44) // 2
samples = struct.unpack(f"<{n}h", data[44:44 + n * 2])
left, right = samples[0::2], samples[1::2]


def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x))) / 32768


problems = []
if (channels, rate) != (2, 8000):
    problems.append(f"{channels} channel(s) at {rate} Hz, not stereo 8 kHz")
if len(left) / rate <= min_seconds:
    problems.append(f"{len(left) / rate:.1f} s long, not over {min_seconds} s")
if rms(left) <= 0.01:
    problems.append(f"the left channel (the other party) is silent: RMS {rms(left):.4f}")
if rms(right) <= 0.01:
    problems.append(f"the right channel (the operator) is silent: RMS {rms(right):.4f}")
if problems:
    sys.exit(f"{path}: " + "; ".join(problems))
