#!/usr/bin/env bash
# `callbase keys status|encrypt|rotate` through the real binary: a base with
# contacts, a stop-list entry and a consent is encrypted; the file then holds
# no number or name, yet find, show, dnc check, can-call and a further import
# work; without its key file, or with another, the base refuses with a clear
# message and exit code; a rotation leaves the old key file useless.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
run() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
db="$tmp/base.db"
key="$db.key"

"$cb" --db "$db" init >/dev/null || fail "init"
printf 'ФИО;Телефон;Комментарий\nИванов Иван;8 (916) 123-45-67;звонить после 18\nСидорова Мария;+7 903 111-22-33;\n' >"$tmp/a.csv"
"$cb" --db "$db" import contacts "$tmp/a.csv" >/dev/null || fail "import"
"$cb" --db "$db" dnc add 89031112233 >/dev/null || fail "dnc add"
"$cb" --db "$db" consent add 89161234567 --purpose marketing --channel paper >/dev/null ||
    fail "consent add"
"$cb" --db "$db" keys status | grep -q "encrypted: no" || fail "status before: $("$cb" --db "$db" keys status)"

rc=$(run "$cb" --db "$db" keys encrypt)
[ "$rc" = 0 ] || fail "encrypt exit $rc: $(cat "$tmp/err")"
grep -q "encrypted: .* values sealed, 4 name words indexed; data key 1, index key 1" "$tmp/out" ||
    fail "encrypt summary: $(cat "$tmp/out")"
[ "$(stat -c %a "$key")" = 600 ] || fail "key file mode $(stat -c %a "$key")"
"$cb" --db "$db" keys status | grep -q "opens:     yes" || fail "status after: $("$cb" --db "$db" keys status)"
"$cb" --db "$db" --json keys status | grep -q '"encrypted":true' || fail "status --json"

# No number, raw spelling or name is left in the database file.
sqlite3 "$db" .dump >"$tmp/dump.sql"
for plain in 9161234567 9031112233 "916) 123" Иванов Сидорова; do
    grep -q -- "$plain" "$tmp/dump.sql" && fail "'$plain' is still readable in the database"
done

# Everything reads back through the key file.
"$cb" --db "$db" contacts find phone=89161234567 | grep -q "Иванов Иван" ||
    fail "find by phone: $("$cb" --db "$db" contacts find phone=89161234567 2>&1)"
"$cb" --db "$db" contacts find name~сидорова | grep -q "+79031112233" ||
    fail "find by name: $("$cb" --db "$db" contacts find name~сидорова 2>&1)"
"$cb" --db "$db" --json contacts show 1 | grep -q "\"raw\":\"8 (916) 123-45-67\"" || fail "show raw spelling"
"$cb" --db "$db" dnc check 89031112233 | grep -q "do_not_disturb" ||
    fail "dnc check: $("$cb" --db "$db" dnc check 89031112233 2>&1)"
"$cb" --db "$db" dnc list | grep -q "+79031112233" || fail "dnc list"
"$cb" --db "$db" consent show 89161234567 | grep -q "marketing" || fail "consent show"
rc=$(run "$cb" --db "$db" can-call 89031112233 --purpose marketing)
grep -q "do_not_disturb\|не беспокоить" "$tmp/out" || fail "can-call reasons: $(cat "$tmp/out")"
printf 'ФИО;Телефон\nИванов Иван;89161234567\nПетров Пётр;89051234567\n' >"$tmp/b.csv"
"$cb" --db "$db" import contacts "$tmp/b.csv" | grep -q "inserted 1, merged 0, unchanged 1" ||
    fail "import into the encrypted base: $("$cb" --db "$db" import contacts "$tmp/b.csv" 2>&1)"
"$cb" --db "$db" export contacts --out "$tmp/out.csv" >/dev/null || fail "export"
grep -q "Петров Пётр.*+79051234567" "$tmp/out.csv" || fail "export holds plain values: $(cat "$tmp/out.csv")"

# Without the key file, or with another one: a clear refusal, nothing read.
mv "$key" "$key.saved"
rc=$(run "$cb" --db "$db" contacts find)
[ "$rc" != 0 ] || fail "find without the key file succeeded"
grep -q "is encrypted and its key file .* is missing" "$tmp/err" || fail "missing key message: $(cat "$tmp/err")"
CALLBASE_KEY_FILE="$tmp/other.key" "$cb" --db "$tmp/other.db" init >/dev/null
CALLBASE_KEY_FILE="$tmp/other.key" "$cb" --db "$tmp/other.db" keys encrypt >/dev/null || fail "other encrypt"
rc=$(run env CALLBASE_KEY_FILE="$tmp/other.key" "$cb" --db "$db" contacts find)
[ "$rc" != 0 ] || fail "find with another base's key file succeeded"
grep -q "is not the one this base is encrypted with" "$tmp/err" || fail "wrong key message: $(cat "$tmp/err")"
mv "$key.saved" "$key"

# Rotation: new keys, the old key file no longer opens the base.
cp "$key" "$tmp/old.key"
rc=$(run "$cb" --db "$db" keys rotate)
[ "$rc" = 0 ] || fail "rotate exit $rc: $(cat "$tmp/err")"
grep -q "rotated: .*data key 2, index key 2" "$tmp/out" || fail "rotate summary: $(cat "$tmp/out")"
"$cb" --db "$db" contacts find phone=89161234567 | grep -q "Иванов Иван" || fail "find after rotate"
rc=$(run env CALLBASE_KEY_FILE="$tmp/old.key" "$cb" --db "$db" contacts find)
[ "$rc" != 0 ] || fail "the old key file still opens the base"
rc=$(run "$cb" --db "$db" keys encrypt)
grep -q "encrypted already" "$tmp/err" || fail "encrypt twice: $(cat "$tmp/err")"

# A rotation that stopped after writing its keys: commands refuse and say how
# to finish it, and `keys rotate` (which logs in without the key file) does.
printf 'data 3 %s\nindex 3 %s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" >>"$key"
rc=$(run "$cb" --db "$db" contacts find)
[ "$rc" != 0 ] || fail "find with a half-rotated key file succeeded"
grep -q "rotation stopped half-way" "$tmp/err" || fail "half-way message: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" keys rotate)
[ "$rc" = 0 ] || fail "finishing the rotation: exit $rc: $(cat "$tmp/err")"
grep -q "data key 3, index key 3" "$tmp/out" || fail "finished rotation: $(cat "$tmp/out")"
"$cb" --db "$db" contacts find phone=89161234567 | grep -q "Иванов Иван" || fail "find after finishing"

# With users, the keys commands need an administrator like every other.
CALLBASE_NEW_PASSWORD="the admin passphrase" "$cb" --db "$db" user add root --role admin \
    >/dev/null || fail "add admin"
rc=$(run "$cb" --db "$db" keys status)
[ "$rc" != 0 ] || fail "keys status without logging in succeeded"
grep -q "say who you are" "$tmp/err" || fail "keys status login message: $(cat "$tmp/err")"
finish cli_keys
