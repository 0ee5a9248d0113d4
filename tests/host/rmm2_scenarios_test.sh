#!/usr/bin/env bash
# RMM 2.0-bet1 end to end: the v14 host flow over it for the realm-hello realm (2 RECs) and a
# 4-REC realm, whole lifecycle; the v12/1.0 pair side by side (tools/rmm-compare); the
# version pairing rules at load; determinism; 16 and 64 KiB host pages (RMI granules).
# Usage: rmm2_scenarios_test.sh RMESIM_BINARY SCENARIO_DIR TOOLS_DIR
set -u
bin=$1; scen=$2; tools=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "
import json,sys
d=json.load(open('$1'))
r=d['stats']['rmm']['rmi']
calls=lambda c: r[c]['calls'] if c in r else 0
try: print(eval(sys.argv[1]))
except KeyError as e: sys.exit('stats.json has no key %s (in: %s)' % (e, sys.argv[1][:120]))" "$2"; }

# realm-lifecycle over 2.0-bet1: the v14 kernel's flow, start to end.
"$bin" run "$scen/realm-lifecycle.yaml" --set rmm.version=2.0-bet1 --out "$work/l2" > "$work/l2.txt" 2>&1; rc=$?
check "realm-lifecycle over 2.0-bet1 runs ok and the realm says done" \
  '[ $rc = 0 ] && grep -q "Result: ok" "$work/l2.txt" && grep -q "| realm-hello: done" "$work/l2.txt"'
check "2.0-bet1: every granule undelegated, every host page back, no KVM warning" \
  '[ "$(json $work/l2/stats.json "d[\"granules\"][\"delegated_at_end\"] == 0 and d[\"stats\"][\"host\"][\"pages_used\"] == 0 and d[\"stats\"][\"host\"][\"pages_leaked\"] == 0 and d[\"stats\"][\"host\"][\"r0\"].get(\"warnings\", 0) == 0")" = True ]'
check "2.0-bet1: stats.json names the versions (RMM 2.0-bet1, RMI 2.0 agreed)" \
  '[ "$(json $work/l2/stats.json "d[\"rmm\"] == {\"version\": \"2.0-bet1\", \"rmi_version\": \"2.0\"}")" = True ]'
check "2.0-bet1 init: VERSION, FEATURES 0 and 1, CONFIG_SET, ACTIVATE, TRACKING_GET, GPT_L1_CREATE" \
  '[ "$(json $work/l2/stats.json "calls(\"VERSION\") == 1 and calls(\"FEATURES\") == 2 and calls(\"RMM_CONFIG_SET\") == 1 and calls(\"RMM_ACTIVATE\") == 1 and calls(\"GRANULE_TRACKING_GET\") >= 1 and r[\"GPT_L1_CREATE\"][\"error_gpt\"] == calls(\"GPT_L1_CREATE\") >= 1")" = True ]'
check "2.0-bet1 flow: range delegation, DATA_MAP_INIT populate, DATA_MAP faults, UNPROT_MAP, SRO RECs, TERMINATE" \
  '[ "$(json $work/l2/stats.json "calls(\"GRANULE_RANGE_DELEGATE\") > 0 and calls(\"RTT_DATA_MAP_INIT\") >= 5 and calls(\"RTT_DATA_MAP\") == d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"] > 0 and calls(\"RTT_UNPROT_MAP\") >= 1 and r[\"REC_CREATE\"][\"incomplete\"] == 2 and calls(\"OP_MEM_DONATE\") == 4 and calls(\"OP_CONTINUE\") == 2 and calls(\"OP_MEM_RECLAIM\") == 4 and calls(\"REALM_TERMINATE\") == 1")" = True ]'
check "2.0-bet1: no 1.0-only command was called" \
  '[ "$(json $work/l2/stats.json "not any(c in r for c in [\"GRANULE_DELEGATE\", \"DATA_CREATE\", \"DATA_CREATE_UNKNOWN\", \"DATA_DESTROY\", \"RTT_MAP_UNPROTECTED\", \"REC_AUX_COUNT\"])")" = True ]'
check "2.0-bet1: the fault-in phase is timed, one entry per page faulted in" \
  '[ "$(json $work/l2/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"phases\"][\"fault_in\"][\"count\"] >= d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"] > 0")" = True ]'
"$bin" run "$scen/realm-lifecycle.yaml" --set rmm.version=2.0-bet1 --out "$work/l2b" > /dev/null 2>&1
check "2.0-bet1: the same run twice writes byte-identical stats.json and trace.json" \
  'cmp -s "$work/l2/stats.json" "$work/l2b/stats.json" && cmp -s "$work/l2/trace.json" "$work/l2b/trace.json"'

# Blocks at fault time (scenarios/realm-blocks.yaml): memtouch over 8 MiB, each 2 MiB block one
# RANGE_DELEGATE + one RTT_DATA_MAP of a level-2 block; the guest's checksum is the scenario's
# check, RTT_READ_ENTRY says level 2, and teardown gets every granule back.
"$bin" run "$scen/realm-blocks.yaml" --out "$work/blk" > "$work/blk.txt" 2>&1; rc=$?
check "realm-blocks: the guest reads back every word through block mappings (its checksum, 0 wrong), READ_ENTRY says level 2" \
  '[ $rc = 0 ] && grep -q "Result: ok" "$work/blk.txt" && grep -q "touched 2048 words checksum 0xecbc467417a6bbfd, 0 read back wrong" "$work/blk.txt"'
"$bin" run "$scen/realm-blocks.yaml" --set host.fault_block=4KiB --out "$work/blk4" > "$work/blk4.txt" 2>&1; rc4=$?
check "realm-blocks with 4 KiB faults (v14): the same checksum, but READ_ENTRY says level 3, so the run fails" \
  '[ $rc4 = 1 ] && grep -q "checksum 0xecbc467417a6bbfd, 0 read back wrong" "$work/blk4.txt" && grep -q "walk_level (X1) 0x3, expected 0x2" "$work/blk4.txt"'
# 4 KiB faults: 2048 faults, and 4 level-3 RTTs (an RMI_ERROR_RTT(2) DATA_MAP, a delegation and
# an RTT_CREATE each); 2 MiB: 4 faults, no level-3 RTT.
check "2 MiB faults: 2044 fewer faults, 2048 fewer RTT_DATA_MAPs and RANGE_DELEGATEs, 4 fewer RTT_CREATEs" \
  '[ "$(json $work/blk/stats.json "calls(\"RTT_DATA_MAP\") + 2048 == $(json $work/blk4/stats.json "calls(\"RTT_DATA_MAP\")") and calls(\"GRANULE_RANGE_DELEGATE\") + 2048 == $(json $work/blk4/stats.json "calls(\"GRANULE_RANGE_DELEGATE\")") and calls(\"RTT_CREATE\") + 4 == $(json $work/blk4/stats.json "calls(\"RTT_CREATE\")") and d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"] + 2044 == $(json $work/blk4/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"]") and d[\"host\"][\"fault_block_bytes\"] == 2097152")" = True ]'
check "2 MiB faults: every granule back at the end, no KVM warning" \
  '[ "$(json $work/blk/stats.json "d[\"granules\"][\"delegated_at_end\"] == 0 and d[\"stats\"][\"host\"][\"pages_used\"] == 0 and d[\"stats\"][\"host\"][\"r0\"].get(\"warnings\", 0) == 0")" = True ]'
"$bin" run "$scen/realm-blocks.yaml" --set host.abi=v12 --set rmm.version=1.0 --out "$work/blk1" > "$work/blk1.txt" 2>&1; rc=$?
check "host.fault_block 2MiB under RMM 1.0 is a load error naming host.fault_block" \
  '[ $rc = 2 ] && grep -q "host.fault_block.*RMM 2.0-bet1 command" "$work/blk1.txt"'

# Fault-time blocks of the bigger granules: a level-2 block is 32 MiB with 16 KiB pages and
# 512 MiB with 64 KiB. memtouch writes 8 MiB from a block-aligned IPA past the image; with
# host.fault_block the block's size, its first touch maps the whole block (one fault
# where pages take one per page of the 8 MiB; READ_ENTRY says level 2), with the page size each
# page faults in (level 3). The same words read back either way.
for ps in 16KiB 64KiB; do
  if [ $ps = 16KiB ]; then blk=32MiB mem=128MiB at=0x82000000; else blk=512MiB mem=1GiB at=0xA0000000; fi
  cat > "$work/gb$ps.yaml" <<YAML
name: granule-blocks
host: {abi: v14, page_size: $ps, fault_block: $blk}
rmm: {version: 2.0-bet1}
platform: {cores: 2, dram: 4GiB, gpt: {pgs: $ps}}
realms:
  r0: {memory: $mem, vcpus: 1, image: memtouch, args: [8, 4096, $at], populate: measured}
steps:
  - create: r0
  - run: {vm: r0, until: stopped, timeout: 10s}
  - check: {vm: r0, stopped: system_off, console: ["touched 2048 words", "0 read back wrong"]}
  - {rmi: RTT_READ_ENTRY, rd: r0, ipa: $at, level: 3, expect: {status: RMI_SUCCESS, walk_level: 2}}
  - teardown: r0
  - check: {granules_delegated: 0}
YAML
  "$bin" run "$work/gb$ps.yaml" --out "$work/gb$ps" > "$work/gb$ps.txt" 2>&1; rc=$?
  "$bin" run "$work/gb$ps.yaml" --set host.fault_block=$ps --out "$work/gp$ps" > "$work/gp$ps.txt" 2>&1; rcp=$?
  check "host.page_size $ps, fault_block $blk: the touched memory is one level-2 block, read back whole, torn down clean" \
    '[ $rc = 0 ] && [ "$(json $work/gb$ps/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"] + 8 * 1024 // ${ps%KiB} - 1 == $(json $work/gp$ps/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"runtime_faults\"]") and d[\"stats\"][\"host\"][\"pages_used\"] == 0")" = True ]'
  check "host.page_size $ps, fault_block $ps: the same guest result page by page, but READ_ENTRY says level 3 (the run fails)" \
    '[ $rcp = 1 ] && grep -q "walk_level (X1) 0x3, expected 0x2" "$work/gp$ps.txt" && [ "$(json $work/gb$ps/stats.json "d[\"realms\"][\"r0\"][\"result\"]")" = "$(json $work/gp$ps/stats.json "d[\"realms\"][\"r0\"][\"result\"]")" ]'
done
"$bin" run "$scen/realm-blocks.yaml" --set host.page_size=16KiB --set platform.gpt.pgs=16KiB --out "$work/gb2m" > "$work/gb2m.txt" 2>&1; rc=$?
check "host.fault_block 2MiB with 16 KiB pages is a load error naming the page and the 32 MiB block" \
  '[ $rc = 2 ] && grep -q "host.fault_block.*expected 16KiB (pages of host.page_size) or 32MiB" "$work/gb2m.txt"'
# Populate blocks of 16 KiB pages are 32 MiB: 2048 pages in one KVM_ARM_RMI_POPULATE call.
p16b="--set rmm.version=2.0-bet1 --set host.page_size=16KiB --set platform.gpt.pgs=16KiB --set host.populate_block=32MiB --set realms.r0.populate_size=128MiB"
"$bin" run "$scen/studies/populate.yaml" $p16b --set host.populate_chunk=2048 --out "$work/pb16" > "$work/pb16.txt" 2>&1; rc=$?
check "populate_block 32MiB at 16 KiB pages: 128 MiB populated as 4 folded level-2 blocks, torn down clean" \
  '[ $rc = 0 ] && [ "$(json $work/pb16/stats.json "calls(\"RTT_FOLD\") == 4 and d[\"granules\"][\"delegated_at_end\"] == 0")" = True ]'
"$bin" run "$scen/studies/populate.yaml" $p16b --out "$work/pb16c" > "$work/pb16c.txt" 2>&1; rc=$?
check "populate_block 32MiB with the default chunk (512 pages: 8 MiB, less than a block) populates page by page" \
  '[ $rc = 0 ] && [ "$(json $work/pb16c/stats.json "calls(\"RTT_FOLD\") == 0 and d[\"granules\"][\"delegated_at_end\"] == 0")" = True ]'

# GPT level-1 tables on demand: the v14 host's init makes the missing ones (GPT_L1_CREATE).
"$bin" run "$scen/realm-lifecycle.yaml" --set rmm.version=2.0-bet1 --set platform.dram=4GiB \
  --set platform.gpt.l1_tables=on_demand --out "$work/lazy" > "$work/lazy.txt" 2>&1; rc=$?
check "l1_tables on_demand: init creates the two missing L1 tables, the others exist, the realm runs" \
  '[ $rc = 0 ] && grep -q "Result: ok" "$work/lazy.txt" && [ "$(json $work/lazy/stats.json "r[\"GPT_L1_CREATE\"][\"success\"] == 2 and r[\"GPT_L1_CREATE\"][\"error_gpt\"] == 2 and d[\"granules\"][\"delegated_at_end\"] == 0")" = True ]'

# A 16 KiB v14 host asks RMM_CONFIG_SET for a 16 KiB RMI granule (here on a 4 KiB GPT: a granule
# is never smaller than the PGS, and may be larger): from then on granules are 16 KiB.
cat > "$work/p16.yaml" <<'YAML'
name: p16
host: {page_size: 16KiB}
rmm: {version: 2.0-bet1}
steps:
  - {rmi: GRANULE_RANGE_DELEGATE, base: dram+0x40001000, top: dram+0x40005000, expect: RMI_ERROR_INPUT}
  - {rmi: GRANULE_RANGE_DELEGATE, base: dram+0x40000000, top: dram+0x40002000, expect: RMI_ERROR_INPUT}
  - {rmi: GRANULE_RANGE_DELEGATE, base: dram+0x40000000, top: dram+0x40008000, expect: {status: RMI_SUCCESS, top: dram+0x40008000}}
  - check: {granules_delegated: 2}
  - {rmi: GRANULE_RANGE_UNDELEGATE, base: dram+0x40000000, top: dram+0x40008000, expect: {status: RMI_SUCCESS, top: dram+0x40008000}}
  - check: {granules_delegated: 0}
YAML
"$bin" run "$work/p16.yaml" --out "$work/p16" > "$work/p16.txt" 2>&1; rc=$?
check "host.page_size 16KiB: RMM_CONFIG_SET(16 KiB) succeeds; 4 KiB-aligned ranges are RMI_ERROR_INPUT, 16 KiB ones two granules" \
  '[ $rc = 0 ] && [ "$(json $work/p16/stats.json "r[\"RMM_CONFIG_SET\"][\"success\"] == calls(\"RMM_CONFIG_SET\") == 1 and calls(\"RMM_ACTIVATE\") == 1 and d[\"host\"][\"page_size_bytes\"] == 16384")" = True ]'
"$bin" run "$work/p16.yaml" --set host.page_size=4KiB --out "$work/p4" > "$work/p4.txt" 2>&1; rc=$?
check "the same steps at 4 KiB: the 4 KiB-aligned range delegates, so its expectation fails the run" \
  '[ $rc = 1 ] && [ "$(json $work/p4/stats.json "r[\"RMM_CONFIG_SET\"][\"success\"] == 1")" = True ]'

# The whole v14 lifecycle of the realm-hello realm (2 RECs) and the 4-REC realm under 16 and
# 64 KiB host pages, on GPTs of that PGS. realm-hello runs RSI, attestation and PSCI CPU_ON, then
# shares a 64 KiB buffer (aligned to the largest RMI granule, so whole RTT entries under every
# host: RSI_IPA_STATE_SET of less than one entry would be RSI_ERROR_INPUT), the host maps it
# unprotected and answers the host call, the result 0 reaches the host and the scenario's own
# checks hold; KVM tears the realm down. The bigger granules take fewer delegations and mappings
# than 4 KiB (l2 above).
for ps in 16KiB 64KiB; do
  "$bin" run "$scen/realm-lifecycle.yaml" --set rmm.version=2.0-bet1 --set host.page_size=$ps --set platform.gpt.pgs=$ps \
    --out "$work/l$ps" > "$work/l$ps.txt" 2>&1; rc=$?
  check "realm-lifecycle at host.page_size $ps: the 64 KiB share is accepted, the host's reply read back, result 0 at the host, the scenario's checks hold" \
    '[ $rc = 0 ] && grep -q "Result: ok" "$work/l$ps.txt" && [ "$(grep -c "checks hold" "$work/l$ps.txt")" = 2 ] && grep -q "| realm-hello: cpu 1 ran" "$work/l$ps.txt" && grep -q "RSI_IPA_STATE_SET status 0 response 0" "$work/l$ps.txt" && grep -q "| realm-hello: host wrote \"hello from the host\"" "$work/l$ps.txt" && grep -q "| realm-hello: done" "$work/l$ps.txt" && [ "$(json $work/l$ps/stats.json "d[\"realms\"][\"r0\"][\"result\"][:2] == [0, 0] and r[\"RTT_SET_RIPAS\"][\"success\"] == 1 and r[\"RTT_UNPROT_MAP\"][\"success\"] == 1 and r[\"RTT_UNPROT_UNMAP\"][\"success\"] == 1")" = True ]'
  check "realm-lifecycle at $ps: torn down, every granule undelegated, every host page back, no KVM warning" \
    '[ "$(json $work/l$ps/stats.json "d[\"granules\"][\"delegated_at_end\"] == 0 and d[\"stats\"][\"host\"][\"pages_used\"] == 0 and d[\"stats\"][\"host\"][\"r0\"].get(\"warnings\", 0) == 0 and calls(\"REALM_TERMINATE\") == 1 and calls(\"REALM_DESTROY\") == 1")" = True ]'
  check "realm-lifecycle at $ps: fewer RANGE_DELEGATE, RTT_DATA_MAP_INIT, RTT_DATA_MAP and RTT_CREATE calls than at 4 KiB" \
    '[ "$(python3 -c "
import json
a=json.load(open(\"$work/l2/stats.json\"))[\"stats\"][\"rmm\"][\"rmi\"]; b=json.load(open(\"$work/l$ps/stats.json\"))[\"stats\"][\"rmm\"][\"rmi\"]
print(all(b[c][\"calls\"] < a[c][\"calls\"] for c in [\"GRANULE_RANGE_DELEGATE\", \"RTT_DATA_MAP_INIT\", \"RTT_DATA_MAP\", \"RTT_CREATE\"]))")" = True ]'
  "$bin" run "$scen/rmm-v1-vs-v2.yaml" --set host.page_size=$ps --set platform.gpt.pgs=$ps --out "$work/c$ps" > "$work/c$ps.txt" 2>&1; rc=$?
  check "the 4-REC realm (rmm-v1-vs-v2.yaml) at $ps: 6 RECs created and destroyed by SRO, both realms done with result 0, nothing left delegated" \
    '[ $rc = 0 ] && [ "$(grep -c "| realm-hello: done" "$work/c$ps.txt")" = 2 ] && [ "$(json $work/c$ps/stats.json "r[\"REC_CREATE\"][\"calls\"] >= 6 and r[\"REC_DESTROY\"][\"calls\"] >= 6 and d[\"granules\"][\"delegated_at_end\"] == 0 and all(d[\"realms\"][v][\"stopped\"] and d[\"realms\"][v][\"result\"][0] == 0 for v in [\"r0\", \"r4\"])")" = True ]'
done
"$bin" run "$scen/realm-lifecycle.yaml" --set rmm.version=2.0-bet1 --set host.page_size=64KiB --out "$work/p64" > "$work/p64.txt" 2>&1; rc=$?
check "a realm under 64 KiB host pages on a 4 KiB GPT is a load error naming the realm and the PGS" \
  '[ $rc = 2 ] && grep -q "realm-lifecycle.yaml:[0-9]*:[0-9]*: .realms.r0.: .*platform.gpt.pgs to be the host.s page" "$work/p64.txt" && [ ! -e "$work/p64/stats.json" ]'
"$bin" run "$scen/realm-lifecycle.yaml" --set host.page_size=16KiB --out "$work/p16v1" > "$work/p16v1.txt" 2>&1; rc=$?
check "16 KiB host pages under RMM 1.0 are a load error naming host.page_size" \
  '[ $rc = 2 ] && grep -q "host.page_size.*RMM 1.0.s granule is 4 KiB" "$work/p16v1.txt"'

# Raw 2.0 RMI steps: the version's commands, result names and statuses.
cat > "$work/raw2.yaml" <<'YAML'
name: raw2
rmm: {version: 2.0-bet1}
steps:
  - {rmi: GRANULE_RANGE_DELEGATE, base: dram+0x40000000, top: dram+0x40004000, expect: {status: RMI_SUCCESS, top: dram+0x40004000}}
  - {rmi: GRANULE_RANGE_DELEGATE, base: dram+0x40000000, top: dram+0x40001000, expect: RMI_ERROR_INPUT}
  - {rmi: OP_CANCEL, handle: 7, expect: RMI_ERROR_INPUT}
  - {rmi: GRANULE_RANGE_UNDELEGATE, base: dram+0x40000000, top: dram+0x40004000, expect: {status: RMI_SUCCESS, top: dram+0x40004000}}
  - check: {granules_delegated: 0}
YAML
"$bin" run "$work/raw2.yaml" --out "$work/raw2" > "$work/raw2.txt" 2>&1; rc=$?
check "raw 2.0 RMI steps run with the 2.0 declaration's results" \
  '[ $rc = 0 ] && grep -q "RMI_GRANULE_RANGE_DELEGATE(base=dram+0x40000000(0xc0000000), top=dram+0x40004000(0xc0004000)) -> RMI_SUCCESS top=0xc0004000" "$work/raw2.txt"'
sed 's/RMI_ERROR_INPUT}$/RMI_SUCCESS}/' "$work/raw2.yaml" > "$work/raw2bad.yaml"
"$bin" run "$work/raw2bad.yaml" --out "$work/raw2bad" > "$work/raw2bad.txt" 2>&1; rc=$?
check "a wrong expectation on a 2.0 step fails the run" '[ $rc = 1 ]'

# The v14 host over RMM 1.0 negotiates down (the default scenarios); v12 over 2.0 is refused.
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/l1" > "$work/l1.txt" 2>&1
check "v14 over RMM 1.0: RMI_VERSION(2.0) refused naming 1.0, 1.0 spoken, and the realm runs" \
  '[ "$(json $work/l1/stats.json "d[\"rmm\"][\"rmi_version\"] == \"1.0\" and r[\"VERSION\"][\"error_input\"] == 1 and calls(\"VERSION\") == 1 and calls(\"DATA_CREATE\") > 0")" = True ] && grep -q "Result: ok" "$work/l1.txt"'
"$bin" run "$scen/realm-lifecycle.yaml" --set host.abi=v12 --set rmm.version=2.0-bet1 --out "$work/bad" > "$work/bad.txt" 2>&1; rc=$?
check "host.abi v12 with rmm.version 2.0-bet1 is a load error naming rmm.version" \
  '[ $rc = 2 ] && grep -q "rmm.version.*v12 speaks RMI 1.0 only" "$work/bad.txt" && [ ! -e "$work/bad/stats.json" ]'
printf 'name: badv\nrmm:\n  version: 1.5\n' > "$work/badv.yaml"
"$bin" run "$work/badv.yaml" --out "$work/badv" > "$work/badv.txt" 2>&1; rc=$?
check "an undeclared rmm.version is a load error at its line, listing the declared ones" \
  '[ $rc = 2 ] && grep -q "badv.yaml:3:.*rmm.version.*1.0, 2.0-bet1" "$work/badv.txt"'

# A 4-REC realm beside realm-hello, both ways, and the side-by-side report.
OUT="$work/cmp" "$tools/rmm-compare" "$scen/rmm-v1-vs-v2.yaml" "$(dirname "$bin")" > "$work/cmp.txt" 2>&1; rc=$?
check "rmm-v1-vs-v2 runs under both pairs and both realms finish" \
  '[ $rc = 0 ] && grep -q "Result: ok" "$work/cmp/v1.txt" && grep -q "Result: ok" "$work/cmp/v2.txt" && [ "$(grep -c "| realm-hello: done" "$work/cmp/v2.txt")" = 2 ]'
check "the 4-REC realm: 4 RECs made by SRO under 2.0, with AUX from REC_AUX_COUNT under 1.0" \
  '[ "$(json $work/cmp/v2/stats.json "r[\"REC_CREATE\"][\"incomplete\"] == 6 and calls(\"OP_CONTINUE\") == 6")" = True ] && [ "$(json $work/cmp/v1/stats.json "calls(\"REC_AUX_COUNT\") == 2 and calls(\"REC_CREATE\") == 6 and calls(\"GRANULE_DELEGATE\") > 6 * 17")" = True ]'
check "rmm-compare prints both pairs, the commands of each, and every phase" \
  'grep -q "v12/1.0 *v14/2.0-bet1" "$work/cmp.txt" && grep -Eq "GRANULE_RANGE_DELEGATE +- +[0-9]+" "$work/cmp.txt" && grep -Eq "GRANULE_DELEGATE +[0-9]+ +-" "$work/cmp.txt" && grep -q "realm r4" "$work/cmp.txt" && grep -Eq "fault_in +[0-9.]+ +[0-9.]+" "$work/cmp.txt"'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
