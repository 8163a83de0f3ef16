#!/usr/bin/env bash
# Issue 18, section 8, through the real binary: wrong invocations answered in
# the house's words with exit 2 (never CLI11's text or its codes above 100);
# can-call of an unknown purpose and dnc import of a binary file refused;
# help texts without requirement ids or build paths; contacts edit, campaign
# edit and user enable; rules set by flags; and dates as Russians type them,
# in the call center's zone.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
run() {  # run WANT_RC DESCRIPTION -- args...
    local want=$1 what=$2
    shift 3
    "$cb" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    last_rc=$rc
    [ "$rc" -eq "$want" ] ||
        fail "$what: exit $rc, want $want; stdout: $(cat "$tmp/out"); stderr: $(cat "$tmp/err")"
}
said() {  # said TEXT DESCRIPTION: TEXT is in stderr
    grep -qF -- "$1" "$tmp/err" || fail "$2: '$1' not in: $(cat "$tmp/err")"
}
out_has() { grep -qF -- "$1" "$tmp/out" || fail "$2: '$1' not in: $(cat "$tmp/out")"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); r=($1); print(r)"; }

run 0 "init" -- init
run 0 "add a contact" -- contacts add --name "Ксения Борисова" --phone "8 916 123-45-67" --json
id=$(json 'd["id"]')

# 1. Wrong invocations: what, where, what to do; exit 2; never CLI11's words.
# Each line: the arguments (tab-separated), then the words the message must hold.
while IFS='|' read -r args want; do
    IFS=$'\t' read -r -a argv <<<"$args"
    run 2 "${argv[*]}" -- "${argv[@]}"
    said "$want" "${argv[*]}"
    grep -q "what to do:" "$tmp/err" || fail "${argv[*]}: no hint: $(cat "$tmp/err")"
    for raw in "Could not convert" "is required" "not expected" "Run with --help" "excludes" \
        "Expected exactly"; do
        grep -qF "$raw" "$tmp/err" && fail "${argv[*]}: CLI11's own text '$raw': $(cat "$tmp/err")"
    done
    ((last_rc > 100)) && fail "${argv[*]}: exit $last_rc is above 100"
done <<EOF2
campaign	show	abc|callbase campaign show: the ID argument 'abc' is not a whole number
campaign	stats	12x|the ID argument '12x' is not a whole number
contacts	find	--limit	lots|--limit 'lots' is not a whole number
gen	contacts	--rows	many|callbase gen contacts: --rows 'many' is not a whole number
contacts	show|callbase contacts show: the ID argument is missing
can-call	89161234567|--purpose is missing
contacts	show	1	2|unexpected argument '2'
contacts	shw	1|'shw' is not one of its commands
contacts	find	--colour	red|there is no option --colour
contacts|callbase contacts needs a command: one of find
nosuch|'nosuch' is not one of its commands
campaign	edit	1	--sensitive	--not-sensitive|cannot be given together
import	contacts	x.csv	--max-columns	0|callbase import contacts: --max-columns '0' is out of range
contacts	find	--limit|--limit needs a value
campaign	create|the NAME argument is missing
report	health	--lang	de|--lang is not accepted
EOF2
# The hint names the command's own help.
run 2 "hint" -- campaign show abc
said "run \`callbase campaign show --help\`" "the hint names the command's help"
run 2 "json error" -- --json campaign show abc
python3 -c "import json,sys; d=json.load(open('$tmp/err')); assert 'not a whole number' in d['error'] and d['hint']" ||
    fail "--json error is not JSON: $(cat "$tmp/err")"
run 2 "a close command" -- contac show 1
said "did you mean \`callbase contacts\`" "close command suggested"
# --help and --version still succeed.
run 0 "--help" -- --help
out_has "Subcommands" "--help prints the commands"
run 0 "--version" -- --version
run 0 "sub --help" -- contacts edit --help
run 0 "singular alias" -- contact show "$id"

# 2. can-call of a purpose nobody defined: an error listing the known ones.
run 2 "unknown purpose" -- can-call 89161234567 --purpose nosuch
said "unknown purpose nosuch" "unknown purpose"
said "known purposes: marketing, service" "the known purposes listed"
grep -q "may NOT be called" "$tmp/out" && fail "an unknown purpose was judged: $(cat "$tmp/out")"
run 0 "a known purpose" -- can-call 89161234567 --purpose service --at 2026-11-23T10:00+03:00
out_has "may be called" "a known purpose"

# dnc import of a picture, an archive and a workbook: refused as import contacts refuses.
python3 - "$tmp" <<'PY'
import struct, sys, zipfile, zlib
d = sys.argv[1]
raw = b"\x00\xff\x00\x00" * 4
png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0)
png += struct.pack(">I", zlib.crc32(png[12:29])) + b"\x00\x00\x00\x00IEND\xaeB`\x82"
open(f"{d}/photo.png", "wb").write(png)
with zipfile.ZipFile(f"{d}/numbers.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("numbers.txt", "89161234567\n89031112233\n")
with zipfile.ZipFile(f"{d}/numbers.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row><c t="inlineStr"><is><t>89161234567</t></is></c></row></sheetData></worksheet>')
PY
for f in photo.png numbers.zip numbers.xlsx; do
    run 2 "import contacts $f" -- import contacts "$tmp/$f"
    cp "$tmp/err" "$tmp/err.contacts"
    run 2 "dnc import $f" -- dnc import "$tmp/$f"
    said "$tmp/$f" "dnc import names the file"
    said "not a text file" "dnc import $f says why"
    said "save it from the spreadsheet as CSV" "dnc import $f says what to do"
    # A picture: the same words as import contacts (the one check in
    # src/ingest). import contacts reads workbooks (.xlsx, .xls) and refuses
    # these two as broken ones; dnc import reads text only.
    if [ "$f" = photo.png ]; then
        grep -qF "$(grep -o 'holds a NUL byte.*' "$tmp/err" | head -1)" "$tmp/err.contacts" ||
            fail "dnc import $f is refused otherwise than import contacts: $(cat "$tmp/err") vs $(cat "$tmp/err.contacts")"
    fi
done
run 0 "dnc list after refusals" -- --json dnc list
[ "$(json 'len(d["items"]) if isinstance(d, dict) else len(d)')" = 0 ] ||
    fail "a refused file added numbers: $(cat "$tmp/out")"
printf '89161234567\n8 903 111-22-33\n' >"$tmp/numbers.txt"
run 0 "dnc import of a text file" -- dnc import "$tmp/numbers.txt"
out_has "added 2" "a text file is imported"

# Help texts: no requirement ids, no build paths, for every command.
helps=0
walk() {  # walk WORDS...: checks `callbase WORDS --help` and its subcommands'
    local text
    text=$("$cb" "$@" --help 2>&1) || fail "$* --help exits non-zero"
    helps=$((helps + 1))
    grep -qE 'R-[A-Z]+-[0-9]' <<<"$text" && fail "callbase $* --help names a requirement id: $(echo "$text" | grep -E 'R-[A-Z]+-[0-9]')"
    grep -qE '/work/|build/' <<<"$text" && fail "callbase $* --help names a build path: $(echo "$text" | grep -E '/work/|build/')"
    local sub
    for sub in $(echo "$text" | awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{sub(/,$/, "", $1); print $1} on && /^$/{on=0}'); do
        walk "$@" "$sub"
    done
}
walk
((helps > 60)) || fail "only $helps help pages walked"

# 3. contacts edit: name and phones, cleaned as the dial gate cleans them, audited.
run 0 "edit" -- --json contacts edit "$id" --name "Ксения Андреевна Борисова" \
    --add-phone "+7 (903) 555-11-22" --label mobile --add-phone "8-495-123-45-67" --remove-phone 89161234567
[ "$(json 'd["added"]')" = "['+79035551122', '+74951234567']" ] || fail "added: $(cat "$tmp/out")"
[ "$(json 'd["removed"]')" = "['+79161234567']" ] || fail "removed: $(cat "$tmp/out")"
run 0 "show after edit" -- --json contacts show "$id"
[ "$(json 'd["name"]')" = "Ксения Андреевна Борисова" ] || fail "name: $(cat "$tmp/out")"
[ "$(json '[(p["e164"], p["label"]) for p in d["phones"]]')" = "[('+79035551122', 'mobile'), ('+74951234567', 'основной')]" ] ||
    fail "phones after edit: $(cat "$tmp/out")"
[ "$(json '[e["action"] for e in d["history"] if e["action"] in ("rename","phone_add","phone_remove")]' | tr -d "[]' " | tr ',' '\n' | sort | tr '\n' ' ')" = "phone_add phone_add phone_remove rename " ] ||
    fail "history of the edit: $(cat "$tmp/out")"
run 0 "find by the new number" -- --json contacts find phone=89035551122
[ "$(json 'd["total"]')" = 1 ] || fail "the added number is not found: $(cat "$tmp/out")"
# A bad number anywhere changes nothing.
run 2 "a bad number" -- contacts edit "$id" --name "Другое имя" --add-phone "позвоните"
said "--add-phone 'позвоните' is not a phone number" "bad --add-phone"
run 0 "show" -- --json contacts show "$id"
[ "$(json 'd["name"]')" = "Ксения Андреевна Борисова" ] || fail "a refused edit renamed"
run 3 "remove a number it has not" -- contacts edit "$id" --remove-phone 89169998877
said "has no phone +79169998877" "remove unknown"
said "+79035551122" "its phones listed"
# A number to remove that the contact has not refuses the good number of the
# same edit too: it is looked up before anything changes.
run 3 "add one, remove one it has not" -- contacts edit "$id" --add-phone "8 926 111-22-33" \
    --remove-phone "+7 916 999-88-77"
said "has no phone +79169998877" "remove unknown beside an add"
run 0 "show" -- --json contacts show "$id"
[ "$(json '[p["e164"] for p in d["phones"]]')" = "['+79035551122', '+74951234567']" ] ||
    fail "a refused edit added a phone: $(cat "$tmp/out")"
# A contact keeps a name or a phone.
run 2 "no name, no phone" -- contacts edit "$id" --name "" --remove-phone 89035551122 \
    --remove-phone "+7 (495) 123-45-67"
said "neither a name nor a phone" "no name and no phone refused"
run 0 "show" -- --json contacts show "$id"
[ "$(json 'd["name"], len(d["phones"])')" = "('Ксения Андреевна Борисова', 2)" ] ||
    fail "a refused edit changed the contact: $(cat "$tmp/out")"
run 4 "add a number it has" -- contacts edit "$id" --add-phone 89035551122
said "already has the number +79035551122" "duplicate phone"
run 2 "nothing to change" -- contacts edit "$id"
said "nothing to change" "empty edit"
run 3 "no such contact" -- contacts edit 999 --name x
run 0 "audit" -- --json audit list --action change
python3 -c "
import json; d=json.load(open('$tmp/out'))
items = d['items'] if isinstance(d, dict) else d
edits = [i for i in items if i['object'] == 'contacts edit']
assert edits, 'no audit record of contacts edit'
r = edits[-1]['records'] if 'records' in edits[-1] else ''
assert 'Ксения' not in json.dumps(edits) and '79035551122' not in json.dumps(edits), edits
" || fail "contacts edit is not audited with pseudonyms: $(cat "$tmp/out")"

# campaign edit: a draft changes; a running one refuses with the reason and the way out.
run 0 "campaign create" -- --json campaign create "Весна" --caller-id 84951112233 --schedule 09:00-18:00
cid=$(json 'd["id"]')
run 0 "campaign edit" -- --json campaign edit "$cid" --name "Весна-2" --schedule 10:00-19:00 \
    --caller-id 84951112233 --caller-id "+7 812 222-33-44" --segment status=new --daily-cap 50
[ "$(json 'd["name"], d["schedule_start_minute"], d["schedule_end_minute"], d["daily_cap"], len(d["caller_ids"]), d["segment"]')" = "('Весна-2', 600, 1140, 50, 2, ['status=new'])" ] ||
    fail "campaign edit: $(cat "$tmp/out")"
run 0 "campaign show" -- --json campaign show "$cid"
[ "$(json 'd["name"], d["state"], d["purpose"]')" = "('Весна-2', 'draft', 'service')" ] ||
    fail "the edit did not keep the rest: $(cat "$tmp/out")"
run 2 "campaign edit bad schedule" -- campaign edit "$cid" --schedule 19:00-10:00
run 2 "campaign edit bad caller id" -- campaign edit "$cid" --caller-id 123
run 0 "campaign show" -- --json campaign show "$cid"
[ "$(json 'd["schedule_start_minute"]')" = 600 ] || fail "a refused edit changed the schedule"
run 0 "campaign start" -- campaign start "$cid"
run 4 "edit a running campaign" -- campaign edit "$cid" --schedule 08:00-20:00
said "is running: only a draft can be edited" "running refused"
said "clone it" "the way out"
# The way out on the command line: a clone is a draft with the settings, which edits.
run 0 "campaign clone" -- --json campaign clone "$cid"
clone=$(json 'd["id"]')
[ "$(json 'd["name"], d["state"], d["schedule_start_minute"], len(d["caller_ids"])')" = "('Весна-2 (копия)', 'draft', 600, 2)" ] ||
    fail "campaign clone: $(cat "$tmp/out")"
run 0 "edit the clone" -- --json campaign edit "$clone" --schedule 08:00-20:00
[ "$(json 'd["schedule_start_minute"]')" = 480 ] || fail "the clone did not edit: $(cat "$tmp/out")"
run 0 "campaign show" -- --json campaign show "$cid"
[ "$(json 'd["state"], d["schedule_start_minute"]')" = "('running', 600)" ] ||
    fail "editing the clone changed the running campaign: $(cat "$tmp/out")"
run 3 "clone a campaign that does not exist" -- campaign clone 99
run 3 "edit a campaign that does not exist" -- campaign edit 99 --name x

# user enable: an administrator re-enables a disabled user, who logs in again.
CALLBASE_NEW_PASSWORD="root passphrase" run 0 "first user" -- user add root --role admin
enrol root
CALLBASE_NEW_PASSWORD="anna passphrase" as root user add anna --role supervisor >/dev/null ||
    fail "add anna"
as root user disable anna >/dev/null || fail "disable anna"
CALLBASE_PASSWORD="anna passphrase" "$cb" --db "$db" --user anna contacts find >/dev/null 2>&1 &&
    fail "a disabled user logged in"
as root user enable nobody >"$tmp/out" 2>"$tmp/err"
[ $? -eq 3 ] || fail "enable of an unknown user: $(cat "$tmp/err")"
as root --json user enable anna >"$tmp/out" 2>"$tmp/err" || fail "user enable: $(cat "$tmp/err")"
[ "$(json 'd["name"], d["disabled"]')" = "('anna', False)" ] || fail "enable json: $(cat "$tmp/out")"
as root user enable anna >"$tmp/out" 2>"$tmp/err"
[ $? -eq 4 ] || fail "enabling an enabled user said nothing"
said "anna is not disabled" "enable twice"
CALLBASE_PASSWORD="anna passphrase" "$cb" --db "$db" --user anna report health >/dev/null 2>"$tmp/err" ||
    fail "anna cannot log in after enable: $(cat "$tmp/err")"
as anna user enable root >"$tmp/out" 2>"$tmp/err" && fail "an analyst enabled a user"
as root --json audit list --action admin >"$tmp/out" || fail "audit list"
grep -q '"object":"user enable"' "$tmp/out" || fail "user enable is not audited: $(cat "$tmp/out")"
as root user list | grep -E "^ *anna " | grep -qv disabled || fail "anna still disabled in the list"
# Back to single-user mode for the rest would need deleting users: go on as root.
r() { as root "$@"; }

# 4. rules set by flags, Russian days too; raw JSON still works.
r --json rules set --window 10:00-19:30 --weekdays пн-пт,сб --timezone МСК+4 --max-attempts 2 \
    --attempt-period-days 3 --min-gap-minutes 45 >"$tmp/out" 2>"$tmp/err" || fail "rules set flags: $(cat "$tmp/err")"
[ "$(json 'd["window_start"], d["window_end"], d["weekdays"], d["default_utc_offset_minutes"], d["max_attempts"], d["attempt_period_days"], d["min_gap_minutes"]')" = \
    "('10:00', '19:30', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], 420, 2, 3, 45)" ] ||
    fail "rules after flags: $(cat "$tmp/out")"
r --json rules set --weekdays "Mon, Wed ,fri" --timezone Asia/Vladivostok >"$tmp/out" 2>"$tmp/err" ||
    fail "rules set IANA: $(cat "$tmp/err")"
[ "$(json 'd["weekdays"], d["default_utc_offset_minutes"], d["window_start"]')" = "(['mon', 'wed', 'fri'], 600, '10:00')" ] ||
    fail "flags keep the other rules: $(cat "$tmp/out")"
r --json rules set --weekdays fri-mon >"$tmp/out" 2>&1 || fail "wrapping range"
[ "$(json 'd["weekdays"]')" = "['mon', 'fri', 'sat', 'sun']" ] || fail "fri-mon: $(cat "$tmp/out")"
r --json rules set '{"max_attempts": 4}' --window 09:00-20:00 >"$tmp/out" 2>&1 || fail "json and flags"
[ "$(json 'd["max_attempts"], d["window_start"]')" = "(4, '09:00')" ] || fail "json+flags: $(cat "$tmp/out")"
for bad in "--window 9-20|--window '9-20' is not HH:MM-HH:MM" "--window 20:00-09:00|ends before it starts" \
    "--weekdays пн-xx|'пн-xx' is not a range of days" "--weekdays funday|'funday' is not a day" \
    "--timezone Mars/Base|--timezone 'Mars/Base' is not a time zone" "--timezone +25:00|is not a time zone" \
    "--purposes-without-consent servise|unknown purpose servise" "--max-attempts -1|attempt limits" \
    "|nothing to change"; do
    IFS='|' read -r args want <<<"$bad"
    # shellcheck disable=SC2086
    r rules set $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "rules set $args: exit $rc, want 2: $(cat "$tmp/err")"
    said "$want" "rules set $args"
done
r --json rules show >"$tmp/out"
[ "$(json 'd["max_attempts"], d["window_end"]')" = "(4, '20:00')" ] || fail "a refused rules set changed the rules"

# 5. Dates as Russians type them, in the call center's zone (the rules' --timezone).
r --json rules set --timezone +03:00 --weekdays mon-sun >/dev/null || fail "back to Moscow"
r rules holiday add 31.12.2026 --name "Канун" >/dev/null || fail "holiday in DD.MM.YYYY"
r rules holiday add 2027-01-07 --name "Рождество" >/dev/null || fail "holiday in ISO"
r rules holiday add 29.02.2028 >/dev/null || fail "29.02.2028 refused"
for bad in 31.02.2026 29.02.2027 2026-13-01 "31.12.2026 24:00" завтра; do
    r rules holiday add "$bad" >"$tmp/out" 2>"$tmp/err" && fail "holiday $bad accepted"
    said "'$bad' is not a date" "holiday $bad"
done
r --json rules show >"$tmp/out"
[ "$(json 'd["holidays"]')" = "['2026-12-31', '2027-01-07', '2028-02-29']" ] || fail "holidays: $(cat "$tmp/out")"
r rules holiday remove 07.01.2027 >/dev/null || fail "remove in DD.MM.YYYY"
# can-call --at without a zone is the call center's time: 10:00 Moscow, then 10:00 Novosibirsk.
expect() { python3 -c "import datetime as t; print(int(t.datetime($1, tzinfo=t.timezone(t.timedelta(minutes=$2))).timestamp()))"; }
for form in "23.11.2026 10:00" "2026-11-23T10:00" "2026-11-23 10:00:00" "23.11.2026 10:00 +03:00"; do
    r --json can-call 89161234567 --purpose service --at "$form" >"$tmp/out" 2>"$tmp/err" ||
        fail "can-call --at '$form': $(cat "$tmp/err")"
    [ "$(json 'd["at"]')" = "$(expect 2026,11,23,10,0 180)" ] || fail "--at '$form' read as $(json 'd["at"]')"
done
r --json can-call 89161234567 --purpose service --at 23.11.2026 >"$tmp/out" || fail "a date alone"
[ "$(json 'd["at"]')" = "$(expect 2026,11,23,0,0 180)" ] || fail "a date alone is its midnight"
r rules set --timezone Asia/Novosibirsk >/dev/null || fail "Novosibirsk"
r --json can-call 89161234567 --purpose service --at "23.11.2026 10:00" >"$tmp/out" || fail "can-call"
[ "$(json 'd["at"]')" = "$(expect 2026,11,23,10,0 420)" ] || fail "10:00 is not read in the center's zone (+07:00)"
r --json can-call 89161234567 --purpose service --at "23.11.2026 10:00Z" >"$tmp/out" || fail "can-call Z"
[ "$(json 'd["at"]')" = "$(expect 2026,11,23,10,0 0)" ] || fail "a zone written wins"
for bad in "31.02.2026 10:00" "23.11.2026 24:00" "23.11.2026 10:60" "23/11/2026"; do
    r can-call 89161234567 --purpose service --at "$bad" >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 2 ] || fail "--at '$bad' accepted"
    said "--at '$bad'" "the error names the option and value"
done
r dnc add 89057778899 --category not_now --until 31.12.2026 --channel operator --note x >/dev/null ||
    fail "--until in DD.MM.YYYY"
r --json dnc list >"$tmp/out"
python3 -c "
import json; d=json.load(open('$tmp/out')); items = d['items'] if isinstance(d, dict) else d
u = [i['until'] for i in items if i.get('until')]
assert u == [$(expect 2026,12,31,0,0 420)], (u, items)" || fail "--until 31.12.2026: $(cat "$tmp/out")"
r contacts set-status "$id" Перезвонить --callback-at "01.12.2027 15:00" >/dev/null || fail "callback DD.MM"
r --json audit list --from 01.01.2026 --to "31.12.2099 23:59" --limit 1 >/dev/null || fail "audit --from DD.MM.YYYY"
r audit alerts --since "01.12.2026 00:00" >/dev/null || fail "audit alerts --since DD.MM.YYYY HH:MM"

finish cli_edges
