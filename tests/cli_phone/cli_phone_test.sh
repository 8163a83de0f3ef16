#!/usr/bin/env bash
# `callbase phone clean` and `callbase numbering load` through the real binary:
# one JSON line per input from arguments or stdin; a newer numbering file is
# installed; a broken one is refused with file:line and nothing changes.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
data=$2

out=$("$cb" phone clean '8 (916) 123-45-67' 'нет')
[ "$(echo "$out" | wc -l)" = 2 ] || fail "two inputs, two lines: $out"
echo "$out" | head -1 | grep -q '"e164":"+79161234567".*"timezone":"Europe/Moscow","qc":1' ||
    fail "first line: $out"
echo "$out" | tail -1 | grep -q '"e164":null.*"qc":2' || fail "junk line: $out"
stdin_out=$(printf '+7(495)123-45-67 доб. 101\nтел.: 8 916 123 45 67, 8 495 765 43 21\n' | "$cb" phone clean)
echo "$stdin_out" | head -1 | grep -q '"extension":"101"' || fail "extension: $stdin_out"
echo "$stdin_out" | tail -1 | grep -q '"qc":3.*"all":\["+79161234567","+74957654321"\]' ||
    fail "several numbers: $stdin_out"

# Issue 17, item 14: text that is not UTF-8 is refused with exit 2, naming
# the line or the argument (it aborted the program).
printf '89161234567\n\xff\n89031112233\n' | "$cb" phone clean >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "a line that is not UTF-8: exit 2"
grep -q "line 2 of stdin is not UTF-8 text (byte 0xFF at position 1)" "$tmp/err" ||
    fail "stdin message: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" = 1 ] || fail "the line before was answered: $(cat "$tmp/out")"
"$cb" phone clean 89161234567 $'8916\xc3' >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "an argument that is not UTF-8: exit 2"
grep -q "argument 4 '8916.*' is not UTF-8 text (byte 0xC3 at position 5)" "$tmp/err" ||
    fail "argument message: $(cat "$tmp/err")"
"$cb" --json phone clean $'\xff' >/dev/null 2>"$tmp/err"
[ $? = 2 ] || fail "--json: exit 2"
python3 -c 'import json,sys; json.loads(open(sys.argv[1]).read())' "$tmp/err" ||
    fail "--json error is JSON: $(cat "$tmp/err")"

cp -r "$data" "$tmp/data"
head -n 1000 "$data/numbering/DEF-9xx.csv" >"$tmp/newer.csv"
"$cb" --data-dir "$tmp/data" numbering load "$tmp/newer.csv" >"$tmp/out" 2>&1 || fail "load: $(cat "$tmp/out")"
grep -q "999 ranges" "$tmp/out" || fail "load summary: $(cat "$tmp/out")"
cmp -s "$tmp/newer.csv" "$tmp/data/numbering/DEF-9xx.csv" || fail "newer file not installed"

printf 'АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n900;0000000;x;1;a;b;c;1\n' >"$tmp/broken.csv"
cp "$tmp/data/numbering/DEF-9xx.csv" "$tmp/installed.csv"
if "$cb" --data-dir "$tmp/data" numbering load "$tmp/broken.csv" >"$tmp/out" 2>&1; then
    fail "a broken file was accepted"
fi
grep -q "broken.csv:2:" "$tmp/out" || fail "broken file message: $(cat "$tmp/out")"
cmp -s "$tmp/installed.csv" "$tmp/data/numbering/DEF-9xx.csv" || fail "a broken file changed the plan"

finish cli_phone
