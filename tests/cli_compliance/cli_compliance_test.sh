#!/usr/bin/env bash
# The compliance commands through the real binary, as a supervisor and the
# data-protection officer use them: the stop-list with reasons, consents with a
# double opt-in through the SMS log, can-call with every reason and the
# earliest time in the callee's zone, the inactivity rule, a deletion request
# from taking to processing, and the calling rules; bad input changes nothing.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
export CALLBASE_SMS_LOG="$tmp/sms.log"
run() { "$cb" --db "$db" --actor olga "$@"; }
"$cb" --db "$db" init >/dev/null || fail "init"

# 2026-11-23 is a Monday; 10:00 Moscow is 07:00 UTC.
mon10=2026-11-23T10:00:00+03:00
out=$(run can-call '8 916 123-45-67' --purpose service --at "$mon10")
grep -q "may be called" <<<"$out" || fail "service call allowed: $out"
out=$(run --json can-call '8 916 123-45-67' --purpose marketing --at "$mon10")
grep -q '"allowed":false' <<<"$out" || fail "marketing needs consent: $out"
grep -q '"reason":"no_consent"' <<<"$out" || fail "no_consent reason: $out"
grep -q '"earliest":null' <<<"$out" || fail "no consent never lapses: $out"
# Vladivostok (UTC+10): 10:00 Moscow is 17:00 there, 13:00 Moscow is 20:00: too late.
out=$(run --json can-call '+7 423 222-33-44' --purpose service --at 2026-11-23T13:00:00+03:00)
grep -q '"detail":"hours","reason":"outside_window"' <<<"$out" || fail "local window: $out"
grep -q '"earliest":1795474800' <<<"$out" || fail "earliest = Tuesday 09:00 Vladivostok: $out"

# Stop-list: not now for six months, removal needs a reason.
run dnc add 89161234567 --category not_now --channel operator --note "просил позже" >/dev/null ||
    fail "dnc add"
out=$(run --json can-call '+7 916 123 45 67' --purpose service --at "$mon10")
grep -q '"detail":"not_now"' <<<"$out" || fail "not_now reason: $out"
run dnc check 89161234567 | grep -q "not_now" || fail "dnc check"
if run dnc remove 89161234567 --reason "" >"$tmp/out" 2>&1; then fail "removal without a reason"; fi
grep -q "needs a reason" "$tmp/out" || fail "reason message: $(cat "$tmp/out")"
run dnc remove 89161234567 --reason "перезвонил сам" >/dev/null || fail "dnc remove"
run dnc list --all | grep -q "перезвонил сам" || fail "removal kept with its reason"
if run dnc add нет >"$tmp/out" 2>&1; then fail "junk phone accepted"; fi
grep -q "is not a phone number" "$tmp/out" || fail "junk phone message: $(cat "$tmp/out")"
printf 'Телефон\n8 903 111-22-33\nнет\n+7 903 111 22 33\n' >"$tmp/dnc.txt"
out=$(run dnc import "$tmp/dnc.txt" 2>&1)
grep -q "read 3, added 1, already listed 1, rejected 1" <<<"$out" || fail "dnc import: $out"
grep -q "dnc.txt:3: нет" <<<"$out" || fail "dnc import names the line: $out"

# Consent by double opt-in: the code goes to the SMS log.
run consent request 89161234567 --purpose marketing >/dev/null || fail "consent request"
code=$(tail -n 1 "$CALLBASE_SMS_LOG" | cut -f 3 | grep -o '[0-9]\{6\}' | head -n 1)
[ -n "$code" ] || fail "no code in the SMS log: $(cat "$CALLBASE_SMS_LOG")"
if run consent confirm 89161234567 000000 >"$tmp/out" 2>&1 && [ "$code" != 000000 ]; then
    fail "a wrong code was taken"
fi
run consent confirm 89161234567 "$code" >/dev/null || fail "consent confirm"
run consent show 89161234567 | grep -q "SMS code confirmed" || fail "consent show proof"
out=$(run --json can-call 89161234567 --purpose marketing --at "$(date -d '+1 hour' +%s)")
grep -q '"reason":"no_consent"' <<<"$out" && fail "consent not seen by the gate: $out"
run consent revoke 89161234567 --purpose marketing --how "отказ по телефону" >/dev/null ||
    fail "consent revoke"
out=$(run --json can-call 89161234567 --purpose marketing --at "$(date -d '+1 hour' +%s)")
grep -q '"reason":"consent_revoked"' <<<"$out" || fail "revoked: $out"
run consent purpose add survey --description "опросы" >/dev/null || fail "purpose add"
if run consent add 89161234567 --purpose lottery --channel paper >"$tmp/out" 2>&1; then
    fail "unknown purpose accepted"
fi
grep -q "known purposes: marketing, service, survey" "$tmp/out" || fail "purpose hint: $(cat "$tmp/out")"

# Three failed days make a number inactive; the review list has it.
for day in 2026-11-16 2026-11-17 2026-11-18; do
    run attempts record 89035556677 --outcome no_answer --at "${day}T12:00:00+03:00" >"$tmp/out" ||
        fail "attempt $day"
done
grep -q "now inactive" "$tmp/out" || fail "third failed day: $(cat "$tmp/out")"
run inactive list | grep -q "+79035556677" || fail "review list"
out=$(run --json can-call 89035556677 --purpose service --at "$mon10")
grep -q '"reason":"inactive"' <<<"$out" || fail "inactive reason: $out"
run inactive review 89035556677 --decision reactivate >/dev/null || fail "reactivate"

# A deletion request: denied at once; processing leaves the request and a DND entry.
id=$(run --json deletion request 89057778899 --channel letter --note "вх. 15" |
    grep -o '"id":[0-9]*' | cut -d: -f2)
[ -n "$id" ] || fail "deletion request id"
out=$(run --json can-call 89057778899 --purpose service --at "$mon10")
grep -q '"reason":"deletion_pending"' <<<"$out" || fail "deletion pending: $out"
run deletion process | grep -q "processed 1 request" || fail "deletion process"
run deletion status "$id" | grep -q "number's records deleted" || fail "deletion steps"
run deletion notice "$id" --lang ru | grep -q "152-ФЗ" || fail "notice"
# The report lists the request; once processed it holds the number's hash only.
run deletion report | grep -q "del:[0-9a-f]\{32\}.*letter.*processed" ||
    fail "report: $(run deletion report)"
run deletion report | grep -q "79057778899" && fail "the report still shows the forgotten number"
out=$(run --json can-call 89057778899 --purpose service --at "$mon10")
grep -q '"detail":"do_not_disturb"' <<<"$out" || fail "after deletion: $out"

# A registry that lists the number: denied for good, named.
printf 'Номер\n8 (985) 111-22-33\n' >"$tmp/rkn.txt"
run registry load rkn "$tmp/rkn.txt" >/dev/null || fail "registry load"
out=$(run --json can-call '+7 985 111 22 33' --purpose service --at "$mon10")
grep -q '"detail":"rkn","reason":"registry"' <<<"$out" || fail "registry reason: $out"
grep -q '"earliest":null' <<<"$out" || fail "a registry never lapses: $out"
out=$(run --json can-call '+7 985 111 22 34' --purpose service --at "$mon10")
grep -q '"allowed":true' <<<"$out" || fail "a number the registry lacks: $out"

# Calling rules: a holiday moves the earliest time; a bad change is refused.
run rules holiday add 2026-11-23 --name test >/dev/null || fail "holiday add"
out=$(run --json can-call 89169998877 --purpose service --at "$mon10")
grep -q '"detail":"holiday"' <<<"$out" || fail "holiday: $out"
if run rules set '{"window_start": "21:00"}' >"$tmp/out" 2>&1; then fail "window ends before start"; fi
run --json rules show | grep -q '"window_start":"09:00"' || fail "a refused change changed the rules"
run rules set '{"window_start": "10:00", "max_attempts": 2}' >/dev/null || fail "rules set"
run --json rules show | grep -q '"window_start":"10:00"' || fail "rules saved"

finish cli_compliance
