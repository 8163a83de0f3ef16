#!/usr/bin/env bash
# Free text that may name a person, imported into a base (issue 17, item 7):
# the e-mail, the comment and a stop-list note. On an encrypted base none of
# them is readable in the database's files even before any deletion, yet the
# e-mail is still found whole, whatever its case (its blind index), also when
# a second import fills it into a contact that had none; a part of a sealed
# e-mail is refused with a message rather than answered with nothing. On a
# plain base the e-mail is searched as before, whole and by part. After
# `deletion process` (which empties the WAL) no part of the person is left
# anywhere: SQLite's .db, -wal and -shm byte by byte, PostgreSQL's every table
# (pg_dump).
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
export CALLBASE_SMS_LOG="$tmp/sms.log"

mail="ivan.petrov.unique@example.ru"
# Every part of the person: the number's spellings, the name, the e-mail and
# pieces of it, the comment, the note.
secrets=("+79167654321" "9167654321" "765-43-21" "Петров-Уникальный" "Уникальный"
    "$mail" "ivan.petrov" "petrov.unique" "unique@example" "@example.ru"
    "ул. Сиреневой" "Сиреневой" "звонить вечером")
# What a plain base holds in clear before the deletion: proves the probe sees it.
clear=("$mail" "Сиреневой" "Петров-Уникальный")
# What an encrypted base must not hold in clear, even before the deletion.
sealed=("$mail" "ivan.petrov" "petrov.unique" "unique@example" "@example.ru" "Сиреневой"
    "звонить вечером" "Петров-Уникальный" "maria.other")

printf 'ФИО;Телефон;E-mail;Комментарий\n%s;%s;%s;%s\n%s;%s;;\n' \
    "Иван Петров-Уникальный" "8 (916) 765-43-21" "$mail" "живёт на ул. Сиреневой, 7" \
    "Мария Другая" "8 903 111-22-33" >"$tmp/first.csv"
# The same number of Мария again, now with an e-mail: merged into her contact.
printf 'ФИО;Телефон;E-mail\n%s;%s;%s\n' "Мария Другая" "+7 903 111 22 33" \
    "Maria.Other@Example.com" >"$tmp/second.csv"

# finds LABEL DB FILTER EXPECTED: `contacts find FILTER` lists EXPECTED (a
# name), or nothing when EXPECTED is empty.
finds() {
    local label=$1 db=$2 filter=$3 expected=$4 out
    out=$("$cb" --db "$db" --actor olga --json contacts find "$filter" 2>&1) ||
        { fail "$label: find $filter: $out"; return; }
    if [ -n "$expected" ]; then
        grep -qF -- "$expected" <<<"$out" || fail "$label: $filter does not find $expected: $out"
    else
        grep -q '"total":0' <<<"$out" || fail "$label: $filter finds something: $out"
    fi
}

# fill LABEL DB: the imports, the searches, the stop-list note.
fill() {
    local label=$1 db=$2 run=("$cb" --db "$2" --actor olga) out
    "${run[@]}" import contacts "$tmp/first.csv" --source crm >/dev/null || fail "$label: import"
    "${run[@]}" import contacts "$tmp/second.csv" --source crm >/dev/null ||
        fail "$label: second import"
    "${run[@]}" dnc add 89167654321 --category not_now --note "Иван просил звонить вечером" \
        >/dev/null || fail "$label: dnc add"
    # Whole, whatever the case, on both kinds of base; the merged-in e-mail too.
    finds "$label" "$db" "email=IVAN.Petrov.Unique@Example.RU" "Иван Петров-Уникальный"
    finds "$label" "$db" "email=$mail" "Иван Петров-Уникальный"
    finds "$label" "$db" "email=maria.other@example.com" "Мария Другая"
    finds "$label" "$db" "email=ivan.petrov.unique@example.r" ""
    out=$("${run[@]}" --json contacts show 1)
    grep -qF "\"email\":\"$mail\"" <<<"$out" || fail "$label: the card's e-mail: $out"
    grep -qF "Сиреневой" <<<"$out" || fail "$label: the card's comment: $out"
}

# leftovers LABEL FILE...: every secret found in the raw bytes of the files.
leftovers() {
    local label=$1
    shift
    for s in "${secrets[@]}"; do
        local hits
        hits=$(grep -rlaF -- "$s" "$@" 2>/dev/null | tr '\n' ' ')
        [ -z "$hits" ] || fail "$label: '$s' is still in $hits"
    done
}

# readable LABEL WANT FILE... : each of the words (array name WANT) is (yes)
# or is not (no) in the raw bytes of the files.
readable() {
    local label=$1 want=$2 list=$3
    shift 3
    local -n words=$list
    for s in "${words[@]}"; do
        if grep -qaF -- "$s" "$@" 2>/dev/null; then
            [ "$want" = yes ] || fail "$label: '$s' is readable before the deletion"
        else
            [ "$want" = no ] || fail "$label: '$s' is not in the files (the probe is blind)"
        fi
    done
}

forget() {
    local label=$1 db=$2 run=("$cb" --db "$2" --actor dpo)
    "${run[@]}" deletion request 89167654321 --channel email >/dev/null ||
        fail "$label: deletion request"
    "${run[@]}" deletion process | grep -q "processed 1 request" || fail "$label: deletion process"
    finds "$label after" "$db" "email=$mail" ""
    finds "$label after" "$db" "email=maria.other@example.com" "Мария Другая"
}

for mode in plain encrypted; do
    dir="$tmp/$mode"
    mkdir -p "$dir"
    db="$dir/base.db"
    "$cb" --db "$db" init >/dev/null || fail "$mode: init"
    if [ $mode = encrypted ]; then
        "$cb" --db "$db" keys encrypt >/dev/null || fail "$mode: encrypt"
    fi
    fill "$mode" "$db"
    if [ $mode = encrypted ]; then
        readable "$mode" no sealed "$dir"/*
        out=$("$cb" --db "$db" --actor olga contacts find "email~petrov" 2>&1) &&
            fail "encrypted: email~petrov answered: $out"
        grep -q "found only whole" <<<"$out" || fail "encrypted: email~petrov: $out"
        finds "$mode" "$db" "email~$mail" "Иван Петров-Уникальный"
    else
        readable "$mode" yes clear "$dir"/*
        finds "$mode" "$db" "email~petrov.UNIQUE" "Иван Петров-Уникальный"
        finds "$mode" "$db" "email~example.com" "Мария Другая"
    fi
    forget "$mode" "$db"
    leftovers "$mode" "$dir"/*
done

for mode in plain encrypted; do
    export CALLBASE_KEY_FILE="$tmp/pg-$mode.key"
    pgdb="cli_sealed_text_${mode}_$$"
    pg_base "$pgdb" $mode || break
    fill "pg $mode" "$pgurl"
    pg_dump --data-only "$pgurl" >"$tmp/pg-$mode-before.sql" || fail "pg $mode: pg_dump"
    if [ $mode = encrypted ]; then
        readable "pg $mode" no sealed "$tmp/pg-$mode-before.sql"
    else
        readable "pg $mode" yes clear "$tmp/pg-$mode-before.sql"
    fi
    forget "pg $mode" "$pgurl"
    pg_dump --data-only "$pgurl" >"$tmp/pg-$mode.sql" || fail "pg $mode: pg_dump after"
    leftovers "pg $mode (every table)" "$tmp/pg-$mode.sql" "$CALLBASE_KEY_FILE"
    unset CALLBASE_KEY_FILE
    psql "$pg_server" -qc "DROP DATABASE $pgdb" >/dev/null
done

finish cli_sealed_text
