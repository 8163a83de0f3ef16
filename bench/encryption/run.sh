#!/usr/bin/env bash
# Encryption at rest against the plain number base, in the same run: the same
# N generated rows imported by `callbase import contacts` into a fresh plain
# base and into a fresh encrypted one (`keys encrypt` on the empty base first),
# RUNS times interleaved; then contacts found by phone and by a name word in
# both (bench_encryption_search). Goal (docs/performance.md): import and search
# within 1.5x of the plain base.
# Usage: bench/encryption/run.sh CALLBASE SEARCH_BENCH [ROWS] [RUNS]
set -euo pipefail
cb=${1:?usage: bench/encryption/run.sh CALLBASE SEARCH_BENCH [ROWS] [RUNS]}
search=${2:?usage: bench/encryption/run.sh CALLBASE SEARCH_BENCH [ROWS] [RUNS]}
rows=${3:-1000000}
runs=${4:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CALLBASE_KEY_FILE="$tmp/bench.key"

"$cb" gen contacts --rows "$rows" --seed 1 --out "$tmp/contacts.csv"
source "$(dirname "$0")/../timing.sh"

echo "import of $rows generated rows, plain and encrypted, $runs interleaved runs"
plain_all=() sealed_all=() sealed_mb_max=0 plain_mb_max=0
for run in $(seq "$runs"); do
    rm -f "$tmp"/*.db "$tmp"/*.db-* "$CALLBASE_KEY_FILE"
    "$cb" --db "$tmp/plain.db" init >/dev/null
    "$cb" --db "$tmp/sealed.db" init >/dev/null
    "$cb" --db "$tmp/sealed.db" keys encrypt >/dev/null
    read -r plain plain_mb < <(measure plain "$cb" --db "$tmp/plain.db" import contacts \
        "$tmp/contacts.csv")
    read -r sealed sealed_mb < <(measure sealed "$cb" --db "$tmp/sealed.db" import contacts \
        "$tmp/contacts.csv")
    plain_all+=("$plain") sealed_all+=("$sealed")
    ((sealed_mb > sealed_mb_max)) && sealed_mb_max=$sealed_mb
    ((plain_mb > plain_mb_max)) && plain_mb_max=$plain_mb
    awk -v n="$run" -v a="$plain" -v b="$sealed" 'BEGIN {
        printf "  run %d: plain %6.2f s, encrypted %6.2f s: %.2fx\n", n, a, b, b / a }'
done
plain=$(median "${plain_all[@]}") sealed=$(median "${sealed_all[@]}")
echo "  $(tail -n 1 "$tmp/sealed.out")"
printf '  plain base       %6.2f s   peak RSS %5d MB   %s\n' "$plain" "$plain_mb_max" \
    "$(du -m "$tmp/plain.db" | cut -f1) MB on disk"
printf '  encrypted base   %6.2f s   peak RSS %5d MB   %s\n' "$sealed" "$sealed_mb_max" \
    "$(du -m "$tmp/sealed.db" | cut -f1) MB on disk"
awk -v a="$plain" -v b="$sealed" 'BEGIN { printf "  import ratio     %6.2fx the plain base\n", b / a }'
echo
"$search" "$tmp/plain.db" "$tmp/sealed.db" "$CALLBASE_KEY_FILE" --rounds "$runs"
