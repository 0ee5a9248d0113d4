#!/usr/bin/env bash
# A dma step's time depends only on what the transfer does: the same 4 KiB transfer reports the
# same step time and transfer time whatever ran before it (a guest run, a pause, another
# transfer, host work not yet synced), and stats.json's step durations agree. (Before the SMMU, the same step reported
# 0 ns, 220 ns or 611 ns depending on the PE's pending local time.)
# Usage: dma_timing_test.sh RMESIM_BINARY
set -u
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }

cat > "$work/t.yaml" <<'YAML'
name: dma-timing
seed: 1
platform: {cores: 2, dram: 1GiB}
vms:
  vm0: {memory: 16MiB, image: compute, args: [100000]}
steps:
  - create: vm0
  - dma: {vm: vm0, ipa: 0x80001000}
  - dma: {vm: vm0, ipa: 0x80001000}
  - run: {vm: vm0, for: 1ms}
  - dma: {vm: vm0, ipa: 0x80001000}
  - pause: 1ms
  - host_write: {vm: vm0, ipa: 0x80002000, size: 4096, value: 1}
  - dma: {vm: vm0, ipa: 0x80001000}
  - dma: {vm: vm0, ipa: 0x80001000, direction: from_guest}
  - dma: {vm: vm0, ipa: 0x80001000, direction: from_guest}
YAML
"$bin" run "$work/t.yaml" --out "$work/out" > "$work/out.txt"; rc=$?
check "the scenario runs" '[ $rc = 0 ]'
# The first write also probes the SMMU driver; every later write is the same work.
writes=$(grep -o "DMA write to vm0 IPA 0x80001000 .*: ok, 4096 B in [0-9.]* [nu]s" "$work/out.txt" | sed 's/.* in //' | sort -u)
check "four writes, one transfer time" '[ "$(grep -c "DMA write to vm0" "$work/out.txt")" = 4 ] && [ "$(echo "$writes" | wc -l)" = 1 ] && [ -n "$writes" ]'
check "two reads, one transfer time" \
  '[ "$(grep -o "DMA read from vm0 .* in [0-9.]* ns" "$work/out.txt" | sed "s/.* in //" | sort -u | wc -l)" = 1 ]'
check "the step durations in stats.json: writes 2-4 equal, reads equal, all non-zero" \
  '[ "$(json $work/out/stats.json "(lambda s: len(set(s[1:4])) == 1 and s[4] == s[5] and min(s) > 0)([x[\"duration_ns\"] for x in d[\"steps\"] if x[\"kind\"] == \"dma\"])")" = True ]'
echo "$pass passed, $fail failed"
[ $fail = 0 ]
