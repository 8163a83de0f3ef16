#!/usr/bin/env bash
# The CLI shows a person as the API would show them to the acting user
# (issue 17, item 5): every command an operator or an analyst may run that
# prints a number, a refusal that names one, or a contact, run as each; a
# full number in any spelling (or, for the analyst, a part of the name) in
# anything they print fails the test. A supervisor's output is the control:
# it must hold the number, or the greps below prove nothing.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
export CALLBASE_SMS_LOG="$tmp/sms.log"
"$cb" --db "$db" init >/dev/null || fail "init"
secret_of() {  # secret_of USER PASSWORD: enrols USER's second factor, prints the secret
    local s
    s=$(CALLBASE_PASSWORD="$2" "$cb" --db "$db" --json user totp "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
    CALLBASE_PASSWORD="$2" "$cb" --db "$db" user totp "$1" --confirm "$(totp "$s")" >/dev/null ||
        fail "TOTP of $1"
    echo "$s"
}
CALLBASE_NEW_PASSWORD="the admin passphrase" "$cb" --db "$db" user add root --role admin \
    >/dev/null || fail "add admin"
root_secret=$(secret_of root "the admin passphrase")
for who in sveta:supervisor oleg:operator ivan:analyst; do
    CALLBASE_PASSWORD="the admin passphrase" CALLBASE_TOTP=$(totp "$root_secret") \
        CALLBASE_NEW_PASSWORD="${who%%:*} passphrase" \
        "$cb" --db "$db" --user root user add "${who%%:*}" --role "${who##*:}" >/dev/null ||
        fail "add $who"
done
ivan_secret=$(secret_of ivan "ivan passphrase")
as() {  # as USER COMMAND...: runs callbase as USER, stdout and stderr together
    local who=$1
    shift
    local code=""
    [ "$who" = ivan ] && code=$(totp "$ivan_secret")
    CALLBASE_PASSWORD="$who passphrase" CALLBASE_TOTP="$code" \
        "$cb" --db "$db" --user "$who" "$@" 2>&1
}

# The person: a contact on the stop-list, with a consent and a deletion request.
as sveta contacts add --name "Иван Петров" --phone 89161234567 >/dev/null || fail "seed contact"
as sveta dnc add 89161234567 --note "просил не звонить" >/dev/null || fail "seed stop-list"
as sveta consent add 89161234567 --purpose service --channel call >/dev/null || fail "seed consent"

# Any spelling of the number: its ten digits with spaces, dashes or brackets.
full='9[ ()-]*1[ ()-]*6[ ()-]*1[ ()-]*2[ ()-]*3[ ()-]*4[ ()-]*5[ ()-]*6[ ()-]*7'

# The control: a supervisor sees the number in full.
as sveta dnc list | grep -Eq "$full" || fail "the supervisor's dnc list has the number"

out=$(as oleg dnc list)
grep -q "+7 (916) \*\*\*-\*\*-67" <<<"$out" || fail "the operator sees the number masked: $out"
out=$(as oleg consent confirm 89161234567 000000)
grep -q "no consent request for +7 (916) \*\*\*-\*\*-67" <<<"$out" ||
    fail "the refusal names it masked: $out"

# Each command as the operator, with and without --json. Some fail on purpose
# (a code never sent, a channel that does not exist): their refusal counts.
ran=0
check_operator() {  # check_operator ARGS...: runs it as the operator, text and JSON
    local out
    for json in "" --json; do
        out=$(as oleg $json "$@")
        ran=$((ran + 1))
        if grep -Eq "$full" <<<"$out"; then
            fail "operator: callbase $json $* shows the full number: $out"
        fi
    done
}
for command in "dnc list" "dnc check 89161234567" "dnc add 8(916)123-45-67 --note again" \
    "consent show 89161234567" "consent confirm 89161234567 000000" \
    "consent request 89161234567 --purpose marketing" \
    "consent revoke 89161234567 --purpose service --how call" \
    "can-call 89161234567" "inactive list --all" "contacts find" "contacts show 1" \
    "contacts add --name Второй --phone 89161234567" \
    "deletion request 89161234567 --channel pigeon" \
    "dnc remove 89161234567 --reason test"; do
    # shellcheck disable=SC2086
    check_operator $command
done

# The analyst: pseudonyms for the number and the name.
for command in "contacts find" "contacts show 1" "export list --all"; do
    for json in "" --json; do
        # shellcheck disable=SC2086
        out=$(as ivan $json $command)
        ran=$((ran + 1))
        if grep -Eq "$full|Иван|Петров|просил" <<<"$out"; then
            fail "analyst: callbase $json $command shows the person: $out"
        fi
    done
done
out=$(as ivan contacts find "name~Ив")
grep -q "filter 'name~" <<<"$out" || fail "the analyst may not search by name: $out"
[ "$ran" -ge 34 ] || fail "only $ran commands ran"

finish cli_masking
