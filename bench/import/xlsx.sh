#!/usr/bin/env bash
# Excel import benchmark: `callbase import contacts` of the same N generated
# rows as .xlsx (written by openpyxl: shared strings, phones of digits only as
# numbers) and as CSV, each into a fresh SQLite base, RUNS times interleaved;
# prints each run, the medians, peak RSS and the ratio of the medians.
# Goal (docs/performance.md, ## Excel import): the .xlsx within 2x the CSV.
# Usage: bench/import/xlsx.sh CALLBASE_BINARY [ROWS] [RUNS]
# Writing a million rows with openpyxl takes minutes: with XLSX_BENCH_FILES=DIR
# the files are kept in DIR (contacts.csv, contacts.xlsx) and reused when there.
set -euo pipefail
cb=${1:?usage: bench/import/xlsx.sh CALLBASE_BINARY [ROWS] [RUNS]}
rows=${2:-1000000}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=${XLSX_BENCH_FILES:-$tmp}
mkdir -p "$files"
if [ ! -s "$files/contacts.xlsx" ] || [ "$(($(wc -l <"$files/contacts.csv")))" -lt "$rows" ]; then
    "$cb" gen contacts --rows "$rows" --seed 1 --out "$files/contacts.csv"
    /usr/bin/python3 "$(dirname "$0")/csv_to_xlsx.py" "$files/contacts.csv" "$files/contacts.xlsx"
fi
csv_mb=$(du -m "$files/contacts.csv" | cut -f1)
xlsx_mb=$(du -m "$files/contacts.xlsx" | cut -f1)

source "$(dirname "$0")/../timing.sh"

echo "import of $rows generated rows: CSV $csv_mb MB, .xlsx $xlsx_mb MB; $runs interleaved runs"
xlsx_all=() csv_all=() xlsx_mb_max=0 csv_mb_max=0
for run in $(seq "$runs"); do
    rm -f "$tmp"/*.db "$tmp"/*.db-*
    "$cb" --db "$tmp/x.db" init >/dev/null
    "$cb" --db "$tmp/c.db" init >/dev/null
    read -r xlsx xlsx_rss < <(measure xlsx "$cb" --db "$tmp/x.db" import contacts "$files/contacts.xlsx")
    read -r csv csv_rss < <(measure csv "$cb" --db "$tmp/c.db" import contacts "$files/contacts.csv")
    xlsx_all+=("$xlsx") csv_all+=("$csv")
    ((xlsx_rss > xlsx_mb_max)) && xlsx_mb_max=$xlsx_rss
    ((csv_rss > csv_mb_max)) && csv_mb_max=$csv_rss
    awk -v n="$run" -v a="$xlsx" -v b="$csv" 'BEGIN {
        printf "  run %d: xlsx %6.2f s, csv %6.2f s: %.2fx\n", n, a, b, a / b }'
done
# Both read the same rows and come to the same counts.
x_line=$(tail -n 1 "$tmp/xlsx.out") c_line=$(tail -n 1 "$tmp/csv.out")
echo "  xlsx: $x_line"
echo "  csv:  $c_line"
[ "${x_line% in *}" = "${c_line% in *}" ] || { echo "the two imports differ" >&2; exit 1; }
xlsx=$(median "${xlsx_all[@]}") csv=$(median "${csv_all[@]}")
echo "  medians:"
printf '  import of the .xlsx   %6.2f s   peak RSS %5d MB\n' "$xlsx" "$xlsx_mb_max"
printf '  import of the CSV     %6.2f s   peak RSS %5d MB\n' "$csv" "$csv_mb_max"
awk -v a="$xlsx" -v b="$csv" 'BEGIN { printf "  ratio                 %6.2fx the CSV (goal <= 2x)\n", a / b }'
