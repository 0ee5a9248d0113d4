#!/usr/bin/env bash
# rmesim sweep --emit-snakemake: the generated workflow, run by Snakemake with 2 cores, gives
# the CSV `rmesim sweep` gives (but for the wall time), failed point included.
# Usage: snakemake_test.sh RMESIM_BINARY SCENARIO_DIR   (exit 77, skipped, without snakemake)
set -u
bin=$(realpath "$1"); scen=$(realpath "$2")
command -v snakemake > /dev/null || { echo "snakemake is not installed (Debian package snakemake): skipped"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
grid=(--grid platform.gpt.pgs=4KiB,5KiB,64KiB --grid platform.cores=1,2)

"$bin" sweep "$scen/boot-delegate.yaml" "${grid[@]}" --out "$work/direct" -j 2 > /dev/null 2>&1; rc=$?
check "the direct sweep ran (2 of its 6 points fail)" '[ $rc = 1 ] && [ -s "$work/direct/sweep.csv" ]'

"$bin" sweep "$scen/boot-delegate.yaml" "${grid[@]}" --emit-snakemake "$work/wf" > "$work/emit.txt"; rc=$?
check "--emit-snakemake writes a Snakefile and runs nothing" '[ $rc = 0 ] && [ -s "$work/wf/Snakefile" ] && [ ! -e "$work/wf/points" ]'
check "the workflow has one rule per point and the merge" '[ $(grep -c "^rule p000[0-5]:" "$work/wf/Snakefile") = 6 ] && grep -q "^rule merge:" "$work/wf/Snakefile"'

(cd "$work" && snakemake -s "$work/wf/Snakefile" --cores 2 --quiet > "$work/snakemake.log" 2>&1); rc=$?
[ $rc = 0 ] || tail -30 "$work/snakemake.log"
check "snakemake --cores 2 runs the workflow to its end" '[ $rc = 0 ] && [ -s "$work/wf/sweep.csv" ]'
strip() { python3 -c "import csv,sys; rows=list(csv.reader(open(sys.argv[1]))); i=rows[0].index('wall_seconds'); [print(repr(r[:i]+r[i+1:])) for r in rows]" "$1"; }
check "its sweep.csv equals rmesim sweep's but for wall_seconds" 'cmp -s <(strip "$work/direct/sweep.csv") <(strip "$work/wf/sweep.csv")'
check "and it has the failed points' exit status" 'python3 -c "import csv,sys; rows=list(csv.DictReader(open(sys.argv[1]))); sys.exit(0 if [r[\"exit_status\"] for r in rows] == [\"0\",\"0\",\"2\",\"2\",\"0\",\"0\"] else 1)" "$work/wf/sweep.csv"'

echo "snakemake: $pass passed, $fail failed"
[ $fail = 0 ]
