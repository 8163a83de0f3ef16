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
# The caller hangs up (end of input) in the middle of a question.
walk=$(printf '' | "$cb" ivr try "$examples/short-survey.yaml")
grep -q "(the caller hung up)" <<<"$walk" || fail "hang-up: $walk"
finish cli_ivr
