#!/usr/bin/env bash
# The student view of a run: `rmesim run --summary brief` (phases, RMI counts, faults,
# console; no breakdowns, host seconds or zero counters) and `rmesim explain STATS.json KEY`.
# Usage: student_view_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$(realpath "$1"); scen=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$bin" run "$scen/boot-delegate.yaml" --out "$work/full" > "$work/full.txt"; rc1=$?
"$bin" run "$scen/boot-delegate.yaml" --out "$work/brief" --summary brief --stats-format described > "$work/brief.txt"; rc2=$?
check "both summaries run" '[ $rc1$rc2 = 00 ] && grep -q "Result: ok" "$work/brief.txt"'
check "brief keeps the steps, phases, RMI calls and the GPC faults" \
  'grep -q "read 8 B at 0x80100000 as NonSecure: gpf_fail (level 1, GPI REALM)" "$work/brief.txt" &&
   grep -q "^  delegate  *142.356 us$" "$work/brief.txt" && grep -q "^  RMI_VERSION  *1$" "$work/brief.txt" &&
   grep -q "^GPC: checks=1210 cache_hits=846 walks=21 faults_fail=2$" "$work/brief.txt"'
check "brief leaves out the memory map, cost breakdowns, host seconds and wall time" \
  '! grep -q "Memory map\|dram.latency\|host [0-9.]* s\|, wall " "$work/brief.txt" && grep -q "dram.latency" "$work/full.txt"'
check "brief leaves out every zero counter (full keeps them)" \
  '! grep -q "=0\b\|: 0$\| 0 faults\|faults_walk" "$work/brief.txt" && grep -q "Host faults: 0" "$work/full.txt" &&
   grep -q "walk 0" "$work/full.txt"'
check "the summary does not change the outputs" 'cmp -s "$work/full/trace.json" "$work/brief/trace.json"'

"$bin" run "$scen/attack-host-read.yaml" --out "$work/ahr" --summary brief > "$work/ahr.txt"; rc=$?
check "brief lists host faults, the console and REC exits when there are some" \
  '[ $rc = 0 ] && grep -q "^Host faults: 3$" "$work/ahr.txt" && grep -q "^    | realm-hello: done$" "$work/ahr.txt" &&
   grep -q "^    REC exits: RMI_EXIT_SYNC=" "$work/ahr.txt" && grep -q "^    pages: populated=5 KVM_ARM_RMI_POPULATE=2" "$work/ahr.txt" &&
   ! grep -q "lifecycle .* host\|^        " "$work/ahr.txt"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/x" --summary short > "$work/bad.txt" 2>&1; rc=$?
check "an unknown --summary is bad input (exit 2), nothing written" '[ $rc = 2 ] && grep -q "must be full or brief" "$work/bad.txt" && [ ! -e "$work/x" ]'

st="$work/brief/stats.json"
"$bin" explain "$st" pe0.gpc.faults_fail > "$work/e1.txt"; rc=$?
check "explain prints the value, unit and description of a statistic" \
  '[ $rc = 0 ] && [ "$(cat "$work/e1.txt")" = "$(printf "pe0.gpc.faults_fail = 2 count\n    GPF: access PAS not permitted by the GPI")" ]'
"$bin" explain "$st" stats.monitor.transitions > "$work/e2.txt"; rc=$?
check "explain accepts a stats. prefix and a time statistic" '[ $rc = 0 ] && grep -q "^monitor.transitions = {\"total_ns\":[0-9.]*,\"count\":128} ns$" "$work/e2.txt"'
"$bin" explain "$st" soc.pe1.gpc > "$work/e3.txt"; rc=$?
check "explain of a group lists each statistic under it" \
  '[ $rc = 0 ] && [ $(grep -c "^pe1.gpc\." "$work/e3.txt") = 10 ] && grep -q "^pe1.gpc.tlbi_rpa = 192 count$" "$work/e3.txt"'
"$bin" explain "$st" rmm.rmi.VERSION.time > "$work/e4.txt"; rc=$?
check "explain of a breakdown" '[ $rc = 0 ] && grep -q "simulated time in the command, by cost" "$work/e4.txt"'
"$bin" explain "$st" pe0.gpc.nope > "$work/e5.txt" 2>&1; rc=$?
check "an unknown key is exit 2 and names the keys there" '[ $rc = 2 ] && grep -q "no statistic .nope. under .pe0.gpc. (there: checks, cache_hits," "$work/e5.txt"'
"$bin" explain "$work/full/stats.json" pe0.gpc.checks > "$work/e6.txt" 2>&1; rc=$?
check "a stats.json without descriptions is exit 2 with the flag to use" '[ $rc = 2 ] && grep -q "stats-format described" "$work/e6.txt"'
"$bin" explain "$work/full/stats.json" pe0.gpc > "$work/e6b.txt" 2>&1; rc=$?
check "a group without descriptions too" '[ $rc = 2 ] && grep -q "stats-format described" "$work/e6b.txt"'
"$bin" explain "$work/none.json" pe0 > "$work/e7.txt" 2>&1; rc1=$?
echo '{"a": 1' > "$work/broken.json"
"$bin" explain "$work/broken.json" pe0 > "$work/e8.txt" 2>&1; rc2=$?
"$bin" explain "$st" > "$work/e9.txt" 2>&1; rc3=$?
check "a missing or broken file, or no key, is exit 2" \
  '[ $rc1$rc2$rc3 = 222 ] && grep -q "cannot be read" "$work/e7.txt" && grep -q "not an rmesim stats.json" "$work/e8.txt" &&
   grep -q "explain takes a stats.json and a key" "$work/e9.txt"'

# tlbi: paall: the step issues the broadcast every GPC unit counts.
printf 'name: t\nseed: 1\nplatform: {cores: 2, dram: 1GiB}\nsteps:\n  - tlbi: paall\n  - tlbi: paall\n' > "$work/t.yaml"
"$bin" run "$work/t.yaml" --out "$work/t" > "$work/t.txt"; rc=$?
check "tlbi: paall reaches every GPC unit" \
  '[ $rc = 0 ] && grep -q "TLBI PAALLOS: every GPC unit.s cache invalidated" "$work/t.txt" &&
   [ "$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))[\"stats\"]; print(s[\"pe0\"][\"gpc\"][\"tlbi_paall\"], s[\"pe1\"][\"gpc\"][\"tlbi_paall\"], s[\"smmuv3\"][\"gpc\"][\"tlbi_paall\"])" "$work/t/stats.json")" = "2 2 2" ]'
printf 'name: t\nseed: 1\nplatform: {cores: 1, dram: 1GiB}\nsteps:\n  - tlbi: all\n' > "$work/t2.yaml"
"$bin" run "$work/t2.yaml" --out "$work/t2" > "$work/t2.txt" 2>&1; rc=$?
check "tlbi of anything but paall is exit 2 at its line" '[ $rc = 2 ] && grep -q "t2.yaml:5:.*expected paall" "$work/t2.txt"'

echo "student view: $pass passed, $fail failed"
exit $fail
