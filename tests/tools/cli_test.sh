#!/usr/bin/env bash
# End-to-end checks of the rmesim command line: exit codes, outputs, determinism.
# Usage: cli_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$1; scen=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$bin" --help > "$work/help.txt"; rc=$?
check "--help exits 0 and lists run and --set" '[ $rc = 0 ] && grep -q "rmesim run SCENARIO.yaml" "$work/help.txt" && grep -q -- "--set" "$work/help.txt"'

check "--help names both outputs and the steps help" 'grep -q "stats.json" "$work/help.txt" && grep -q "trace.json" "$work/help.txt" && grep -q "rmesim help steps" "$work/help.txt"'

"$bin" help steps > "$work/steps.txt"; rc=$?
"$bin" --help steps > "$work/steps2.txt"; rc2=$?
kinds=$(sed -n 's/^Step kinds: \([^(]*\).*/\1/p' "$work/help.txt" | tr -d ',')
missing=""
for k in $kinds; do grep -q "^  $k: " "$work/steps.txt" || missing="$missing $k"; done
check "help steps lists every step kind of --help (missing:$missing)" '[ $rc = 0 ] && [ -n "$kinds" ] && [ -z "$missing" ]'
check "--help steps is help steps" '[ $rc2 = 0 ] && cmp -s "$work/steps.txt" "$work/steps2.txt"'
check "help steps gives fields with their types" 'grep -q "^      timeout (duration): " "$work/steps.txt" && grep -q "^  RMI_DATA_CREATE: rd data ipa src flags" "$work/steps.txt"'

# A value that starts with - is a number (two's complement), never a fresh page's name.
printf 'name: neg\nvms:\n  vm0:\n    image: compute\nsteps:\n  - {rmi: RTT_DESTROY, rd: g1, ipa: 0, level: -5, expect: RMI_ERROR_INPUT}\n' > "$work/neg.yaml"
"$bin" run "$work/neg.yaml" --out "$work/neg" > "$work/neg.txt"; rc=$?
check "an rmi level of -5 reaches the RMM as -5" '[ $rc = 0 ] && grep -q "level=-5) -> RMI_ERROR_INPUT" "$work/neg.txt"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/a" > "$work/a.txt"; rc=$?
check "default scenario runs ok" '[ $rc = 0 ] && grep -q "Result: ok" "$work/a.txt" && [ -s "$work/a/stats.json" ]'
check "summary has memory map and GPT geometry" 'grep -q "Memory map" "$work/a.txt" && grep -q "GPT geometry" "$work/a.txt"'
# The first delegate in a fresh contiguous run shatters it: the summary shows it apart.
first=$(sed -n 's/.* delegated 64\/64 granules from 0x80100000 (first \([0-9.]*\) us, then \([0-9.]*\) us each).*/\1 \2/p' "$work/a.txt")
check "summary shows the first delegate of a fresh run slower than the next ones" \
  '[ -n "$first" ] && python3 -c "import sys; a,b=map(float,sys.argv[1:]); sys.exit(0 if a > 2*b else 1)" $first'
check "the Unicorn version in use is printed and recorded (2.1.1 or later)" \
  'grep -q "^rmesim: scenario .*, Unicorn 2\.[1-9]" "$work/a.txt" && python3 -c "import json,sys; v=json.load(open(sys.argv[1]))[\"engine\"][\"unicorn\"]; sys.exit(0 if tuple(map(int, v.split(\".\"))) >= (2,1,1) else 1)" "$work/a/stats.json"'
check "stats.json names scenario, seed, profile" 'grep -q "\"scenario\"" "$work/a/stats.json" && grep -q "\"seed\": 1" "$work/a/stats.json" && grep -q "\"profile\"" "$work/a/stats.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/b" -q; rc=$?
check "same scenario and seed give byte-identical stats.json and trace.json" '[ $rc = 0 ] && cmp -s "$work/a/stats.json" "$work/b/stats.json" && cmp -s "$work/a/trace.json" "$work/b/trace.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/c" -q --set profile.tlbi.broadcast=1000; rc=$?
check "a profile override changes the timing and is recorded" '[ $rc = 0 ] && ! cmp -s "$work/a/stats.json" "$work/c/stats.json" && grep -q "\"origin\": \"--set profile.tlbi.broadcast\"" "$work/c/stats.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/d" -q --set platform.gpt.pgs=64KiB --set platform.dram=4GiB; rc=$?
check "geometry overrides run" '[ $rc = 0 ] && grep -q "\"granule_bytes\": 65536" "$work/d/stats.json"'

printf 'name: bad\nplatform:\n  cores: 2\n  ram: 1GiB\n' > "$work/bad.yaml"
"$bin" run "$work/bad.yaml" --out "$work/e" 2> "$work/e.err"; rc=$?
check "malformed scenario exits 2 naming file:line and key" '[ $rc = 2 ] && grep -q "bad.yaml:4:3" "$work/e.err" && grep -q "platform.ram" "$work/e.err"'
check "nothing is written for a malformed scenario" '[ ! -e "$work/e" ]'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/f" --set profile.no.such.cost=1 2> "$work/f.err"; rc=$?
check "unknown profile override exits 2" '[ $rc = 2 ] && grep -q "no.such.cost" "$work/f.err" && [ ! -e "$work/f" ]'

"$bin" run "$work/missing.yaml" 2>/dev/null; rc=$?
check "missing scenario file exits 2" '[ $rc = 2 ]'

printf 'name: expect-fails\nsteps:\n  - read: {pa: dram+0x100000, expect: gpf}\n' > "$work/exp.yaml"
"$bin" run "$work/exp.yaml" --out "$work/g" > "$work/g.txt"; rc=$?
check "a failed expectation exits 1 and still writes stats.json" '[ $rc = 1 ] && grep -q "\"ok\": false" "$work/g/stats.json"'

printf 'name: bad-exit\nrealms: {r0: {image: realm-hello}}\nsteps:\n  - check: {vm: r0, exits: {RMI_EXIT_PSCII: 2}}\n' > "$work/badexit.yaml"
"$bin" run "$work/badexit.yaml" --out "$work/h" 2> "$work/h.err"; rc=$?
check "an unknown exit name in check.exits exits 2 at load with file:line:col, the key and the known names" \
  '[ $rc = 2 ] && grep -q "badexit.yaml:4:29: .steps\[0\].check.exits.RMI_EXIT_PSCII.: unknown exit .RMI_EXIT_PSCII. (known: RMI_EXIT_SYNC, .*RMI_EXIT_PSCI, .*KVM_EXIT_MMIO" "$work/h.err" && [ ! -e "$work/h" ]'
printf 'name: bad-count\nrealms: {r0: {image: realm-hello}}\nsteps:\n  - check: {vm: r0, exits: {RMI_EXIT_PSCI: "<2"}}\n' > "$work/badcount.yaml"
"$bin" run "$work/badcount.yaml" --out "$work/i" 2> "$work/i.err"; rc=$?
check "an exit count that is not N, >=N or ==N exits 2 at load" \
  '[ $rc = 2 ] && grep -q "badcount.yaml:4:44: .steps\[0\].check.exits.RMI_EXIT_PSCI.: expected a count" "$work/i.err" && [ ! -e "$work/i" ]'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
