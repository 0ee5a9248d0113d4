#!/usr/bin/env bash
# The studies stay runnable: each base scenario in scenarios/studies/ runs (at its smallest
# point), each study script parses, and every figure a write-up in docs/studies/ embeds exists.
# The studies themselves are `make plots` (minutes), not this test.
# Usage: studies_test.sh RMESIM_BINARY REPOSITORY
set -u
bin=$(realpath "$1"); repo=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

for f in "$repo"/scenarios/studies/*.yaml; do
  s=$(basename "$f" .yaml)
  "$bin" run "$f" --out "$work/$s" -q > /dev/null 2> "$work/$s.err"; rc=$?
  check "study base $s runs at its smallest point" '[ $rc = 0 ] && [ -s "$work/$s/stats.json" ]'
  st=$s; [ -e "$repo/scenarios/studies/$s.sh" ] || st=${s%%-*}  # a study's second base: STUDY-WHAT.yaml
  check "study $s has a script that parses and a write-up" 'bash -n "$repo/scenarios/studies/$st.sh" && [ -s "$repo/docs/studies/$st.md" ]'
done
for md in "$repo"/docs/studies/*.md; do
  missing=""
  for img in $(grep -o '](\([a-z-]*/[a-z0-9-]*\.png\))' "$md" | sed 's/](\(.*\))/\1/'); do
    [ -s "$repo/docs/studies/$img" ] && [ -s "$repo/docs/studies/${img%.png}.svg" ] || missing="$missing $img"
  done
  check "$(basename "$md"): every embedded figure exists as PNG and SVG (missing:$missing)" '[ -z "$missing" ]'
done
# merge-sweeps: two sweeps become one grid, labelled, renumbered, with totals over columns.
fx=$repo/tests/tools/fixtures/sweep.csv
"$repo/scenarios/studies/merge-sweeps" "$work/m.csv" --column rmi --total 'creates=^phases\.create\.duration_ns$' \
  "$fx=one" "$fx=two" > /dev/null 2>&1; rc=$?
n=$(($(wc -l < "$fx") - 1))
check "merge-sweeps: both CSVs' rows, the label as the first grid column, points renumbered, the total" \
  '[ $rc = 0 ] && [ "$(head -1 "$work/m.csv" | cut -d, -f1-2)" = point,rmi ] && [ $(($(wc -l < "$work/m.csv") - 1)) = $((2 * n)) ] &&
   [ "$(tail -1 "$work/m.csv" | cut -d, -f1-2)" = "$((2 * n - 1)),two" ] && head -1 "$work/m.csv" | grep -q ",creates$" &&
   [ "$(sed -n 2p "$work/m.csv" | awk -F, "{print \$NF}")" = "$(sed -n 2p "$fx" | cut -d, -f8)" ]'
"$repo/scenarios/studies/merge-sweeps" "$work/bad.csv" --column rmi "$fx" > /dev/null 2>&1; rc=$?
check "merge-sweeps: --column without a label is refused" '[ $rc = 2 ] && [ ! -e "$work/bad.csv" ]'
echo "studies: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 6 ]
