#!/usr/bin/env bash
# A raw `rmi: REC_ENTER` step ends within its cap: a REC that never exits (a guest spinning)
# is stopped by the host's tick at `timeout` and returns with RMI_EXIT_IRQ; a REC that exits
# sooner returns as it did, and the tick it did not need leaves no trace in the run's time.
# Usage: rec_enter_tick_test.sh RMESIM_BINARY
set -u
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }

# compute with 2^62 iterations spins for as long as anyone will wait. The first run makes the
# REC and brings the guest into its loop; the raw REC_ENTER then runs it on the VMM's PE.
scenario() {  # $1 = image, $2 = args, $3 = the rmi step's extra fields
  cat <<YAML
name: rec-enter-tick
seed: 1
platform: {cores: 2}
realms:
  r0: {memory: 16MiB, vcpus: 1, image: $1, args: $2}
steps:
  - create: r0
  - run: {vm: r0, for: 3ms}
  - {rmi: REC_ENTER, rec: r0.rec0, run: s1$3}
  - teardown: r0
  - check: {granules_delegated: 0}
YAML
}
# Evaluates $2 on the rmi step `s` of the run in $1.
step() { python3 -c "import json,sys; d=json.load(open('$1/stats.json')); s=[s for s in d['steps'] if s['kind'] == 'rmi'][0]; print(eval(sys.argv[1]))" "$2"; }

scenario compute '[0x4000000000000000]' ', timeout: 2ms' > "$work/spin.yaml"
timeout 60 "$bin" run "$work/spin.yaml" --out "$work/spin" -q; rc=$?
check "a spinning REC entered raw returns RMI_EXIT_IRQ at its 2 ms cap" \
  '[ $rc = 0 ] && step "$work/spin" "s[\"outcome\"]" | grep -q "RMI_SUCCESS (exit RMI_EXIT_IRQ)$" && [ "$(step "$work/spin" "2e6 <= s[\"duration_ns\"] < 2.1e6")" = True ]'
check "the tick is the host's CNTHP on PPI 26, taken through the GIC and acknowledged once" \
  '[ "$(json $work/spin/stats.json "d[\"stats\"][\"gicv3\"][\"acknowledged\"] == 1 and d[\"stats\"][\"gicv3\"][\"mmio_accesses\"] > 0")" = True ]'

# realm-hello's first exit after its run is an MMIO write to the UART: it comes long before
# the default cap of 1 s, and the run ends in milliseconds.
scenario realm-hello '[1]' '' > "$work/quick.yaml"
timeout 60 "$bin" run "$work/quick.yaml" --out "$work/quick" -q; rc=$?
check "a REC that exits by itself returns its own exit, and the unused tick does not extend the run" \
  '[ $rc = 0 ] && step "$work/quick" "s[\"outcome\"]" | grep -q "RMI_SUCCESS (exit RMI_EXIT_SYNC)$" && [ "$(json "$work/quick/stats.json" "d[\"sim_time_ns\"] < 1e8")" = True ]'

# The cap belongs to REC_ENTER only.
sed 's/rmi: REC_ENTER, rec: r0.rec0, run: s1/rmi: GRANULE_DELEGATE, addr: g1, timeout: 1ms/' "$work/quick.yaml" > "$work/bad.yaml"
"$bin" run "$work/bad.yaml" --out "$work/bad" -q 2> "$work/bad.txt"; rc=$?
check "timeout on another RMI command is refused at load" \
  '[ $rc = 2 ] && grep -q "bad.yaml:9:.*timeout" "$work/bad.txt" && [ ! -e "$work/bad/stats.json" ]'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
