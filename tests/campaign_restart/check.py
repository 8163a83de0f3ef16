#!/usr/bin/env python3
"""What must hold after a campaign's server was killed and restarted
(campaign_restart_test.sh): reads the base, the runs' windows and, over SIP,
SIPp's message log; prints a summary, and each broken rule (exit 1).

Usage: check.py BASE RUNS NETWORK MAX_ATTEMPTS GATE_MAX SIPP_MESSAGES"""
import collections
import json
import re
import sqlite3
import sys

db, runs_file, network, max_attempts, gate_max, sipp_file = sys.argv[1:7]
max_attempts, gate_max = int(max_attempts), int(gate_max)
con = sqlite3.connect(db)
problems = []


def problem(text):
    if len(problems) < 40:
        problems.append(text)


settings = json.loads(con.execute("SELECT settings FROM campaigns WHERE id = 1").fetchone()[0])
retries = settings["retries"]
cols = [c[1] for c in con.execute("PRAGMA table_info(campaign_calls)")]
rows = con.execute(
    "SELECT id, contact_id, e164, attempt, started_at, answered_at, ended_at, outcome "
    "FROM campaign_calls WHERE campaign_id = 1 AND direction = 'out' ORDER BY started_at, id"
).fetchall()
calls = collections.defaultdict(list)
for r in rows:
    calls[r[1]].append(dict(zip(
        ["id", "contact", "e164", "attempt", "started", "answered", "ended", "outcome"], r)))
outcomes = collections.Counter(r[7] for r in rows)
print(f"{len(rows)} call records of {len(calls)} contacts; outcomes {dict(outcomes)}")

# No record is left open once the last server stopped.
open_rows = [r for r in rows if r[6] is None or r[7] is None]
if open_rows:
    problem(f"{len(open_rows)} records still open after the last stop, e.g. {open_rows[0]}")
if outcomes.get("interrupted", 0) == 0:
    problem("no call was interrupted: the kills never met a call in progress")


def delay(outcome):
    if outcome == "interrupted" and "interrupted" not in retries:
        outcome = "no_answer"
    d = retries.get(outcome)
    if outcome == "abandoned":
        d = max(d if d is not None else -1, 72 * 3600)
    return d


for contact, cs in calls.items():
    numbers = [c["attempt"] for c in cs]
    # None duplicated: each contact's attempts are 1, 2, 3 ... once each.
    if numbers != list(range(1, len(cs) + 1)):
        problem(f"contact {contact}: attempts numbered {numbers} (a restart began again or "
                "wrote twice)")
    if len(cs) > max_attempts:
        problem(f"contact {contact}: {len(cs)} dials, the campaign allows {max_attempts}")
    for a, b in zip(cs, cs[1:]):
        reached = a["outcome"] == "answered" or (
            a["outcome"] == "interrupted" and a["answered"] is not None)
        if reached:
            problem(f"contact {contact}: dialed again (attempt {b['attempt']}) after the call "
                    f"#{a['id']} that reached them ({a['outcome']})")
            continue
        d = delay(a["outcome"])
        if d is None or a["outcome"] == "invalid":
            problem(f"contact {contact}: dialed again after {a['outcome']}, which has no retry")
            continue
        if a["ended"] is not None and b["started"] < a["ended"] + d * 1000 - 50:
            problem(f"contact {contact}: attempt {b['attempt']} {b['started'] - a['ended']} ms "
                    f"after the {a['outcome']} call, its rule says {d} s")

# No record lost: each run's records are at least the dials it had counted
# when its live figures were read, just before the kill.
for line in open(runs_file):
    start, end, counted, sig = line.split()
    start, end, counted = int(start), int(end), int(counted)
    written = sum(1 for r in rows if start <= r[4] <= end)
    if counted < 0:
        problem(f"run ending SIG{sig}: the live figures could not be read")
    elif written < counted:
        problem(f"run ending SIG{sig}: {counted} dials counted live, {written} records kept")

if network == "sip":
    # Every INVITE SIPp received has its record; every record that is not
    # interrupted had its INVITE (an interrupted one may have died before it).
    invites = collections.defaultdict(set)
    text = open(sipp_file, errors="replace").read()
    for block in re.split(r"\n-{10,}[^\n]*\n", text):
        m = re.search(r"^INVITE sip:\+?(\d+)@", block, re.M)
        cid = re.search(r"^Call-ID:\s*(\S+)", block, re.M | re.I)
        if m and cid and re.search(r"message received", block[:120], re.I):
            invites["+" + m.group(1)].add(cid.group(1))
    by_number = collections.defaultdict(list)
    for r in rows:
        by_number[r[2]].append(r)
    print(f"SIPp received {sum(len(v) for v in invites.values())} INVITEs for {len(invites)} numbers")
    for number in set(invites) | set(by_number):
        got = len(invites.get(number, ()))
        kept = by_number.get(number, [])
        closed = [r for r in kept if r[7] != "interrupted"]
        if got > len(kept):
            problem(f"{number}: {got} INVITEs, {len(kept)} records: records lost")
        if len(closed) > got:
            problem(f"{number}: {len(closed)} completed records, {got} INVITEs: records duplicated")
    # The gate's attempts: one for every record, none still dialing, within its cap.
    attempts = collections.defaultdict(list)
    for e164, at, outcome in con.execute("SELECT e164, at, outcome FROM call_attempts"):
        attempts[e164].append((at, outcome))
        if outcome == "dialing":
            problem(f"{e164}: an attempt still 'dialing' after the last stop")
    for number in set(attempts) | set(by_number):
        if len(attempts.get(number, [])) != len(by_number.get(number, [])):
            problem(f"{number}: {len(by_number.get(number, []))} records but "
                    f"{len(attempts.get(number, []))} attempts for the gate")
        if len(by_number.get(number, [])) > gate_max:
            problem(f"{number}: {len(by_number[number])} dials in a week, the gate allows "
                    f"{gate_max}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("all rules held")
