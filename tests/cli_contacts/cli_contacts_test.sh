#!/usr/bin/env bash
# The contacts commands through the real binary on a temp SQLite base: init, add,
# find by another spelling of the phone, show, set-status, tag (and a refused
# invented tag), fields, dedup --apply, merge --undo, report health --json.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
has() { grep -q -- "$1" "$tmp/out" || fail "$2: '$1' not in output: $(cat "$tmp/out")"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

run 0 "init" -- init
run 0 "add first" -- contacts add --name "Иван Петров" --phone "8 (916) 123-45-67" --source site --json
id1=$(json 'd["id"]')
[ "$(json 'd["phones"][0]')" = "+79161234567" ] || fail "phone not cleaned: $(cat "$tmp/out")"
run 0 "add second" -- contacts add --name "Иван П." --phone "+7 916 1234567" --phone "8 903 555-11-22" --label основной --label рабочий --json
id2=$(json 'd["id"]')
run 2 "add junk phone refused" -- contacts add --name "x" --phone "позвоните"
grep -q "not a phone number" "$tmp/err" || fail "junk phone message: $(cat "$tmp/err")"

run 0 "find by another spelling" -- contacts find "phone=9161234567" --json
[ "$(json 'd["total"]')" = "2" ] || fail "find by phone: $(cat "$tmp/out")"
run 0 "find table" -- contacts find "name~иван" "source=site"
has "Иван Петров" "find table"
has "1 shown of 1 matching" "find table count"
run 2 "bad filter" -- contacts find "colour=red"
grep -q "colour=red" "$tmp/err" || fail "bad filter message: $(cat "$tmp/err")"

run 0 "set-status russian" -- contacts set-status "$id1" "В работе"
run 0 "set-status callback" -- contacts set-status "$id1" Перезвонить --callback-at "2026-03-01 15:00+03:00" --json
[ "$(json 'd["changed"]')" = "True" ] || fail "set-status json: $(cat "$tmp/out")"
run 2 "callback without time" -- contacts set-status "$id2" callback
run 0 "tag" -- contacts tag "$id1" Дорого VIP
run 3 "invented tag refused" -- contacts tag "$id1" Дорогo1
grep -q "Дорого" "$tmp/err" || fail "close match not suggested: $(cat "$tmp/err")"
run 0 "tags list" -- tags
has "Причина отказа" "tags list"
run 0 "fields add" -- fields add Сумма number
run 0 "set-field" -- contacts set-field "$id1" Сумма "1 500"
run 2 "set-field wrong type" -- contacts set-field "$id1" Сумма много
grep -q "Сумма" "$tmp/err" || fail "field error does not name the field: $(cat "$tmp/err")"

run 0 "show" -- contacts show "$id1" --json
[ "$(json 'd["status"]')" = "callback" ] || fail "show status: $(cat "$tmp/out")"
[ "$(json 'd["callback_at"]')" = "1772366400" ] || fail "callback time: $(cat "$tmp/out")"
[ "$(json 'len(d["tags"])')" = "2" ] || fail "show tags: $(cat "$tmp/out")"
[ "$(json 'd["fields"]["Сумма"]')" = "1500" ] || fail "show field: $(cat "$tmp/out")"
[ "$(json '",".join(h["action"] for h in d["history"])')" = "created,status,status,tag,tag,field" ] \
    || fail "history: $(cat "$tmp/out")"
run 0 "show table" -- contacts show "$id1"
has "History" "show table"

run 0 "dedup list" -- dedup --json
[ "$(json 'd["groups"][0]["contacts"]')" = "[$id1, $id2]" ] || fail "dedup groups: $(cat "$tmp/out")"
run 0 "dedup apply" -- dedup --apply --json
[ "$(json 'd["contacts_merged"]')" = "1" ] || fail "dedup apply: $(cat "$tmp/out")"
merge_id=$(json 'd["merges"][0]["merge_id"]')
run 0 "find after merge" -- contacts find --json
[ "$(json 'd["total"]')" = "1" ] || fail "merged contact still listed: $(cat "$tmp/out")"
run 0 "undo" -- merge --undo "$merge_id"
has "undone" "undo"
run 4 "undo twice" -- merge --undo "$merge_id"
grep -q "already undone" "$tmp/err" || fail "undo twice message: $(cat "$tmp/err")"
run 0 "find after undo" -- contacts find --json
[ "$(json 'd["total"]')" = "2" ] || fail "undo did not bring the contact back: $(cat "$tmp/out")"

run 0 "health json" -- report health --json
[ "$(json 'd["contacts"]')" = "2" ] || fail "health contacts: $(cat "$tmp/out")"
[ "$(json 'd["phones"]')" = "3" ] || fail "health phones: $(cat "$tmp/out")"
[ "$(json '[m for m in d["metrics"] if m["id"]=="duplicates"][0]["count"]')" = "2" ] \
    || fail "health duplicates: $(cat "$tmp/out")"
[ "$(json '[m for m in d["metrics"] if m["id"]=="contact_rate"][0]["status"]')" = "n/a" ] \
    || fail "health contact rate: $(cat "$tmp/out")"
run 0 "health ru" -- report health --lang ru
has "Объедините дубли" "health ru action"

finish cli_contacts
