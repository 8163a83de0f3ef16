#!/usr/bin/env bash
# Search as people type it (issue 18), on N generated contacts in a fresh
# SQLite base: `callbase gen contacts` and `import contacts`, then
# bench_search times name searches (two words, any order, ё for е) and 4-, 5-
# and 7-digit number endings, each search as `contacts find` and the API run
# it (the first 50 and the count), against the best plain SQL without the
# search keys in the same run (LIKE over the names, LIKE '%DIGITS' over the
# numbers). Goal (docs/performance.md): p99 <= 50 ms on 1,000,000 contacts.
# Usage: bench/search/run.sh CALLBASE SEARCH_BENCH [ROWS] [QUERIES]
set -euo pipefail
cb=${1:?usage: bench/search/run.sh CALLBASE SEARCH_BENCH [ROWS] [QUERIES]}
search=${2:?usage: bench/search/run.sh CALLBASE SEARCH_BENCH [ROWS] [QUERIES]}
rows=${3:-1000000}
queries=${4:-500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cb" gen contacts --rows "$rows" --seed 1 --out "$tmp/contacts.csv"
"$cb" --db "$tmp/base.db" init >/dev/null
start=$(date +%s.%N)
"$cb" --db "$tmp/base.db" import contacts "$tmp/contacts.csv" >"$tmp/import.out"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v n="$rows" 'BEGIN {
    printf "import of %d generated rows: %.1f s\n", n, b - a }'
tail -n 1 "$tmp/import.out"
echo "base on disk: $(du -m "$tmp/base.db" | cut -f1) MB"
"$search" "$tmp/base.db" --queries "$queries"
