#!/usr/bin/env bash
# tools/plot on a fixture sweep CSV: lines over a grid key and stacked cost bars, as PNG and SVG,
# with a unit on every axis; failed points left out; bad input refused.
# Usage: plot_test.sh PLOT_TOOL FIXTURE_CSV   (exit 77, skipped, without Debian's python3-matplotlib)
set -u
plot=$(realpath "$1"); fixture=$(realpath "$2")
/usr/bin/python3 -c "import matplotlib" 2> /dev/null || { echo "matplotlib is not installed (Debian python3-matplotlib): skipped"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

"$plot" lines "$fixture" --x realms.r0.memory --y phases.create.duration_ns --series realms.r0.populate \
  --ylabel "create phase" --out "$work/lines" > "$work/l.txt" 2> "$work/l.err"; rc=$?
check "lines: PNG and SVG written" '[ $rc = 0 ] && is_png "$work/lines.png" && grep -q "<svg" "$work/lines.svg"'
check "lines: x axis labelled with the key and its unit, y with the time unit" \
  'grep -q "realms.r0.memory (MiB)" "$work/lines.svg" && grep -q "create phase (ms)" "$work/lines.svg"'
check "lines: one line per series value" 'grep -q "realms.r0.populate=measured" "$work/lines.svg" && grep -q "realms.r0.populate=unmeasured" "$work/lines.svg"'
check "lines: the failed point is left out and named" 'grep -q "point 4 left out (exit 2" "$work/l.err"'

"$plot" lines "$fixture" --x realms.r0.memory --y phases.create.duration_ns --series realms.r0.populate \
  --ylabel "create phase" --logy --out "$work/logy" > /dev/null 2>&1; rc=$?
check "lines --logy: a log y axis (other tick labels), same axis labels" \
  '[ $rc = 0 ] && ! cmp -s "$work/lines.svg" "$work/logy.svg" && grep -q "create phase (ms)" "$work/logy.svg" && grep -q "10\^" "$work/logy.svg"'

"$plot" costs "$fixture" --breakdown phases.create.time --out "$work/costs" > /dev/null 2>&1; rc=$?
check "costs: PNG and SVG written" '[ $rc = 0 ] && is_png "$work/costs.png" && grep -q "<svg" "$work/costs.svg"'
check "costs: a legend entry per cost category, the y axis in a time unit" \
  'grep -q ">rmm.sha256<" "$work/costs.svg" && grep -q ">smc.world_switch<" "$work/costs.svg" && grep -q "simulated time of phases.create.time (ms)" "$work/costs.svg"'
check "costs: bars labelled with the grid values" 'grep -q "64MiB measured" "$work/costs.svg"'

"$plot" costs "$fixture" --breakdown phases.create.time --out "$work/costs2" > /dev/null 2>&1
check "the same CSV gives byte-identical figures" 'cmp -s "$work/costs.svg" "$work/costs2.svg" && cmp -s "$work/costs.png" "$work/costs2.png"'

"$plot" lines "$fixture" --x realms.r0.memory --y no.such.column --out "$work/bad" > /dev/null 2> "$work/bad.err"; rc=$?
check "an unknown column is refused (exit 2) and nothing is written" '[ $rc = 2 ] && grep -q "no column .no.such.column." "$work/bad.err" && [ ! -e "$work/bad.png" ]'
"$plot" costs "$fixture" --breakdown phases.nothing.time --out "$work/bad" > /dev/null 2> "$work/bad.err"; rc=$?
check "an unknown breakdown is refused (exit 2)" '[ $rc = 2 ] && grep -q "no column phases.nothing.time.by_cost_ps" "$work/bad.err"'
echo "not,a,sweep" > "$work/x.csv"
"$plot" lines "$work/x.csv" --x a --y b > /dev/null 2> "$work/bad.err"; rc=$?
check "a CSV that is not a sweep's is refused (exit 2)" '[ $rc = 2 ] && grep -q "not an rmesim sweep CSV" "$work/bad.err"'

echo "plot: $pass passed, $fail failed"
[ $fail = 0 ]
