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

# Issue 17, item 18: cells a spreadsheet would run as formulas are exported
# as text; LibreOffice, when installed, opens the file with no formula cell.
fdb="$tmp/formula.db"
"$cb" --db "$fdb" init >/dev/null || fail "init formula base"
printf 'ФИО;Телефон;Город;Комментарий\n=1+2;89161234567;-2+3;"@SUM(1;2)"\n"=HYPERLINK(""http://x"";""y"")";89031112233;Москва;+cmd\n' >"$tmp/formula.csv"
rc=$(run "$cb" --db "$fdb" import contacts "$tmp/formula.csv")
[ "$rc" = 0 ] || fail "formula import exit $rc: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$fdb" export contacts --out "$tmp/formula-out.csv")
[ "$rc" = 0 ] || fail "formula export exit $rc: $(cat "$tmp/err")"
grep -q "^'=1+2;+79161234567;'-2+3;" "$tmp/formula-out.csv" || fail "formula bytes: $(cat "$tmp/formula-out.csv")"
grep -q ";\"'@SUM(1;2)\";" "$tmp/formula-out.csv" || fail "@ cell: $(cat "$tmp/formula-out.csv")"
grep -q "^\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";+79031112233;Москва;.*;'+cmd;" "$tmp/formula-out.csv" ||
    fail "quoted formula cell: $(cat "$tmp/formula-out.csv")"
if command -v soffice >/dev/null; then
    (cd "$tmp" && HOME="$tmp" timeout 180 soffice --headless --infilter="CSV:59,34,76,1" \
        --convert-to ods --outdir "$tmp" "$tmp/formula-out.csv" >/dev/null 2>&1)
    if [ -f "$tmp/formula-out.ods" ]; then
        content=$(unzip -p "$tmp/formula-out.ods" content.xml)
        grep -q 'table:formula' <<<"$content" && fail "LibreOffice found a formula: $content"
        grep -q '&apos;=1+2' <<<"$content" || fail "LibreOffice shows the cell as text: $content"
        grep -q 'office:value="79161234567"' <<<"$content" ||
            fail "the phone stays a number: $content"
    else
        fail "soffice did not convert the export"
    fi
else
    echo "cli_import: soffice not installed, the written bytes were checked"
fi

# Issue 17, item 16: the import limits are options.
printf 'ФИО;Телефон;a;b\nАнна;89161234567;1;2\n' >"$tmp/wide.csv"
rc=$(run "$cb" --db "$fdb" import contacts "$tmp/wide.csv" --max-columns 3)
[ "$rc" = 2 ] || fail "a file over --max-columns: exit $rc"
grep -q "wide.csv:1: the header row has 4 columns, more than the 3 an import takes (the first one over is column 4 'b')" "$tmp/err" ||
    fail "--max-columns message: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$fdb" import contacts "$tmp/wide.csv" --max-new-fields 1)
[ "$rc" = 2 ] || fail "a file over --max-new-fields: exit $rc"
grep -q "column 4 'b' would be new custom field number 2" "$tmp/err" || fail "--max-new-fields: $(cat "$tmp/err")"
printf 'ФИО;Телефон;Комментарий\nАнна;89161234567;%s\n' "$(printf 'x%.0s' {1..40})" >"$tmp/cell.csv"
rc=$(run "$cb" --db "$fdb" import contacts "$tmp/cell.csv" --max-cell-bytes 30 --errors "$tmp/cell-errors.csv")
[ "$rc" = 0 ] || fail "a row over --max-cell-bytes is rejected, the import goes on: exit $rc"
grep -q "^2;Комментарий;x*…;row rejected: column 3 'Комментарий' holds 40 bytes, more than the 30" "$tmp/cell-errors.csv" ||
    fail "--max-cell-bytes: $(cat "$tmp/cell-errors.csv" "$tmp/err")"

finish cli_import
