#!/usr/bin/env bash
# What a processed deletion request leaves behind (issue 17, items 6 and 7),
# through the real binary: a person's contact, stop-list entries with notes,
# a consent, searches by name and number and a deletion request are written;
# after `deletion process` no spelling of the number and no part of the name
# is left anywhere in the database's files (SQLite: the .db, -wal and -shm and
# the key file's folder, byte by byte; PostgreSQL: every table, read through
# SQL), on a plain base and an encrypted one; the dial gate still refuses the
# number, the audit chain still verifies, and the dpo still finds the
# records by the number and by the name. On an encrypted base the notes
# (and the contact's comment) are sealed even before the deletion, and the audit
# log never holds the name.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
export CALLBASE_SMS_LOG="$tmp/sms.log"  # outside the folders searched

name="Аграфена Пантелеймонова"
# Every spelling of the number and every part of the name, e-mail and notes.
secrets=("+79167654321" "79167654321" "89167654321" "9167654321" "916) 765-43-21" "765-43-21"
    "916 765 43 21" "Аграфена" "Пантелеймонова" "agrafena.p" "просила позже"
    "перезвонила сама" "письмо от" "ул. Лесная")

mon10=2026-11-23T10:00:00+03:00

# fill DB-URL: the person and everything that names them.
fill() {
    local db=$1 run=("$cb" --db "$1" --actor olga)
    "${run[@]}" --json contacts add --name "$name" --phone '8 (916) 765-43-21' \
        --email agrafena.p@example.ru --comment "ул. Лесная, 5" >/dev/null || fail "$db: contacts add"
    "${run[@]}" contacts add --name "Иван Другой" --phone '8 903 111-22-33' >/dev/null ||
        fail "$db: second contact"
    "${run[@]}" contacts find "name~Пантелеймонова" >/dev/null || fail "$db: find by name"
    "${run[@]}" contacts find phone=89167654321 >/dev/null || fail "$db: find by phone"
    "${run[@]}" dnc add 89167654321 --category not_now --note "Аграфена просила позже" >/dev/null ||
        fail "$db: dnc add"
    "${run[@]}" dnc remove '+7 916 765 43 21' --reason "Пантелеймонова перезвонила сама" >/dev/null ||
        fail "$db: dnc remove"
    "${run[@]}" consent add 89167654321 --purpose marketing --channel paper >/dev/null ||
        fail "$db: consent add"
    "${run[@]}" attempts record 89167654321 --outcome no_answer --at 2026-11-16T12:00:00+03:00 \
        >/dev/null || fail "$db: attempt"
}

# forget DB-URL: the request, the gate before and after, processing.
forget() {
    local db=$1 run=("$cb" --db "$1" --actor dpo)
    "${run[@]}" deletion request 89167654321 --channel letter --note "письмо от Пантелеймоновой" \
        >/dev/null || fail "$db: deletion request"
    "${run[@]}" --json can-call 89167654321 --purpose service --at "$mon10" |
        grep -q '"reason":"deletion_pending"' || fail "$db: pending request denies"
    "${run[@]}" deletion process | grep -q "processed 1 request" || fail "$db: deletion process"
}

# after DB-URL: what must still hold once the data is gone.
after() {
    local db=$1 run=("$cb" --db "$1" --actor dpo) out
    for spelling in 89167654321 '+7 (916) 765-43-21' '9167654321'; do
        out=$("${run[@]}" --json can-call "$spelling" --purpose service --at "$mon10")
        grep -q '"allowed":false' <<<"$out" || fail "$db: $spelling allowed after deletion: $out"
        grep -q '"detail":"do_not_disturb"' <<<"$out" || fail "$db: not DND after deletion: $out"
    done
    "${run[@]}" dnc check 89167654321 | grep -q do_not_disturb || fail "$db: dnc check after"
    out=$("${run[@]}" --json can-call 89031112233 --purpose service --at "$mon10")
    grep -q '"allowed":true' <<<"$out" || fail "$db: the other person is denied: $out"
    "${run[@]}" deletion status 1 | grep -q "number forgotten" ||
        fail "$db: status: $("${run[@]}" deletion status 1)"
    "${run[@]}" deletion notice 1 --lang ru | grep -q "номером, указанным в обращении" ||
        fail "$db: notice: $("${run[@]}" deletion notice 1 --lang ru)"
    "${run[@]}" audit verify | grep -q "chain intact" || fail "$db: audit verify after deletion"
    # The dpo still finds who did what, by the number and by the name.
    out=$("${run[@]}" --json audit list --number '8 916 765-43-21' --limit 1000)
    grep -q '"object":"dnc add"' <<<"$out" || fail "$db: audit list --number: $out"
    out=$("${run[@]}" --json audit list --text "$name")
    grep -q '"object":"contacts add"' <<<"$out" || fail "$db: audit list --text: $out"
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

for mode in plain encrypted; do
    dir="$tmp/$mode"
    mkdir -p "$dir"
    db="$dir/base.db"
    "$cb" --db "$db" init >/dev/null || fail "$mode: init"
    if [ $mode = encrypted ]; then
        "$cb" --db "$db" keys encrypt >/dev/null || fail "encrypt"
    fi
    fill "$db"
    "$cb" --db "$db" audit verify | grep -q "chain intact" || fail "$mode: audit verify before"
    # The audit log never holds the name, a note or a reason, on any base.
    sqlite3 "$db" "SELECT records || ' ' || detail FROM audit_log" >"$tmp/audit.txt"
    for s in Аграфена Пантелеймонова "просила позже" "перезвонила сама" "Лесная" agrafena \
        9167654321; do
        grep -qF -- "$s" "$tmp/audit.txt" && fail "$mode: the audit log holds '$s'"
    done
    grep -q "text:P-" "$tmp/audit.txt" || fail "$mode: no text pseudonym in the log"
    if [ $mode = encrypted ]; then
        # Sealed before any deletion: notes and reasons as well as names.
        sqlite3 "$db" .dump >"$tmp/dump.sql"
        for s in Аграфена Пантелеймонова "просила позже" "перезвонила сама" "ул. Лесная" \
            "agrafena.p@example.ru" "agrafena.p"; do
            grep -qF -- "$s" "$tmp/dump.sql" && fail "encrypted: '$s' readable before the deletion"
        done
    fi
    forget "$db"
    leftovers "$mode" "$dir"/*
    after "$db"
    # Still nothing after the checks above wrote their audit records.
    leftovers "$mode (after the checks)" "$dir"/*
done

# PostgreSQL: the same, every table read through SQL (pg_dump of the data).
for mode in plain encrypted; do
    export CALLBASE_KEY_FILE="$tmp/pg-$mode.key"
    pgdb="cli_deletion_${mode}_$$"
    pg_base "$pgdb" $mode || break
    fill "$pgurl"
    forget "$pgurl"
    pg_dump --data-only "$pgurl" >"$tmp/pg-$mode.sql" || fail "pg $mode: pg_dump"
    leftovers "pg $mode (every table)" "$tmp/pg-$mode.sql" "$CALLBASE_KEY_FILE"
    after "$pgurl"
    unset CALLBASE_KEY_FILE
    psql "$pg_server" -qc "DROP DATABASE $pgdb" >/dev/null
done

finish cli_deletion
