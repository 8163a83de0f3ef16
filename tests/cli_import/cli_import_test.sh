#!/usr/bin/env bash
# `callbase import/export contacts` and `gen contacts` through the real binary:
# a messy Windows-1251 file, the error report, the summary line, the same file
# twice, and bad input (missing file, no phone column, unknown encoding, newer
# schema) refused with a clear message, a non-zero exit and the base unchanged.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
run() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
db="$tmp/base.db"
count() { sqlite3 "$db" "SELECT COUNT(*) FROM contacts"; }

"$cb" --db "$db" init >/dev/null || fail "init"

# A messy cp1251 file: ';', quoted newlines and delimiters, junk, a duplicate.
printf 'ФИО;Телефон;Комментарий\r\nИванов Иван;8 (916) 123-45-67;"звонить; после 18"\r\nПетров;нет;\r\nСидорова;+7 903 111-22-33;"две\r\nстроки"\r\nИванов;89161234567;\r\n' |
    iconv -f utf-8 -t cp1251 >"$tmp/win.csv"
rc=$(run "$cb" --db "$db" import contacts "$tmp/win.csv" --source crm --errors "$tmp/errors.csv")
[ "$rc" = 0 ] || fail "import exit $rc: $(cat "$tmp/err")"
grep -q "cp1251, delimiter ';'" "$tmp/out" || fail "encoding line: $(cat "$tmp/out")"
grep -q "read 4, inserted 2, merged 0, unchanged 1, rejected 1" "$tmp/out" || fail "summary: $(cat "$tmp/out")"
grep -q "^3;Телефон;нет;row rejected" "$tmp/errors.csv" || fail "errors file: $(cat "$tmp/errors.csv")"
[ "$(count)" = 2 ] || fail "contacts after import: $(count)"

rc=$(run "$cb" --db "$db" import contacts "$tmp/win.csv")
[ "$rc" = 0 ] || fail "second import exit $rc"
grep -q "already imported as import #1" "$tmp/out" || fail "second import: $(cat "$tmp/out")"

# Export in cp1251 opens back with Cyrillic intact.
rc=$(run "$cb" --db "$db" export contacts --out "$tmp/out.csv" --encoding cp1251)
[ "$rc" = 0 ] || fail "export exit $rc: $(cat "$tmp/err")"
iconv -f cp1251 -t utf-8 "$tmp/out.csv" | grep -q "Иванов Иван" || fail "export lost Cyrillic"
rc=$(run "$cb" --db "$db" export contacts --out "$tmp/new.csv" --filter status=new --json)
grep -q '"contacts":2' "$tmp/out" || fail "export --json: $(cat "$tmp/out")"

# Bad input: a clear message, non-zero exit, nothing changed.
before=$(count)
rc=$(run "$cb" --db "$db" import contacts "$tmp/missing.csv")
[ "$rc" = 3 ] || fail "missing file exit $rc"
grep -q "cannot read" "$tmp/err" || fail "missing file message: $(cat "$tmp/err")"
printf 'ФИО;Город\nИванов;Москва\n' >"$tmp/nophone.csv"
rc=$(run "$cb" --db "$db" import contacts "$tmp/nophone.csv")
[ "$rc" = 2 ] || fail "no phone column exit $rc"
grep -q "no phone column" "$tmp/err" && grep -q -- "--map" "$tmp/err" || fail "no phone message: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" import contacts "$tmp/win.csv" --encoding koi8-r)
[ "$rc" = 2 ] || fail "unknown encoding exit $rc"
grep -q "unknown encoding" "$tmp/err" || fail "encoding message: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" gen contacts --rows 10 --dup-rate 2)
[ "$rc" = 2 ] || fail "bad dup rate exit $rc"
[ "$(count)" = "$before" ] || fail "bad input changed the base"

# The errors file is UTF-8 with a BOM, so Excel shows the Cyrillic.
[ "$(head -c 3 "$tmp/errors.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] || fail "errors file has no BOM"

# A dry run checks everything and writes nothing; --json gives the summary.
printf 'Name,Phone,Status\nAnna,8 903 000 11 22,new\nBoris,8 903 000 11 23,asleep\n' >"$tmp/dry.csv"
rc=$(run "$cb" --db "$db" --json import contacts "$tmp/dry.csv" --dry-run)
[ "$rc" = 0 ] || fail "dry run exit $rc: $(cat "$tmp/err")"
grep -q '"dry_run":true' "$tmp/out" && grep -q '"inserted":2' "$tmp/out" && grep -q '"errors":1' "$tmp/out" ||
    fail "dry run json: $(cat "$tmp/out")"
[ "$(count)" = "$before" ] || fail "dry run changed the base"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM imports")" = 1 ] || fail "dry run left an imports row"

# A file mixing UTF-8 and cp1251 is refused with the line to look at.
{ printf 'ФИО;Телефон\nИванов Иван;89031112233\n'; printf 'Сидоров;89031112234\n' | iconv -f utf-8 -t cp1251; } >"$tmp/mixed.csv"
rc=$(run "$cb" --db "$db" import contacts "$tmp/mixed.csv")
[ "$rc" = 2 ] || fail "mixed encoding exit $rc"
grep -q "mixes UTF-8" "$tmp/err" && grep -q "line 3" "$tmp/err" || fail "mixed message: $(cat "$tmp/err")"
[ "$(count)" = "$before" ] || fail "mixed file changed the base"

sqlite3 "$db" "INSERT INTO schema_migrations VALUES (999, 'future', 0)"
printf 'ФИО;Телефон\nНовый;89031234567\n' >"$tmp/new.csv"
rc=$(run "$cb" --db "$db" import contacts "$tmp/new.csv")
[ "$rc" = 6 ] || fail "newer schema exit $rc"
[ "$(count)" = "$before" ] || fail "newer-schema import changed the base"

# gen: the same seed gives the same file.
"$cb" gen contacts --rows 2000 --seed 7 >"$tmp/a.csv" && "$cb" gen contacts --rows 2000 --seed 7 >"$tmp/b.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "gen is not deterministic"
[ "$(wc -l <"$tmp/a.csv")" -ge 2001 ] || fail "gen row count"

finish cli_import
