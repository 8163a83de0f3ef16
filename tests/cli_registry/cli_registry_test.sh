#!/usr/bin/env bash
# `callbase registry load|check|diff|list` through the real binary: a plain
# and a gzip list in mixed spellings with a header and a little junk, numbers
# listed and not, versions and their diff, --json read back by a JSON parser,
# and bad input (too much junk, a bad name, a bad phone) refused with a clear
# message, a non-zero exit and no new version or file.
source "$(dirname "$0")/../support/cli_test.sh"
cb=$1
run() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
db="$tmp/base.db"
regs="$tmp/base.db.registries"

# json FILTER: reads JSON on stdin and prints one value, with jq or python3
# (whichever the machine has; scripts/install-deps installs neither).
json() {
    if command -v jq >/dev/null; then
        jq -r "$1"
    else
        python3 -c "import json, sys
v = json.load(sys.stdin)
for part in sys.argv[1].replace(chr(34), '').lstrip('.').replace('[', '.[').split('.'):
    if part: v = v[int(part[1:-1])] if part.startswith('[') else v[part]
print(str(v).lower() if isinstance(v, bool) else v)" "$1"
    fi
}
command -v jq >/dev/null || command -v python3 >/dev/null || { echo "SKIP: neither jq nor python3"; exit 0; }

"$cb" --db "$db" init >/dev/null || fail "init"

# 300 numbers in six spellings, a header, a comment, blank lines, CRLF and
# 2 junk lines (0.7 %); the same list gzipped.
awk 'BEGIN {
    printf "Телефон\r\n# реестр отказов\n\n"
    for (i = 0; i < 300; i++) {
        n = 9160000000 + i * 7919; a = int(n / 10000000); b = int(n / 10000) % 1000
        c = int(n / 100) % 100; d = n % 100
        s = i % 6
        if (s == 0) printf "8 (%03d) %03d-%02d-%02d\n", a, b, c, d
        if (s == 1) printf "+7 %03d %07d\r\n", a, n % 10000000
        if (s == 2) printf "%.0f\n", n
        if (s == 3) printf "8%.0f\n", n
        if (s == 4) printf "  7-%03d-%03d-%02d-%02d  \n", a, b, c, d
        if (s == 5) printf "+7(%03d)%03d-%02d-%02d\n", a, b, c, d
        if (i == 100) printf "не звонить\n"
        if (i == 200) printf "123\n"
    }
}' >"$tmp/list.txt"
gzip -c "$tmp/list.txt" >"$tmp/list.txt.gz"

rc=$(run "$cb" --db "$db" registry load ru_dnc "$tmp/list.txt")
[ "$rc" = 0 ] || fail "load exit $rc: $(cat "$tmp/err")"
grep -q "loaded ru_dnc version 1: 300 numbers" "$tmp/out" || fail "load summary: $(cat "$tmp/out")"
grep -q "lines 302 (a header skipped), duplicates 0, rejected 2" "$tmp/out" || fail "load counts: $(cat "$tmp/out")"
grep -q "list.txt:105: \"не звонить\"" "$tmp/out" || fail "rejected line: $(cat "$tmp/out")"
[ -f "$regs/ru_dnc/v1.cbreg" ] || fail "no index file beside the base"

rc=$(run "$cb" --db "$db" --json registry load ru_dnc "$tmp/list.txt.gz")
[ "$rc" = 0 ] || fail "gzip load exit $rc: $(cat "$tmp/err")"
[ "$(json .version <"$tmp/out")" = 2 ] || fail "gzip load version: $(cat "$tmp/out")"
[ "$(json .numbers <"$tmp/out")" = 300 ] || fail "gzip load numbers: $(cat "$tmp/out")"
[ "$(json .gzip <"$tmp/out")" = true ] || fail "gzip not detected: $(cat "$tmp/out")"
[ "$(json '.rejected_lines[1].line' <"$tmp/out")" = 206 ] || fail "gzip rejected lines: $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" registry diff ru_dnc 1 2)
grep -q "version 1 -> 2: 0 added, 0 removed" "$tmp/out" || fail "plain and gzip differ: $(cat "$tmp/out")"

# check: listed in any spelling, not listed, exit 0 both ways; JSON for scripts.
rc=$(run "$cb" --db "$db" registry check ru_dnc '8 916 000 00 00')
[ "$rc" = 0 ] && grep -q "+79160000000 is listed in ru_dnc (version 2)" "$tmp/out" || fail "listed: $rc $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" registry check ru_dnc '+7 916 000-00-01')
[ "$rc" = 0 ] && grep -q "is not listed" "$tmp/out" || fail "not listed: $rc $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" --json registry check ru_dnc 89160007919)
[ "$rc" = 0 ] || fail "check --json exit $rc"
[ "$(json .listed <"$tmp/out")" = true ] && [ "$(json '."e164"' <"$tmp/out")" = "+79160007919" ] &&
    [ "$(json .registry <"$tmp/out")" = ru_dnc ] && [ "$(json .version <"$tmp/out")" = 2 ] ||
    fail "check --json: $(cat "$tmp/out")"

# A third version: one number removed, two added; diff counts and lists them.
{ grep -v -e '^8 (916) 000-00-00' "$tmp/list.txt"; printf '+7 999 000 11 22\n8 999 000 11 23\n'; } >"$tmp/list3.txt"
rc=$(run "$cb" --db "$db" registry load ru_dnc "$tmp/list3.txt")
[ "$rc" = 0 ] || fail "third load exit $rc: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry diff ru_dnc 2 3 --list)
[ "$rc" = 0 ] || fail "diff exit $rc: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "ru_dnc: version 2 -> 3: 2 added, 1 removed
added:
  +79990001122
  +79990001123
removed:
  +79160000000" ] || fail "diff --list: $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" --json registry diff ru_dnc 2 3 --list)
[ "$(json .added <"$tmp/out")" = 2 ] && [ "$(json '.removed_numbers[0]' <"$tmp/out")" = "+79160000000" ] ||
    fail "diff --json: $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" registry check ru_dnc '8 916 000 00 00' --version 1)
grep -q "is listed in ru_dnc (version 1)" "$tmp/out" || fail "check --version 1: $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" registry check ru_dnc '8 916 000 00 00')
grep -q "is not listed in ru_dnc (version 3)" "$tmp/out" || fail "check latest: $(cat "$tmp/out")"

# list: names, versions, counts, loaded at and by.
rc=$(run "$cb" --db "$db" --actor auditor registry list)
[ "$rc" = 0 ] || fail "list exit $rc"
[ "$(grep -c '^ru_dnc ' "$tmp/out")" = 3 ] || fail "list rows: $(cat "$tmp/out")"
rc=$(run "$cb" --db "$db" --json registry list ru_dnc)
[ "$(json '.[2].version' <"$tmp/out")" = 3 ] && [ "$(json '.[2].numbers' <"$tmp/out")" = 301 ] &&
    [ "$(json '.[0].rejected' <"$tmp/out")" = 2 ] && [ -n "$(json '.[0].loaded_by' <"$tmp/out")" ] ||
    fail "list --json: $(cat "$tmp/out")"

# Refused: more than 1 % junk, a bad name, a bad phone, an unknown registry.
versions() { "$cb" --db "$db" registry list | grep -c '^ru_dnc '; }
files_before=$(find "$regs" -type f | sort)
{ head -n 50 "$tmp/list.txt"; printf 'мусор\nещё мусор\n'; } >"$tmp/junk.txt"
rc=$(run "$cb" --db "$db" registry load ru_dnc "$tmp/junk.txt")
[ "$rc" = 2 ] || fail "junk load exit $rc"
grep -q "junk.txt: 2 of 49 lines" "$tmp/err" && grep -q "junk.txt:51: \"мусор\"" "$tmp/err" &&
    grep -q "nothing was loaded" "$tmp/err" || fail "junk message: $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry load 'RU DNC' "$tmp/list.txt")
[ "$rc" = 2 ] && grep -q "bad registry name 'RU DNC'" "$tmp/err" || fail "bad name: $rc $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry check ru_dnc 'позвоните мне')
[ "$rc" = 2 ] && grep -q "is not a phone number" "$tmp/err" && grep -q "country code" "$tmp/err" ||
    fail "bad phone: $rc $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry check eu_dnc '+79160000000')
[ "$rc" = 3 ] && grep -q "registry load eu_dnc" "$tmp/err" || fail "unknown registry: $rc $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry load ru_dnc "$tmp/missing.txt")
[ "$rc" = 3 ] || fail "missing file exit $rc"
[ "$(find "$regs" -type f | sort)" = "$files_before" ] || fail "a refused load left files: $(find "$regs" -type f)"
[ "$(versions)" = 3 ] || fail "a refused load made a version: $(versions)"

# Another registry folder, from the option and from the environment.
rc=$(run "$cb" --db "$db" registry load other "$tmp/list.txt" --registry-dir "$tmp/elsewhere")
[ "$rc" = 0 ] && [ -f "$tmp/elsewhere/other/v1.cbreg" ] || fail "--registry-dir: $rc $(cat "$tmp/err")"
rc=$(CALLBASE_REGISTRY_DIR="$tmp/elsewhere" run "$cb" --db "$db" registry check other 89160000000)
grep -q "is listed in other (version 1)" "$tmp/out" || fail "CALLBASE_REGISTRY_DIR: $(cat "$tmp/out") $(cat "$tmp/err")"
rc=$(run "$cb" --db "$db" registry check other 89160000000)
[ "$rc" = 3 ] && grep -q "is missing" "$tmp/err" || fail "wrong folder: $rc $(cat "$tmp/err")"

finish cli_registry
