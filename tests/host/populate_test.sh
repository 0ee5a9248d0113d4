#!/usr/bin/env bash
# KVM_ARM_RMI_POPULATE as the host does it: the chunk size (host.populate_chunk) shows in the
# populate phase, and 2 MiB blocks (host.populate_block) are folded with RMI_RTT_FOLD, measured
# as pages (the same RIM), and unfolded again at teardown (RMM 1.0) or unmapped whole
# (RTT_DATA_UNMAP, RMM 2.0-bet1).
# Usage: populate_test.sh RMESIM_BINARY
set -u
bin=$(realpath "$1")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
# j DIR EXPR: a Python expression over s (stats.json of the run in DIR) is true.
j() { python3 -c "import json,sys; s=json.load(open(sys.argv[1]+'/stats.json')); sys.exit(0 if ($2) else 1)" "$1"; }
cat > "$work/p.yaml" <<'YAML'
name: populate-test
platform: {cores: 2, dram: 1GiB}
realms:
  r0: {memory: 64MiB, vcpus: 1, image: realm-hello, args: [1], populate: measured, populate_size: 8MiB}
steps:
  - phase: create
  - create: r0
  - phase: teardown
  - teardown: r0
  - check: {granules_delegated: 0}
YAML
ph='s["stats"]["host"]["r0"]["phases"]["populate"]'
rmi='s["stats"]["rmm"]["rmi"]'

"$bin" run "$work/p.yaml" --out "$work/c512" -q; rc1=$?
"$bin" run "$work/p.yaml" --out "$work/c1" -q --set host.populate_chunk=1; rc2=$?
check "both chunk sizes populate the realm" '[ $rc1$rc2 = 00 ]'
check "chunk 1 enters KVM_ARM_RMI_POPULATE once per page, inside the populate phase" \
  'j "$work/c1" "$ph[\"count\"] >= 2048 and $ph[\"by_cost_ps\"][\"host.ioctl\"] == $ph[\"count\"] * 400000"'
check "chunk 512 enters it 512 times less often" \
  'j "$work/c512" "$ph[\"by_cost_ps\"][\"host.ioctl\"] == $ph[\"count\"] * 400000 and $ph[\"count\"] <= 6"'
p1=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stats']['host']['r0']['phases']['populate']['time_ps'])" "$work/c1/stats.json")
p512=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stats']['host']['r0']['phases']['populate']['time_ps'])" "$work/c512/stats.json")
check "so the populate phase is longer with chunk 1" '[ "$p1" -gt "$p512" ]'

"$bin" run "$work/p.yaml" --out "$work/b" -q --set host.populate_block=2MiB; rc=$?
check "2 MiB blocks: the realm is populated and torn down with every granule back" '[ $rc = 0 ] && j "$work/b" "s[\"granules\"][\"delegated_at_end\"] == 0 and s[\"host\"][\"populate_block_bytes\"] == 2097152"'
check "each whole, aligned 2 MiB is folded once (RMI_RTT_FOLD)" 'j "$work/b" "$rmi[\"RTT_FOLD\"][\"calls\"] == 4" && j "$work/c512" "$rmi[\"RTT_FOLD\"][\"calls\"] == 0"'
check "blocks are measured page by page: the RIM is the same as with 4 KiB pages" \
  'j "$work/b" "s[\"realms\"][\"r0\"][\"rim\"] == json.load(open(sys.argv[1].replace(\"/b\", \"/c512\") + \"/stats.json\"))[\"realms\"][\"r0\"][\"rim\"] != \"\""'
check "teardown unfolds each block with one more RMI_RTT_CREATE, then destroys its pages" \
  'j "$work/b" "$rmi[\"RTT_CREATE\"][\"calls\"] == json.load(open(sys.argv[1].replace(\"/b\", \"/c512\") + \"/stats.json\"))[\"stats\"][\"rmm\"][\"rmi\"][\"RTT_CREATE\"][\"calls\"] + 4 and $rmi[\"DATA_DESTROY\"][\"calls\"] >= 2048"'
# RMM 2.0-bet1: the same blocks (RTT_DATA_MAP_INIT per page, then RMI_RTT_FOLD); teardown unmaps
# each folded block whole with RTT_DATA_UNMAP (no unfolding RTT_CREATE, fewer RTTs to destroy).
"$bin" run "$work/p.yaml" --out "$work/v2p" -q --set rmm.version=2.0-bet1; rc1=$?
"$bin" run "$work/p.yaml" --out "$work/v2b" -q --set rmm.version=2.0-bet1 --set host.populate_block=2MiB; rc2=$?
v2p() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=d['stats']['rmm']['rmi']; print(eval(sys.argv[2]))" "$work/v2p/stats.json" "$1"; }
check "2.0-bet1 blocks: populated, folded 4 times, torn down with every granule back" \
  '[ $rc1$rc2 = 00 ] && j "$work/v2b" "$rmi[\"RTT_FOLD\"][\"calls\"] == 4 and s[\"granules\"][\"delegated_at_end\"] == 0 and $rmi[\"RTT_DATA_MAP_INIT\"][\"calls\"] == $(v2p "r[\"RTT_DATA_MAP_INIT\"][\"calls\"]")"'
check "2.0-bet1 blocks: the RIM is the pages' RIM (measured page by page)" \
  'j "$work/v2b" "s[\"realms\"][\"r0\"][\"rim\"] == \"$(v2p "d[\"realms\"][\"r0\"][\"rim\"]")\""'
check "2.0-bet1 blocks: teardown unmaps blocks whole: no extra RTT_CREATE, fewer RTT_DATA_UNMAPs and RTT_DESTROYs" \
  'j "$work/v2b" "$rmi[\"RTT_CREATE\"][\"calls\"] == $(v2p "r[\"RTT_CREATE\"][\"calls\"]") and $rmi[\"RTT_DATA_UNMAP\"][\"calls\"] < $(v2p "r[\"RTT_DATA_UNMAP\"][\"calls\"]") and $rmi[\"RTT_DESTROY\"][\"calls\"] + 4 == $(v2p "r[\"RTT_DESTROY\"][\"calls\"]")"'
"$bin" run "$work/p.yaml" --out "$work/b1" -q --set host.populate_block=2MiB --set host.populate_chunk=256; rc=$?
check "a chunk smaller than a block populates page by page (no fold)" '[ $rc = 0 ] && j "$work/b1" "$rmi[\"RTT_FOLD\"][\"calls\"] == 0"'
"$bin" run "$work/p.yaml" --out "$work/bad" -q --set host.populate_block=8KiB 2> "$work/bad.err"; rc=$?
check "host.populate_block other than 4KiB or 2MiB is refused (exit 2)" '[ $rc = 2 ] && grep -q "host.populate_block" "$work/bad.err" && [ ! -e "$work/bad" ]'

echo "populate: $pass passed, $fail failed"
[ $fail = 0 ]
