#!/usr/bin/env bash
# `callbase ivr check` and `callbase ivr try` through the real binary: the
# shipped scripts check clean, a broken one is refused pointing at its node
# (exit 2), and a walk with typed keys ends where the caller's keys lead.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
examples=$2

for f in "$examples"/*.yaml; do
    "$cb" ivr check "$f" >"$tmp/out" 2>&1 || fail "$f: $(cat "$tmp/out")"
    grep -q ": ok$" "$tmp/out" || fail "$f: $(cat "$tmp/out")"
done
json=$("$cb" --json ivr check "$examples/visit-confirmation.yaml")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["errors"] == 0 and d["nodes"] == 8, d' \
    "$json" || fail "json: $json"

printf 'name: t\nnodes:\n  a:\n    say: Здравствуйте\n    next: b\n' >"$tmp/bad.yaml"
"$cb" ivr check "$tmp/bad.yaml" >"$tmp/out" 2>&1
status=$?
[ "$status" = 2 ] || fail "a broken script exits 2, not $status: $(cat "$tmp/out")"
grep -q "bad.yaml:3: node 'a': error: the robot must introduce itself" "$tmp/out" ||
    fail "introduction: $(cat "$tmp/out")"
grep -q "next goes to 'b', which is not a node" "$tmp/out" || fail "target: $(cat "$tmp/out")"

printf 'nodes:\n  a:\n    say: x\n    nxt: b\n' >"$tmp/typo.yaml"
if "$cb" ivr check "$tmp/typo.yaml" >"$tmp/out" 2>&1; then fail "a typo was accepted"; fi
grep -q "typo.yaml:4: node 'a': unknown key 'nxt'" "$tmp/out" || fail "typo: $(cat "$tmp/out")"

# 2 (move the visit), then 1 (call me back): the robot repeats the choice and
# schedules the callback.
walk=$(printf '2\n1\n' | "$cb" ivr try "$examples/visit-confirmation.yaml")
grep -q "robot: .*говорит робот" <<<"$walk" || fail "introduction: $walk"
grep -q "Вы выбрали перенос" <<<"$walk" || fail "repeat back: $walk"
grep -q "\[schedule_callback: 2h\]" <<<"$walk" || fail "callback: $walk"
grep -q "(the call ends)" <<<"$walk" || fail "end: $walk"
# A menu for incoming calls: the source question kept, then an extension
# dialed (any digits in a walk without a base), said back and followed.
walk=$(printf '2\n101\n' | "$cb" ivr try "$examples/inbound-menu.yaml")
grep -q "menu: Здравствуйте! Вы позвонили" <<<"$walk" || fail "greeting: $walk"
grep -q "menu: Соединяю с номером 101." <<<"$walk" || fail "extension said back: $walk"
grep -q "\[extension: 101\]" <<<"$walk" || fail "extension: $walk"
# A robot's action in a menu, and a menu's in a robot's script: errors.
printf 'direction: inbound\nnodes:\n  a:\n    say: Добрый день. Соединяю.\n    actions: [connect_operator]\n' >"$tmp/menu.yaml"
"$cb" ivr check "$tmp/menu.yaml" >"$tmp/out" 2>&1
status=$?
[ "$status" = 2 ] || fail "a robot's action in a menu exits 2, not $status: $(cat "$tmp/out")"
grep -q "menu.yaml:5: node 'a': error: a menu for incoming calls cannot connect_operator" "$tmp/out" ||
    fail "menu action: $(cat "$tmp/out")"
printf 'nodes:\n  a:\n    say: Это робот. Соединяю.\n    actions: [{queue: sales}]\n' >"$tmp/robot.yaml"
if "$cb" ivr check "$tmp/robot.yaml" >"$tmp/out" 2>&1; then fail "a queue in a robot's script was accepted"; fi
grep -q "queue belongs to menus for incoming calls" "$tmp/out" || fail "robot action: $(cat "$tmp/out")"
# The caller hangs up (end of input) in the middle of a question.
walk=$(printf '' | "$cb" ivr try "$examples/short-survey.yaml")
grep -q "(the caller hung up)" <<<"$walk" || fail "hang-up: $walk"
# Every prompt synthesized to 8 kHz WAV, once: the second run is all cache.
"$cb" --json ivr render "$examples/webinar-reminder.yaml" --out "$tmp/prompts" >"$tmp/r1" ||
    fail "render: $(cat "$tmp/r1")"
"$cb" --json ivr render "$examples/webinar-reminder.yaml" --out "$tmp/prompts" >"$tmp/r2" ||
    fail "render again: $(cat "$tmp/r2")"
python3 - "$tmp/r1" "$tmp/r2" "$tmp/prompts" <<'PY' || fail "render: $(cat "$tmp/r1")"
import json, struct, sys
first, second = (json.load(open(p)) for p in sys.argv[1:3])
assert first["synthesized"] == 5 and second["synthesized"] == 0, (first, second)
for p in first["prompts"]:
    data = open(p["file"], "rb").read()
    assert data[:4] == b"RIFF" and struct.unpack("<I", data[24:28])[0] == 8000, p
    samples = struct.unpack(f"<{(len(data) - 44) // 2}h", data[44:44 + (len(data) - 44) // 2 * 2])
    assert p["seconds"] > 1.0 and max(abs(s) for s in samples) > 3000, p
PY
finish cli_ivr
