#!/usr/bin/env bash
# The progress line of a long run: on stderr with --progress (or on a terminal), saying the
# phase, the simulated time and the pages populated; never in the outputs.
# Usage: progress_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$(realpath "$1"); scen=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
line='^rmesim: realm-lifecycle: phase [a-z_]*, simulated [0-9.]* [numk]*s, [0-9]* pages populated, wall [0-9.]* s$'

"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/p" -q --progress --progress-interval 10 2> "$work/p.err"; rc=$?
check "--progress prints progress lines on stderr (not a terminal: one per line)" '[ $rc = 0 ] && grep -q "$line" "$work/p.err"'
check "the lines follow the run: the simulated time never goes back" \
  'grep "$line" "$work/p.err" | python3 -c "
import re, sys
u = {\"ns\": 1e-9, \"us\": 1e-6, \"ms\": 1e-3, \"s\": 1}
t = [float(m.group(1)) * u[m.group(2)] for m in (re.search(r\"simulated ([0-9.]+) ([a-z]+)\", l) for l in sys.stdin)]
sys.exit(0 if t and t == sorted(t) else 1)"'
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/q" -q 2> "$work/q.err"; rc=$?
check "without --progress and without a terminal, no progress line" '[ $rc = 0 ] && ! grep -q "pages populated" "$work/q.err"'
check "the progress line never reaches the outputs" 'cmp -s "$work/p/stats.json" "$work/q/stats.json" && cmp -s "$work/p/trace.json" "$work/q/trace.json"'
if command -v script > /dev/null; then
  script -qec "'$bin' run '$scen/realm-lifecycle.yaml' --out '$work/t' --progress-interval 10 > /dev/null" /dev/null > "$work/t.tty" 2>&1
  check "on a terminal the line is there without --progress and rewrites itself" 'grep -q "$(printf "\r")rmesim: realm-lifecycle: phase" "$work/t.tty"'
fi
for bad in 0 9 60001 x; do
  "$bin" run "$scen/realm-lifecycle.yaml" --out "$work/bad" -q --progress --progress-interval "$bad" > /dev/null 2> "$work/bad.err"; rc=$?
  check "--progress-interval $bad is refused (exit 2)" '[ $rc = 2 ] && grep -q "progress-interval" "$work/bad.err" && [ ! -e "$work/bad" ]'
done
echo "progress: $pass passed, $fail failed"
[ $fail = 0 ]
