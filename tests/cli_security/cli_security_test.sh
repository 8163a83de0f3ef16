#!/usr/bin/env bash
# Users, roles and the permission check through the real binary: single-user
# mode until the first user (who must be an admin); then every command needs
# --user and the password, admins a TOTP code (computed here by RFC 6238 from
# the enrolled secret), and the permission table decides; lock-out after five
# wrong passwords.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
db="$tmp/base.db"
"$cb" --db "$db" init >/dev/null || fail "init"

"$cb" --db "$db" dnc add 89161234567 >/dev/null || fail "single-user mode allows everything"
if CALLBASE_NEW_PASSWORD="a long passphrase" "$cb" --db "$db" user add anna --role operator \
    >"$tmp/out" 2>&1; then fail "first user not an admin"; fi
grep -q "first user must be an admin" "$tmp/out" || fail "first-user message: $(cat "$tmp/out")"
CALLBASE_NEW_PASSWORD="the admin passphrase" "$cb" --db "$db" user add root --role admin \
    >/dev/null || fail "add admin"

# Now a user is needed, and the admin needs a second factor.
if "$cb" --db "$db" dnc list >"$tmp/out" 2>&1; then fail "anonymous command ran"; fi
grep -q "say who you are" "$tmp/out" || fail "anonymous message: $(cat "$tmp/out")"
export CALLBASE_PASSWORD="the admin passphrase"
if "$cb" --db "$db" --user root dnc list >"$tmp/out" 2>&1; then fail "admin without TOTP"; fi
grep -q "callbase user totp root" "$tmp/out" || fail "TOTP hint: $(cat "$tmp/out")"
secret=$("$cb" --db "$db" --json user totp root | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
[ -n "$secret" ] || fail "no TOTP secret"
"$cb" --db "$db" user totp root --confirm "$(totp "$secret")" >/dev/null || fail "TOTP confirm"
export CALLBASE_TOTP
CALLBASE_TOTP=$(totp "$secret")
# (The admin sees no business data: the list itself is the check here.)
"$cb" --db "$db" --user root dnc list >/dev/null || fail "admin with TOTP"
CALLBASE_NEW_PASSWORD="operator passphrase" "$cb" --db "$db" --user root user add anna \
    --role operator >/dev/null || fail "admin adds an operator"
"$cb" --db "$db" --user root user list | grep -q "anna *operator *off *active" ||
    fail "user list: $("$cb" --db "$db" --user root user list)"

# The operator: may add to the stop-list and ask the gate; may not manage users
# or process deletions; acts under its own name.
export CALLBASE_PASSWORD="operator passphrase"
"$cb" --db "$db" --user anna dnc add 89035556677 --channel operator >/dev/null ||
    fail "operator adds to the stop-list"
"$cb" --db "$db" --user anna --json dnc list | grep -q '"added_by":"anna"' ||
    fail "the operator is the actor"
if "$cb" --db "$db" --user anna user list >"$tmp/out" 2>&1; then fail "operator listed users"; fi
grep -q "needs the manage_users permission" "$tmp/out" || fail "denied message: $(cat "$tmp/out")"
if "$cb" --db "$db" --user anna deletion process >"$tmp/out" 2>&1; then
    fail "operator processed deletions"
fi
"$cb" --db "$db" user permissions | grep -q '| `deletion_process` |' || fail "permissions table"

# Masking: the operator sees +7 (916) ***-**-67 until it has had contact with
# the number; the analyst sees pseudonyms, stable from one run to the next.
export CALLBASE_PASSWORD="the admin passphrase"
CALLBASE_TOTP=$(totp "$secret")
"$cb" --db "$db" --user root contacts add --name "Анна Петрова" --phone 89161234567 >/dev/null ||
    fail "admin adds a contact"
# The admin runs the system but sees pseudonyms (break-glass: cli_privilege_test.sh).
out=$("$cb" --db "$db" --user root contacts show 1)
grep -Eq "Анна|9161234567" <<<"$out" && fail "admin sees the name or number: $out"
CALLBASE_NEW_PASSWORD="analyst passphrase" "$cb" --db "$db" --user root user add ivan \
    --role analyst >/dev/null || fail "add analyst"
# An operator sees the contacts assigned to them: a supervisor assigns it.
CALLBASE_NEW_PASSWORD="lead passphrase" "$cb" --db "$db" --user root user add lead \
    --role supervisor >/dev/null || fail "add a supervisor"
CALLBASE_PASSWORD="lead passphrase" "$cb" --db "$db" --user lead contacts assign 1 --to anna \
    >/dev/null || fail "the supervisor assigns contact 1 to anna"
export CALLBASE_PASSWORD="operator passphrase"
out=$("$cb" --db "$db" --user anna contacts show 1)
grep -q "+7 (916) \*\*\*-\*\*-67" <<<"$out" || fail "operator sees it masked: $out"
grep -q "+79161234567" <<<"$out" && fail "operator sees the full number: $out"
"$cb" --db "$db" --user anna attempts record 89161234567 --outcome answered >/dev/null ||
    fail "operator records a call"
"$cb" --db "$db" --user anna contacts show 1 | grep -q "+79161234567" ||
    fail "operator sees the number it called"
ivan_secret=$(CALLBASE_PASSWORD="analyst passphrase" "$cb" --db "$db" --json user totp ivan |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
CALLBASE_PASSWORD="analyst passphrase" "$cb" --db "$db" user totp ivan \
    --confirm "$(totp "$ivan_secret")" >/dev/null || fail "analyst TOTP"
find_as_ivan() {
    CALLBASE_PASSWORD="analyst passphrase" CALLBASE_TOTP=$(totp "$ivan_secret") \
        "$cb" --db "$db" --user ivan contacts find
}
first=$(find_as_ivan)
grep -q "P-[0-9a-f]\{12\}" <<<"$first" || fail "analyst sees pseudonyms: $first"
grep -Eq "Анна|9161234567" <<<"$first" && fail "analyst sees the name or number: $first"
[ "$first" = "$(find_as_ivan)" ] || fail "pseudonyms are stable"
[ "$(stat -c %a "$db.key")" = 600 ] || fail "key file mode $(stat -c %a "$db.key")"

# Exports: one supervisor asks, another approves, only the first downloads, once.
export CALLBASE_PASSWORD="the admin passphrase"
CALLBASE_TOTP=$(totp "$secret")
for s in sup1 sup2; do
    CALLBASE_NEW_PASSWORD="$s passphrase!" "$cb" --db "$db" --user root user add $s \
        --role supervisor >/dev/null || fail "add $s"
done
as() { local who=$1; shift; CALLBASE_PASSWORD="$who passphrase!" "$cb" --db "$db" --user "$who" "$@"; }
if as sup1 export contacts --out "$tmp/direct.csv" >"$tmp/out" 2>&1; then fail "direct export"; fi
grep -q "second person's approval" "$tmp/out" || fail "direct export message: $(cat "$tmp/out")"
id=$(as sup1 --json export request --filter status=new --reason "курьерская служба" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
if as sup1 export approve "$id" >"$tmp/out" 2>&1; then fail "approved own export"; fi
if as sup1 export download "$id" --out "$tmp/early.csv" >/dev/null 2>&1; then
    fail "downloaded before approval"
fi
as sup2 export approve "$id" >/dev/null || fail "sup2 approves"
if as sup2 export download "$id" --out "$tmp/x.csv" >/dev/null 2>&1; then fail "sup2 downloaded"; fi
as sup1 export download "$id" --out "$tmp/export.csv" >/dev/null || fail "sup1 downloads"
grep -q "Анна Петрова" "$tmp/export.csv" || fail "export content"
if as sup1 export download "$id" --out "$tmp/again.csv" >/dev/null 2>&1; then
    fail "downloaded twice"
fi
as sup1 export list --all | grep -q "downloaded" || fail "export list"

# The audit log has every login and what each user touched, and its chain holds.
export CALLBASE_PASSWORD="the admin passphrase"
CALLBASE_TOTP=$(totp "$secret")
audit=$("$cb" --db "$db" --user root --json audit list --actor anna --limit 1000)
grep -q '"action":"change".*"object":"dnc add"\|"object":"dnc add".*"action":"change"' <<<"$audit" ||
    fail "anna's stop-list change is audited: $audit"
grep -q '"records":"1"' <<<"$audit" || fail "anna's read of contact 1 is audited: $audit"
# Numbers are kept as pseudonyms (a deletion request never has to edit the
# log), and a number's records are found by any spelling of it.
all=$("$cb" --db "$db" --user root --json audit list --limit 1000)
if grep -q "9035556677\|903) 555" <<<"$all"; then fail "the audit log holds a number: $all"; fi
grep -q '"records":"tel:P-[0-9a-f]\{12\} ' <<<"$all" || fail "pseudonym in the records: $all"
about=$("$cb" --db "$db" --user root --json audit list --number '+7 (903) 555-66-77')
grep -q '"object":"dnc add"' <<<"$about" || fail "audit list --number finds the change: $about"
[ "$(echo "$about" | grep -o '"id":' | wc -l)" = 1 ] || fail "only that number's records: $about"
"$cb" --db "$db" --user root --json audit list --action export --limit 1000 | grep -q "sup2" ||
    fail "the approval is audited"
"$cb" --db "$db" --user root audit verify >"$tmp/out" 2>&1 || fail "audit verify: $(cat "$tmp/out")"
if "$cb" --db "$db" --user anna audit list >/dev/null 2>&1; then fail "operator read the audit log"; fi

# Five wrong passwords lock the account.
for i in 1 2 3 4 5; do
    CALLBASE_PASSWORD="wrong passphrase" "$cb" --db "$db" --user anna dnc list >/dev/null 2>&1 &&
        fail "wrong password accepted"
done
if "$cb" --db "$db" --user anna dnc list >"$tmp/out" 2>&1; then fail "locked user ran a command"; fi
grep -q "locked" "$tmp/out" || fail "lock message: $(cat "$tmp/out")"
export CALLBASE_PASSWORD="the admin passphrase"
CALLBASE_TOTP=$(totp "$secret")
failed=$("$cb" --db "$db" --user root --json audit list --action login_failed --limit 1000)
[ "$(echo "$failed" | grep -o '"actor":"anna"' | wc -l)" -ge 5 ] ||
    fail "failed logins are audited: $failed"

finish cli_security
