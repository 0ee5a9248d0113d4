#!/usr/bin/env bash
# rmesim sweep: a grid of points run as processes, one CSV row each, failures recorded,
# --resume, --jobs, bad grids refused.
# Usage: sweep_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$(realpath "$1"); scen=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
# csv FILE EXPR: a Python expression over rows (a list of dicts) and cols (the header) is true.
csv() { python3 - "$1" "$2" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    r = csv.reader(f); cols = next(r); rows = [dict(zip(cols, l)) for l in r]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

"$bin" --help > "$work/help.txt"
check "--help describes sweep and its options" 'grep -q "rmesim sweep SCENARIO.yaml --grid" "$work/help.txt" && grep -q -- "--emit-snakemake" "$work/help.txt" && grep -q -- "--resume" "$work/help.txt"'

"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=4KiB,64KiB --out "$work/a" > "$work/a.txt" 2> "$work/a.err"; rc=$?
check "a 2-point sweep exits 0 and writes sweep.csv" '[ $rc = 0 ] && [ -s "$work/a/sweep.csv" ] && grep -q "2 points, 0 failed" "$work/a.txt"'
check "sweep.csv starts with point, the grid key, exit status, message, wall seconds" \
  'csv "$work/a/sweep.csv" "cols[:5] == [\"point\", \"platform.gpt.pgs\", \"exit_status\", \"message\", \"wall_seconds\"]"'
check "one row per point, with its grid value and the run it produced" \
  'csv "$work/a/sweep.csv" "[(r[\"platform.gpt.pgs\"], r[\"platform.gpt.granule_bytes\"], r[\"exit_status\"]) for r in rows] == [(\"4KiB\", \"4096\", \"0\"), (\"64KiB\", \"65536\", \"0\")]"'
check "each row has per-phase times, per-category times, counters and the wall time" \
  'csv "$work/a/sweep.csv" "all(float(r[\"phases.delegate.duration_ns\"]) > 0 and float(r[\"phases.delegate.time.by_cost_ps.cache.maint_line\"]) > 0 and int(r[\"stats.monitor.delegates\"]) == 64 and float(r[\"wall_seconds\"]) > 0 for r in rows)"'
check "cache maintenance per delegate grows with the PGS, as the CSV shows" \
  'csv "$work/a/sweep.csv" "float(rows[1][\"phases.delegate.time.by_cost_ps.cache.maint_line\"]) == 16 * float(rows[0][\"phases.delegate.time.by_cost_ps.cache.maint_line\"])"'
check "each point keeps its own outputs" '[ -s "$work/a/points/p0000/stats.json" ] && [ -s "$work/a/points/p0001/point.json" ]'
check "without a terminal, one plain line per point" '[ $(grep -c "^sweep: point [12]/2 p000[01] (platform.gpt.pgs=[46]*KiB) ok in " "$work/a.err") = 2 ]'

if command -v script > /dev/null; then
  script -qec "'$bin' sweep '$scen/boot-delegate.yaml' --grid platform.gpt.pgs=4KiB,64KiB --grid platform.cores=1,2 --out '$work/t'" /dev/null > "$work/t.tty" 2>&1
  check "on a terminal, a progress bar with an ETA" 'grep -q "\[#*\.*\] 1/4 points, ETA " "$work/t.tty" && grep -q "\[#*\] 4/4 points" "$work/t.tty"'
fi

# A failing point is recorded with its exit status and message; the others still run.
"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=5KiB,4KiB --grid platform.cores=1,2 --out "$work/f" -j 2 > "$work/f.txt" 2> "$work/f.err"; rc=$?
check "a sweep with failing points exits 1 and still writes every row" '[ $rc = 1 ] && csv "$work/f/sweep.csv" "len(rows) == 4" && grep -q "4 points, 2 failed" "$work/f.txt"'
check "the first grid key varies slowest" \
  'csv "$work/f/sweep.csv" "[(r[\"platform.gpt.pgs\"], r[\"platform.cores\"]) for r in rows] == [(\"5KiB\",\"1\"),(\"5KiB\",\"2\"),(\"4KiB\",\"1\"),(\"4KiB\",\"2\")]"'
check "a failed point has its exit status and rmesim's message, and no stats" \
  'csv "$work/f/sweep.csv" "all(r[\"exit_status\"] == \"2\" and \"pgs\" in r[\"message\"] and r[\"sim_time_ns\"] == \"\" for r in rows[:2])"'
check "the points after a failure ran" 'csv "$work/f/sweep.csv" "all(r[\"exit_status\"] == \"0\" and r[\"platform.cores\"] == r[\"platform.cores\"] and float(r[\"sim_time_ns\"]) > 0 for r in rows[2:])"'
check "the progress line says which point failed and why" 'grep -q "p0000 (platform.gpt.pgs=5KiB platform.cores=1) failed, exit 2: .*pgs" "$work/f.err"'

# --jobs does not change the CSV (but for the wall time).
"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=5KiB,4KiB --grid platform.cores=1,2 --out "$work/f1" -j 1 > /dev/null 2>&1
strip() { python3 -c "import csv,sys; rows=list(csv.reader(open(sys.argv[1]))); i=rows[0].index('wall_seconds'); [print(repr(r[:i]+r[i+1:])) for r in rows]" "$1"; }
check "--jobs 2 and --jobs 1 give the same CSV but for wall_seconds" 'cmp -s <(strip "$work/f/sweep.csv") <(strip "$work/f1/sweep.csv")'

# --resume: points with a record are not run again; a missing one is.
before=$(stat -c %Y.%N "$work/a/points/p0000/point.json" 2>/dev/null; sha1sum < "$work/a/points/p0000/point.json")
rm "$work/a/points/p0001/point.json"
"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=4KiB,64KiB --out "$work/a" --resume > /dev/null 2> "$work/r.err"; rc=$?
after=$(stat -c %Y.%N "$work/a/points/p0000/point.json" 2>/dev/null; sha1sum < "$work/a/points/p0000/point.json")
check "--resume skips a recorded point and runs the missing one" \
  '[ $rc = 0 ] && [ "$before" = "$after" ] && grep -q "1 of 2 points already done" "$work/r.err" && grep -q "p0001 (platform.gpt.pgs=64KiB) ok" "$work/r.err" && ! grep -q "p0000 (" "$work/r.err" && csv "$work/a/sweep.csv" "len(rows) == 2 and rows[1][\"platform.gpt.granule_bytes\"] == \"65536\""'
"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=4KiB,16KiB --out "$work/a" --resume > /dev/null 2> "$work/r2.err"
check "--resume runs a point again when its grid values changed" 'grep -q "p0001 (platform.gpt.pgs=16KiB) ok" "$work/r2.err" && ! grep -q "p0000 (" "$work/r2.err"'

# A YAML list is one grid value: commas inside brackets do not split it.
"$bin" sweep "$scen/boot-delegate.yaml" --grid 'realms.r0.args=[4,4096],[8,65536]' --out "$work/l" > /dev/null 2>&1
check "a grid value in brackets keeps its commas" 'csv "$work/l/sweep.csv" "[r[\"realms.r0.args\"] for r in rows] == [\"[4,4096]\", \"[8,65536]\"]"'

"$bin" sweep "$scen/boot-delegate.yaml" --grid platform.gpt.pgs=5KiB,4KiB --grid platform.cores=1,2 --out "$work/f" --resume > "$work/fr.txt" 2> "$work/fr.err"; rc=$?
check "--resume of a finished sweep runs nothing and still counts its failed points" \
  '[ $rc = 1 ] && grep -q "4 points, 2 failed" "$work/fr.txt" && grep -q "4 of 4 points already done" "$work/fr.err" && ! grep -q "^sweep: point" "$work/fr.err"'

# Bad input: exit 2, nothing run.
for bad in "--grid platform.cores" "--grid =1,2" "--grid platform.cores=1,,2" "--grid platform.cores=1,1" \
           "--grid platform.cores=1 --grid platform.cores=2" "--grid platform.cores=1 -j 0" "--grid a=[1,2" \
           "--grid a=1],2" ""; do
  "$bin" sweep "$scen/boot-delegate.yaml" $bad --out "$work/bad" > /dev/null 2> "$work/bad.err"; rc=$?
  check "sweep $bad is refused (exit 2) and runs nothing" '[ $rc = 2 ] && grep -q "error" "$work/bad.err" && [ ! -e "$work/bad/points" ]'
done
"$bin" sweep "$work/missing.yaml" --grid platform.cores=1 --out "$work/bad" > /dev/null 2>&1; rc=$?
check "a sweep of a scenario that does not load is refused (exit 2)" '[ $rc = 2 ] && [ ! -e "$work/bad/points" ]'

echo "sweep: $pass passed, $fail failed"
[ $fail = 0 ]
