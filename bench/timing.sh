# Sourced by the bench/*/run.sh scripts (which set $tmp first).
# measure NAME command... -> prints seconds and peak RSS (MB); the command's
# output goes to $tmp/NAME.out, shown on stderr if it fails.
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>&1 ||
        { cat "$tmp/$name.out" >&2; exit 1; }
    read -r secs kb <"$tmp/$name.time"
    echo "$secs $((kb / 1024))"
}
# median NUMBER... -> the median
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
