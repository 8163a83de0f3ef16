#!/usr/bin/env bash
# Issue 18: search as people type it and length caps, through the real binary
# on a temp SQLite base. `contacts find` finds a name by its words in any order
# and case with ё as е, and a number by its last 4 to 7 digits; `contacts add`
# and `import contacts` refuse a name over 400 characters with the field, the
# cap and the length (the import keeps every other row).
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
names() { python3 -c "import json; d=json.load(open('$tmp/out')); print(','.join(sorted(c['name'] for c in d['contacts'])))"; }
long() { python3 -c "print('$1' * $2)"; }

run 0 "init" -- init
run 0 "add Ксения" -- contacts add --name "Ксения Борисова" --phone "8 916 000-12-34"
run 0 "add Алёна" -- contacts add --name "Алёна Фёдорова" --phone "8 903 765-12-34"
run 0 "add АЛЕНА" -- contacts add --name "АЛЕНА Смирнова" --phone "8 926 111-22-33"

for q in "name~борисова ксен" "name~КСЕНИЯ Борисова" "name=борисова ксения"; do
    run 0 "find $q" -- contacts find "$q" --json
    [ "$(names)" = "Ксения Борисова" ] || fail "$q: $(cat "$tmp/out")"
done
for q in "name~алена" "name~Алёна" "name~АЛЁНА"; do
    run 0 "find $q" -- contacts find "$q" --json
    [ "$(names)" = "АЛЕНА Смирнова,Алёна Фёдорова" ] || fail "$q: $(cat "$tmp/out")"
done
run 0 "find ё in the surname" -- contacts find "name~федорова" --json
[ "$(names)" = "Алёна Фёдорова" ] || fail "федорова: $(cat "$tmp/out")"

run 0 "last 4 digits" -- contacts find "phone~1234" --json
[ "$(names)" = "Алёна Фёдорова,Ксения Борисова" ] || fail "phone~1234: $(cat "$tmp/out")"
run 0 "last 7 digits" -- contacts find "phone~765-12-34" --json
[ "$(names)" = "Алёна Фёдорова" ] || fail "phone~765-12-34: $(cat "$tmp/out")"
run 0 "last digits in the table" -- contacts find "phone~2233"
grep -q "1 shown of 1 matching" "$tmp/out" || fail "phone~2233 table: $(cat "$tmp/out")"
run 2 "three digits refused" -- contacts find "phone~234"
grep -q "phone~ takes the last 4 to 7 digits" "$tmp/err" || fail "phone~234: $(cat "$tmp/err")"

# Length caps: the name is refused whole with the field, the cap and the length.
run 2 "a 401-character name" -- contacts add --name "$(long я 401)" --phone "8 916 000-00-01"
grep -q "name: 401 characters, at most 400 are accepted" "$tmp/err" || fail "long name: $(cat "$tmp/err")"
run 0 "a 400-character name" -- contacts add --name "$(long я 400)" --phone "8 916 000-00-02"

# On import the row is kept out with its line and column; the others go in.
{
    printf 'ФИО;Телефон;Комментарий\n'
    printf 'Анна Кузнецова;89160000010;\n'
    printf '%s;89160000011;\n' "$(long Ж 401)"
    printf 'Олег Попов;89160000012;%s\n' "$(long z 5001)"
    printf 'Пётр Соколов;89160000013;ок\n'
} >"$tmp/long.csv"
run 0 "import with long values" -- import contacts "$tmp/long.csv" --errors "$tmp/errors.csv"
grep -q "read 4, inserted 2, merged 0, unchanged 0, rejected 2" "$tmp/out" || fail "summary: $(cat "$tmp/out")"
grep -q "^3;ФИО;Ж*…;row rejected: name: 401 characters, at most 400 are accepted" "$tmp/errors.csv" ||
    fail "errors file, name: $(cat "$tmp/errors.csv")"
grep -q "^4;Комментарий;z*…;row rejected: comment: 5001 characters, at most 5000 are accepted" "$tmp/errors.csv" ||
    fail "errors file, comment: $(cat "$tmp/errors.csv")"
run 0 "the rows around them are in" -- contacts find "name~петр соколов" --json
[ "$(names)" = "Пётр Соколов" ] || fail "imported row: $(cat "$tmp/out")"

finish cli_search
