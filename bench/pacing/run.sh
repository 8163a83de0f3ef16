#!/usr/bin/env bash
# Pacing on the simulated network: the predictive mode against the best
# constant dial ratio found with hindsight (the same day swept over ratios,
# the highest occupancy whose abandon rate stays within 3 % over the day and
# in every rolling window; the best by the day's rate alone is shown too), with the
# progressive mode alongside, for each scenario; and how long a simulated
# 8-hour day of 100 agents takes.
# Usage: bench/pacing/run.sh CALLBASE [FROM TO STEP] [SCENARIO...]
#   defaults: ratios 1.0..7.0 step 0.5 (refined around the best in fifths),
#   examples/scenarios/predictive-100.toml and predictive-100-drop.toml.
set -euo pipefail
cb=${1:?usage: bench/pacing/run.sh CALLBASE [FROM TO STEP] [SCENARIO...]}
shift
from=${1:-1.0}
to=${2:-7.0}
step=${3:-0.5}
shift $(($# < 3 ? $# : 3))
here=$(cd "$(dirname "$0")/../.." && pwd)
scenarios=("$@")
if ((${#scenarios[@]} == 0)); then
    scenarios=("$here/examples/scenarios/predictive-100.toml"
               "$here/examples/scenarios/predictive-100-drop.toml")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in "${scenarios[@]}"; do
    name=$(basename "$s" .toml)
    for run in 1 2 3; do
        "$cb" --json simulate "$s" >"$tmp/$name.predictive.$run.json"
    done
    "$cb" --json simulate "$s" --pacing progressive >"$tmp/$name.progressive.json"
    "$cb" --json simulate "$s" --sweep --from "$from" --to "$to" --step "$step" \
        >"$tmp/$name.sweep.json"
done
python3 - "$tmp" "${scenarios[@]}" <<'PY'
import json, os, statistics, sys
tmp = sys.argv[1]
print("| scenario | mode | occupancy | abandoned | worst 60-min window | contacts/agent-hour | violations |")
print("|---|---|---|---|---|---|---|")
summary = []
for path in sys.argv[2:]:
    name = os.path.basename(path)[:-5]
    runs = [json.load(open(f"{tmp}/{name}.predictive.{i}.json")) for i in (1, 2, 3)]
    p = runs[0]
    prog = json.load(open(f"{tmp}/{name}.progressive.json"))
    sweep = json.load(open(f"{tmp}/{name}.sweep.json"))
    best = sweep.get("best")
    def row(mode, r):
        print(f"| {name} | {mode} | {r['occupancy']*100:.2f} % | {r['abandon_rate']*100:.2f} % | "
              f"{r['max_window_abandon_rate']*100:.2f} % | {r['contacts_per_agent_hour']:.1f} | "
              f"{r['violation_count']} |")
    row("predictive", p)
    row("progressive", prog)
    # The best constant ratio by the whole day's abandon rate alone (what a
    # ratio dialer's report shows), with the worst window it hides.
    day_best = max((q for q in sweep["points"] if q["abandon_rate"] <= 0.03),
                   key=lambda q: q["occupancy"], default=None)
    if day_best:
        print(f"| {name} | constant ratio {day_best['ratio']:.2f}, best by the day's rate (hindsight) | "
              f"{day_best['occupancy']*100:.2f} % | {day_best['abandon_rate']*100:.2f} % | "
              f"{day_best['worst_window_rate']*100:.2f} % | – | – |")
    if best:
        print(f"| {name} | constant ratio {best['ratio']:.2f}, best within the limit in every window (hindsight) | "
              f"{best['occupancy']*100:.2f} % | {best['abandon_rate']*100:.2f} % | "
              f"{best['worst_window_rate']*100:.2f} % | – | – |")
    wall = statistics.median(r["wall_seconds"] for r in runs)
    summary.append((name, p, best, wall))
print()
for name, p, best, wall in summary:
    ratio = p["occupancy"] / best["occupancy"] if best else float("nan")
    ok_ratio = "met" if ratio >= 0.95 else "NOT met"
    ok_abandon = "met" if p["abandon_rate"] <= 0.03 and p["max_window_abandon_rate"] <= 0.03 else "NOT met"
    ok_time = "met" if wall <= 5 else "NOT met"
    print(f"{name}: predictive/best-constant occupancy = {ratio:.3f} (goal >= 0.95: {ok_ratio}); "
          f"abandon {p['abandon_rate']*100:.2f} %, worst window {p['max_window_abandon_rate']*100:.2f} % "
          f"(goal <= 3 %: {ok_abandon}); simulated {p['simulated_seconds']/3600:.1f} h in "
          f"{wall:.2f} s, median of 3 (goal <= 5 s: {ok_time})")
PY
