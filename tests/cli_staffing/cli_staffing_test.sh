#!/usr/bin/env bash
# `callbase staffing` through the real binary: the table for people, --json
# checked against Erlang C computed here apart (Python, the textbook sum), a
# day's profile saved as LibreOffice saves it (';', BOM, CRLF, decimal commas,
# Russian headers) and as Russian Excel saves it (Windows-1251, ','), and bad
# rows named by file and line (exit 2, nothing planned).
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
cd "$tmp" || exit 1

# Erlang C summed directly: the least agents meeting the target for calls an
# interval, and the staff after shrinkage. Prints "agents staff".
cat >erlang.py <<'PY'
import math, sys
def erlang_c(a, n):
    if a <= 0: return 0.0
    if n <= a: return 1.0
    s, t = 0.0, 1.0
    for k in range(n):
        s += t
        t = t * a / (k + 1)
        if t > 1e250:  # A^k/k! outgrows a float at 900 erlangs: scale both
            s, t = s / 1e250, t / 1e250
    top = t * n / (n - a)
    return top / (s + top)
def service_level(a, n, aht, threshold):
    if a <= 0: return 1.0
    if n <= a: return 0.0
    return 1 - erlang_c(a, n) * math.exp(-(n - a) * threshold / aht)
def least(calls, interval, aht, target, threshold, max_occ=None):
    a = calls * aht / (interval * 60)
    n = 0 if a == 0 else math.floor(a)  # below a nobody is answered
    while not (service_level(a, n, aht, threshold) >= target and (a == 0 or n > a)
               and (max_occ is None or a == 0 or a / n <= max_occ)):
        n += 1
    return n
def staff(n, shrinkage):
    from fractions import Fraction
    return math.ceil(Fraction(n) / (1 - Fraction(str(shrinkage))))
if __name__ == "__main__":
    calls, interval, aht, target, threshold, shrinkage = map(float, sys.argv[1:7])
    n = least(calls, interval, aht, target, threshold)
    print(n, staff(n, sys.argv[6]))
PY

# One interval, for people.
"$cb" staffing --calls 300 --aht 180 --target 80/20 --shrinkage 0.3 >out 2>err ||
    fail "staffing: $(cat err)"
grep -q "^300 calls an hour, AHT 180 s: 15.00 erlangs$" out || fail "traffic line: $(cat out)"
grep -q "^19 agents on the phones, 28 staff to schedule$" out || fail "answer: $(cat out)"
grep -Eq "^19 +28 +84.3 % +11.0 s +24.4 % +78.9 % +meets every target  <- the answer$" out ||
    fail "the answer's row: $(cat out)"
grep -Eq "^18 +26 +74.1 % .* misses service level$" out || fail "one agent fewer: $(cat out)"
grep -Eq "^20 +29 +90.8 % .* meets$" out || fail "one agent more: $(cat out)"
[ "$(grep -cE '^[0-9]+ +[0-9]+ +[0-9.]+ %' out)" = 7 ] || fail "seven rows: $(cat out)"

# --json, against the sum computed here, over a few inputs.
for case in "300 60 180 0.8 20 0.3" "45 30 240 0.9 15 0.25" "1200 60 95 0.8 20 0" \
            "7 60 600 0.5 60 0.1" "16200 60 200 0.8 20 0.35"; do
    read -r calls interval aht target threshold shrinkage <<<"$case"
    "$cb" --json staffing --calls "$calls" --interval "$interval" --aht "$aht" \
        --target "$(python3 -c "print($target*100)")/$threshold" --shrinkage "$shrinkage" >json 2>err ||
        { fail "json $case: $(cat err)"; continue; }
    want=$(python3 erlang.py $case)
    python3 - "$want" json "$case" <<'PY' || fail "json $case: $(cat json)"
import json, sys
want = tuple(map(int, sys.argv[1].split()))
d = json.load(open(sys.argv[2]))
got = (d["answer"]["agents"], d["answer"]["scheduled"])
assert got == want, f"{sys.argv[3]}: binary {got}, textbook {want}"
assert d["answer"]["meets"] and d["answer"]["misses"] == []
rows = d["rows"]
agents = [r["agents"] for r in rows]
assert agents == list(range(max(0, want[0] - 3), want[0] + 4)), agents
fewer = [r for r in rows if r["agents"] == want[0] - 1]
assert not fewer or (not fewer[0]["meets"] and "target" in fewer[0]["misses"]), fewer
PY
done
# A comma for the decimal point, a percent sign, an occupancy cap that binds.
"$cb" --json staffing --calls "300,0" --aht 180 --target "80%/20s" --max-occupancy 75% >json 2>err ||
    fail "occupancy cap: $(cat err)"
python3 -c 'import json,sys; d=json.load(open("json")); a=d["answer"]
assert a["agents"] == 20 and a["occupancy"] == 0.75, a
assert d["rows"][2]["misses"] == ["occupancy"], d["rows"][2]' || fail "occupancy cap: $(cat json)"

# Bad arguments: exit 2, the field named, nothing printed on stdout.
run_bad() {  # run_bad GREP ARGS...
    local want=$1; shift
    "$cb" staffing "$@" >out 2>err; local rc=$?
    [ "$rc" = 2 ] || fail "$*: exit $rc, want 2; $(cat out err)"
    grep -qF -- "$want" err || fail "$*: want '$want' in: $(cat err)"
    [ ! -s out ] || fail "$*: printed $(cat out)"
}
run_bad "aht = 0: give the average handle time in seconds" --calls 300 --aht 0
run_bad "calls = -5: give the number of calls" --calls -5 --aht 180
run_bad "calls = много: give the number of calls" --calls много --aht 180
run_bad "--target 0.8/20: the target is a percent" --calls 300 --aht 180 --target 0.8/20
run_bad "target = 1: give the service-level target" --calls 300 --aht 180 --target 100/20
run_bad "--shrinkage 30: give a share, at most 1, or a percent" --calls 300 --aht 180 --shrinkage 30
run_bad "shrinkage = 1: give the share of paid time off the phones" --calls 300 --aht 180 --shrinkage 100%
run_bad "give --aht" --calls 300
run_bad "--calls and --profile cannot be given together" --calls 300 --profile x.csv

# A day's profile as LibreOffice saves it: BOM, ';', CRLF, decimal commas,
# Russian headers, an AHT left empty where the day's --aht stands.
printf '\xEF\xBB\xBFвремя;звонков;AHT\r\n09:00;120;180,5\r\n09:30;135,5;\r\n10:00;210;200\r\n10:30;190;\r\n;;\r\n' >day.csv
"$cb" staffing --profile day.csv --aht 190 --shrinkage 30% >out 2>err || fail "profile: $(cat err)"
grep -q "^day.csv (csv, utf-8 (BOM), ';'): 4 intervals of 30 minutes$" out || fail "profile head: $(cat out)"
grep -Eq "^10:00 +210 +200 s +23.33 +28 +40 " out || fail "profile 10:00: $(cat out)"
grep -q "^peak: 28 agents (40 staff) at 10:00$" out || fail "peak: $(cat out)"
"$cb" --json staffing --profile day.csv --aht 190 --shrinkage 0.3 >json 2>err || fail "profile json: $(cat err)"
python3 - <<'PY' || fail "profile json: $(cat json)"
import json, erlang
d = json.load(open("json"))
rows = [("09:00", 120, 180.5), ("09:30", 135.5, 190), ("10:00", 210, 200), ("10:30", 190, 190)]
assert [i["start"] for i in d["intervals"]] == [r[0] for r in rows], d["intervals"]
for got, (start, calls, aht) in zip(d["intervals"], rows):
    n = erlang.least(calls, 30, aht, 0.8, 20)
    assert got["calls"] == calls and got["aht_seconds"] == aht, got
    assert got["answer"]["agents"] == n and got["answer"]["scheduled"] == erlang.staff(n, "0.3"), (got, n)
assert d["interval_minutes"] == 30 and d["peak"] == {"start": "10:00", "agents": 28, "scheduled": 40}, d["peak"]
assert d["agent_hours"] == sum(i["answer"]["agents"] for i in d["intervals"]) / 2
PY

# The same day as Russian Excel saves it: Windows-1251, ',' with the decimal
# commas quoted, hourly rows, the AHT column named «СОР, с».
printf 'Интервал,Звонки,"СОР, с"\r\n08:00,"95,5",240\r\n09:00,300,180\r\n' | iconv -f utf-8 -t cp1251 >excel.csv
"$cb" --json staffing --profile excel.csv >json 2>err || fail "excel profile: $(cat err)"
python3 - <<'PY' || fail "excel profile: $(cat json)"
import json, erlang
d = json.load(open("json"))
assert d["format"] == "csv, cp1251, ','" and d["interval_minutes"] == 60, d
assert [i["answer"]["agents"] for i in d["intervals"]] == [erlang.least(95.5, 60, 240, 0.8, 20), 19], d
PY

# Bad rows: each named by file and line with what to fix; exit 2 and no plan.
printf '\xEF\xBB\xBFвремя;звонков;AHT\r\n09:00;120;180\r\n09:30;сто;180\r\n10:00;140;180,5\r\n9.30;100;180\r\n' >bad.csv
"$cb" staffing --profile bad.csv >out 2>err; rc=$?
[ "$rc" = 2 ] || fail "bad rows: exit $rc, want 2; $(cat out err)"
grep -qF "bad.csv: 2 bad rows" err || fail "bad rows count: $(cat err)"
grep -qF "bad.csv:3: the calls 'сто' are not a number: write 120 or 12,5" err || fail "line 3: $(cat err)"
grep -qF "bad.csv:5: '9.30' is not an interval's start: write it as 09:00" err || fail "line 5: $(cat err)"
[ ! -s out ] || fail "bad rows planned: $(cat out)"
# A row without an AHT and no --aht: named too.
printf 'время;звонков;AHT\n09:00;120;180\n10:00;90;\n' >noaht.csv
"$cb" staffing --profile noaht.csv >out 2>err; rc=$?
[ "$rc" = 2 ] || fail "no aht: exit $rc; $(cat out err)"
grep -qF "noaht.csv:3: no AHT in the row and no --aht" err || fail "no aht: $(cat err)"
"$cb" staffing --profile missing.csv >out 2>err; rc=$?
[ "$rc" = 3 ] || fail "a missing file: exit $rc, want 3; $(cat err)"

finish cli_staffing
