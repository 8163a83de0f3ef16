#!/usr/bin/env bash
# Import benchmark: `callbase import contacts` of N generated messy rows into a
# fresh SQLite base, against the floor — the sqlite3 shell's own `.import` of the
# same file into a plain table — in the same run, and the schema floor: those
# rows copied into the callbase schema with no cleaning (schema_floor.sql).
# Prints wall time, peak RSS and the ratios. Goal (docs/performance.md): at most 3x the floor, peak RSS <= 1 GB.
# Usage: bench/import/run.sh CALLBASE_BINARY [ROWS]
set -euo pipefail
cb=${1:?usage: bench/import/run.sh CALLBASE_BINARY [ROWS]}
rows=${2:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cb" gen contacts --rows "$rows" --seed 1 --out "$tmp/contacts.csv"
size=$(du -m "$tmp/contacts.csv" | cut -f1)

measure() {  # measure NAME command... -> prints seconds and peak RSS (MB)
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>&1 ||
        { cat "$tmp/$name.out" >&2; exit 1; }
    read -r secs kb <"$tmp/$name.time"
    echo "$secs $((kb / 1024))"
}

"$cb" --db "$tmp/base.db" init >/dev/null
read -r ours ours_mb < <(measure callbase "$cb" --db "$tmp/base.db" import contacts "$tmp/contacts.csv")
read -r floor floor_mb < <(measure sqlite3 sqlite3 "$tmp/floor.db" '.mode csv' '.separator ;' \
    ".import $tmp/contacts.csv contacts")
"$cb" --db "$tmp/schema.db" init >/dev/null
read -r schema schema_mb < <(measure schema sqlite3 "$tmp/schema.db" "ATTACH '$tmp/floor.db' AS f" \
    ".read $(dirname "$0")/schema_floor.sql")
echo "import of $rows generated rows ($size MB)"
echo "  $(tail -n 1 "$tmp/callbase.out")"
printf '  callbase import contacts   %6.2f s   peak RSS %5d MB\n' "$ours" "$ours_mb"
printf '  sqlite3 .import (floor)    %6.2f s   peak RSS %5d MB\n' "$floor" "$floor_mb"
printf '  schema floor (no cleaning) %6.2f s   peak RSS %5d MB\n' "$schema" "$schema_mb"
awk -v a="$ours" -v b="$floor" -v s="$schema" 'BEGIN {
    printf "  ratio                      %6.1fx the floor (the schema alone: %.1fx)\n", a / b, s / b }'
