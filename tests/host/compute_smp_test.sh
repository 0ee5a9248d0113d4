#!/usr/bin/env bash
# compute-smp (the multi-vCPU speed guest of bench_host): CPU 0 brings up the others, each runs
# the compute loop a0 times, and CPU 0 powers off after all of them are off; the instructions
# retired cover every CPU's loop (8 instructions an iteration), and two runs are identical.
# Usage: compute_smp_test.sh RMESIM_BINARY
set -u
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }
cat > "$work/smp.yaml" <<'YAML'
name: compute-smp-test
seed: 1
platform: {cores: 4, dram: 1GiB}
realms:
  r0: {memory: 64MiB, vcpus: 3, image: compute-smp, args: [20000, 3], populate: measured}
steps:
  - create: r0
  - run: {vm: r0, until: stopped, timeout: 1s}
  - check: {vm: r0, stopped: system_off, console: "compute-smp: 20000 iterations on each of 3 CPUs"}
  - teardown: r0
  - check: {granules_delegated: 0}
YAML
"$bin" run "$work/smp.yaml" --out "$work/a" > "$work/a.txt"; rc=$?
check "compute-smp runs to SYSTEM_OFF" '[ $rc = 0 ] && grep -q "Result: ok" "$work/a.txt"'
check "every CPU ran its loop: at least 3 x 8 x 20000 instructions, not 4 x" \
  '[ "$(json $work/a/stats.json "3*8*20000 <= d[\"stats\"][\"cpu\"][\"instructions\"] < 4*8*20000")" = True ]'
check "two CPU_ONs, their CPU_OFFs and SYSTEM_OFF are PSCI exits" \
  '[ "$(json $work/a/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"rec_exits\"][\"RMI_EXIT_PSCI\"] >= 5")" = True ]'
"$bin" run "$work/smp.yaml" --out "$work/b" > /dev/null
check "two runs write the same stats.json and trace.json" \
  'cmp -s "$work/a/stats.json" "$work/b/stats.json" && cmp -s "$work/a/trace.json" "$work/b/trace.json"'
echo "compute-smp: $pass passed, $fail failed"
[ "$fail" = 0 ]
