#!/usr/bin/env bash
# trace.json as Perfetto reads it, for several shipped scenarios (trace_check.py: valid trace
# events, whole-ns timestamps, named and ordered tracks with PE0 first, every slice inside its
# parent); the RMM, host, GPC and DMA engine draw what they own; a populate far larger than the
# trace limit keeps a bounded trace that still covers teardown and says what it left out.
# Usage: trace_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$1; scen=$2
here=$(cd "$(dirname "$0")" && pwd)
checker="$here/trace_check.py"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }

# The checker itself fails on a child that ends after its parent and on fractional ns.
cat > "$work/bad.json" <<'JSON'
{"traceEvents":[{"ph":"M","name":"process_name","pid":1,"tid":0,"args":{"name":"soc.pe0"}},
{"ph":"M","name":"process_sort_index","pid":1,"tid":0,"args":{"sort_index":1}},
{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"realm"}},
{"ph":"M","name":"thread_sort_index","pid":1,"tid":1,"args":{"sort_index":1}},
{"ph":"X","name":"RMI_REC_ENTER","cat":"rmi","pid":1,"tid":1,"ts":1.0,"dur":2.0},
{"ph":"X","name":"RSI_HOST_CALL","cat":"rsi","pid":1,"tid":1,"ts":2.0,"dur":1.001}],"otherData":{}}
JSON
python3 "$checker" "$work/bad.json" > /dev/null 2> "$work/bad.err"; rc=$?
check "the checker refuses a child that ends 1 ns after its parent" '[ $rc = 1 ] && grep -q "RSI_HOST_CALL .* overlaps its parent RMI_REC_ENTER" "$work/bad.err"'
sed 's/"dur":1.001/"dur":0.9995/' "$work/bad.json" > "$work/frac.json"
python3 "$checker" "$work/frac.json" > /dev/null 2> "$work/frac.err"; rc=$?
check "the checker refuses a timestamp that is not whole ns" '[ $rc = 1 ] && grep -q "not a whole number of ns" "$work/frac.err"'

# Shipped scenarios: each trace is valid and nests, with what each owner draws.
for s in realm-lifecycle two-realms realm-and-vm attack-host-read attack-bad-rmi attack-teardown boot-delegate; do
  "$bin" run "$scen/$s.yaml" --out "$work/$s" -q 2> /dev/null; rc=$?
  python3 "$checker" "$work/$s/trace.json" > /dev/null 2> "$work/$s.check"; crc=$?
  check "$s: trace.json is valid, ordered, and every slice nests in its parent" '[ $rc = 0 ] && [ $crc = 0 ]'
  [ $crc = 0 ] || head -5 "$work/$s.check"
done
python3 "$checker" "$work/realm-lifecycle/trace.json" --expect RMI_REC_ENTER --expect RSI_HOST_CALL \
  --expect PSCI_CPU_ON --expect KVM_RUN --expect KVM_ARM_RMI_POPULATE --expect GTSI_DELEGATE \
  --expect-in teardown:RMI_DATA_DESTROY > /dev/null; rc=$?
check "realm-lifecycle: the RMM draws RMI, RSI and PSCI, the host its ioctls, the monitor GTSI" '[ $rc = 0 ]'
check "realm-lifecycle: RMI slices are the RMM's (realm track), KVM_RUN the host's (non_secure track)" \
  '[ "$(json $work/realm-lifecycle/trace.json "sorted(set((next(m[\"args\"][\"name\"] for m in d[\"traceEvents\"] if m[\"name\"]==\"thread_name\" and (m[\"pid\"],m[\"tid\"])==(e[\"pid\"],e[\"tid\"])), e[\"cat\"]) for e in d[\"traceEvents\"] if e.get(\"cat\") in (\"rmi\",\"kvm\")))")" = "[('"'"'non_secure'"'"', '"'"'kvm'"'"'), ('"'"'realm'"'"', '"'"'rmi'"'"')]" ]'
python3 "$checker" "$work/attack-host-read/trace.json" --expect GPF --expect "DMA transfer" --expect "GPF: sigbus" > /dev/null; rc=$?
check "attack-host-read: GPFs of the host_read and dma steps are drawn, and the DMA transfer" '[ $rc = 0 ]'
check "attack-host-read: the SMMU draws the GPF of the DMA at its output, inside the faulting transfer" \
  '[ "$(json $work/attack-host-read/trace.json "[(e[\"name\"], p) for p in (\"soc.smmuv3\", \"soc.dma_engine\") for e in d[\"traceEvents\"] if e[\"ph\"]!=\"M\" and e[\"pid\"]==next(m[\"pid\"] for m in d[\"traceEvents\"] if m[\"name\"]==\"process_name\" and m[\"args\"][\"name\"]==p)]")" = "[('"'"'GPF'"'"', '"'"'soc.smmuv3'"'"'), ('"'"'DMA transfer'"'"', '"'"'soc.dma_engine'"'"')]" ] && [ "$(json $work/attack-host-read/trace.json "(lambda g, t: round(t[\"ts\"] * 1000) <= round(g[\"ts\"] * 1000) <= round((t[\"ts\"] + t[\"dur\"]) * 1000) and t[\"args\"][\"status\"] == \"fault\")(next(e for e in d[\"traceEvents\"] if e[\"name\"]==\"GPF\" and e[\"cat\"]==\"smmu\"), next(e for e in d[\"traceEvents\"] if e[\"name\"]==\"DMA transfer\"))")" = True ]'
python3 "$checker" "$work/realm-and-vm/trace.json" --expect guest > /dev/null; rc=$?
check "realm-and-vm: guest runs of both worlds are drawn by their owners" \
  '[ $rc = 0 ] && [ "$(json $work/realm-and-vm/trace.json "len(set(e[\"tid\"] for e in d[\"traceEvents\"] if e[\"name\"]==\"guest\"))")" = 2 ]'

# A populate of 16384 pages with a trace limit of 50 events per track end: the same bounding a
# 4 GiB populate (2^20 pages) gets from the default limit, in a fraction of its time. The trace
# stays bounded, covers the whole run, teardown included, and says what it left out.
"$bin" run "$scen/populate-1g.yaml" --out "$work/pop" -q --trace-limit 50 \
  --set realms.r0.memory=64MiB --set realms.r0.populate_size=64MiB; rc=$?
python3 "$checker" "$work/pop/trace.json" --expect-in create:RMI_DATA_CREATE --expect-in teardown:RMI_DATA_DESTROY \
  --expect-in teardown:GTSI_UNDELEGATE --expect-in teardown:RMI_REALM_DESTROY > "$work/pop.check" 2>&1; crc=$?
check "a populate 300 times the trace limit keeps teardown in its trace" '[ $rc = 0 ] && [ $crc = 0 ]' || cat "$work/pop.check"
check "... with at most 3 x 50 events (and one omission marker) per track, and says how many it omitted" \
  '[ "$(json $work/pop/trace.json "max(__import__(\"collections\").Counter((e[\"pid\"],e[\"tid\"]) for e in d[\"traceEvents\"] if e[\"ph\"]!=\"M\").values()) <= 151 and d[\"otherData\"][\"omitted\"] > 50000 and d[\"otherData\"][\"limit_per_track\"] == 50")" = True ]'
check "... and PE0's realm track (pid 1, tid 2: the SoC names the PE tracks first) ends with the realm's destruction" \
  '[ "$(json $work/pop/trace.json "[e[\"name\"] for e in d[\"traceEvents\"] if e[\"ph\"]==\"X\" and (e[\"pid\"],e[\"tid\"])==(1,2)][-3:]")" = "['"'"'RMI_REALM_DESTROY'"'"', '"'"'RMI_GRANULE_UNDELEGATE'"'"', '"'"'RMI_GRANULE_UNDELEGATE'"'"']" ]'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/z" -q --trace-limit 0 2> "$work/z.err"; rc=$?
check "--trace-limit 0 is bad input (exit 2), nothing written" '[ $rc = 2 ] && grep -q -- "--trace-limit must be" "$work/z.err" && [ ! -e "$work/z" ]'
"$bin" run "$scen/boot-delegate.yaml" --out "$work/z" -q --trace-limit 12x 2> /dev/null; rc=$?
check "--trace-limit 12x is bad input (exit 2)" '[ $rc = 2 ]'

echo "trace: $pass passed, $fail failed"
[ $fail = 0 ]
