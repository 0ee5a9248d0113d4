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
  check "study $s has a script that parses and a write-up" 'bash -n "$repo/scenarios/studies/$s.sh" && [ -s "$repo/docs/studies/$s.md" ]'
done
for md in "$repo"/docs/studies/*.md; do
  missing=""
  for img in $(grep -o '](\([a-z-]*/[a-z0-9-]*\.png\))' "$md" | sed 's/](\(.*\))/\1/'); do
    [ -s "$repo/docs/studies/$img" ] && [ -s "$repo/docs/studies/${img%.png}.svg" ] || missing="$missing $img"
  done
  check "$(basename "$md"): every embedded figure exists as PNG and SVG (missing:$missing)" '[ -z "$missing" ]'
done
echo "studies: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 6 ]
