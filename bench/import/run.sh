#!/usr/bin/env bash
# Import benchmark: `callbase import contacts` of N generated messy rows into a
# fresh SQLite base, against the floor — the sqlite3 shell's own `.import` of the
# same file into a plain table — in the same run, and the schema floor: those
# rows copied into the callbase schema with no cleaning (schema_floor.sql).
# The three are run RUNS times, interleaved (this machine's speed drifts by
# ±20 % from minute to minute, and interleaving gives each the same weather);
# prints each run, the medians, peak RSS and the ratio of the medians.
# Goal (docs/performance.md): at most 3x the floor, peak RSS <= 1 GB.
# Usage: bench/import/run.sh CALLBASE_BINARY [ROWS] [RUNS]
set -euo pipefail
cb=${1:?usage: bench/import/run.sh CALLBASE_BINARY [ROWS] [RUNS]}
rows=${2:-1000000}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cb" gen contacts --rows "$rows" --seed 1 --out "$tmp/contacts.csv"
size=$(du -m "$tmp/contacts.csv" | cut -f1)

source "$(dirname "$0")/../timing.sh"

echo "import of $rows generated rows ($size MB), $runs interleaved runs"
ours_all=() floor_all=() schema_all=() ours_mb_max=0
for run in $(seq "$runs"); do
    rm -f "$tmp"/*.db "$tmp"/*.db-*
    "$cb" --db "$tmp/base.db" init >/dev/null
    read -r ours ours_mb < <(measure callbase "$cb" --db "$tmp/base.db" import contacts \
        "$tmp/contacts.csv")
    read -r floor floor_mb < <(measure sqlite3 sqlite3 "$tmp/floor.db" '.mode csv' \
        '.separator ;' ".import $tmp/contacts.csv contacts")
    "$cb" --db "$tmp/schema.db" init >/dev/null
    read -r schema schema_mb < <(measure schema sqlite3 "$tmp/schema.db" \
        "ATTACH '$tmp/floor.db' AS f" ".read $(dirname "$0")/schema_floor.sql")
    ours_all+=("$ours") floor_all+=("$floor") schema_all+=("$schema")
    ((ours_mb > ours_mb_max)) && ours_mb_max=$ours_mb
    awk -v n="$run" -v a="$ours" -v b="$floor" -v s="$schema" 'BEGIN {
        printf "  run %d: callbase %6.2f s, floor %6.2f s, schema floor %6.2f s: %.1fx\n",
            n, a, b, s, a / b }'
done
ours=$(median "${ours_all[@]}") floor=$(median "${floor_all[@]}")
schema=$(median "${schema_all[@]}")
echo "  $(tail -n 1 "$tmp/callbase.out")"
echo "  medians:"
printf '  callbase import contacts   %6.2f s   peak RSS %5d MB\n' "$ours" "$ours_mb_max"
printf '  sqlite3 .import (floor)    %6.2f s   peak RSS %5d MB\n' "$floor" "$floor_mb"
printf '  schema floor (no cleaning) %6.2f s   peak RSS %5d MB\n' "$schema" "$schema_mb"
awk -v a="$ours" -v b="$floor" -v s="$schema" 'BEGIN {
    printf "  ratio                      %6.1fx the floor (the schema alone: %.1fx)\n", a / b, s / b }'
