#!/usr/bin/env bash
# The `rmi` step's result registers (reported and asserted by their declared names) and typed
# `write` values (u64 lists, u32, byte lists, a RealmParams by field) end to end: what a step
# wrote is what the RMM reads, and a wrong expectation fails the run (exit 1) naming the register.
# Usage: rmi_step_test.sh RMESIM_BINARY
set -u
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() {  # name, command
  if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
run() {  # name: runs $work/$1.yaml, output in $work/$1.txt and $work/$1.err, exit status in rc
  "$bin" run "$work/$1.yaml" --out "$work/$1" > "$work/$1.txt" 2> "$work/$1.err"; rc=$?
}

# A realm: RMI_VERSION's X1/X2 and RTT_READ_ENTRY's X1..X4 of a populated page.
cat > "$work/results.yaml" <<'YAML'
name: rmi-results
realms:
  r0:
    memory: 16MiB
    image: realm-hello
steps:
  - create: r0
  - {rmi: VERSION, version: 0x10000, expect: {status: RMI_SUCCESS, lower: 0x10000, higher: 0x10000}}
  - {rmi: VERSION, version: 0x20000, expect: {status: RMI_ERROR_INPUT, lower: 0x10000, higher: 0x10000}}
  - {rmi: RTT_READ_ENTRY, rd: r0, ipa: 0x80000000, level: 3, expect: {walk_level: 3, state: 1, desc: r0.data@0x80000000, ripas: 1}}
  - {rmi: RTT_READ_ENTRY, rd: r0, ipa: 0x80400000, level: 3, expect: {walk_level: 2, state: 0, ripas: 1}}
YAML
run results
check "every expected result register holds" '[ $rc = 0 ]'
check "results are reported by name" 'grep -q "RMI_RTT_READ_ENTRY(rd=r0(0x[0-9a-f]*), ipa=0x80000000, level=3) -> RMI_SUCCESS walk_level=0x3 state=0x1 desc=0x[0-9a-f]* ripas=0x1" "$work/results.txt"'
check "RMI_VERSION reports lower and higher" 'grep -q "RMI_VERSION(version=0x10000) -> RMI_SUCCESS lower=0x10000 higher=0x10000" "$work/results.txt"'

# Each register can fail the run: X1..X4 of RTT_READ_ENTRY, X2 of RMI_VERSION.
for wrong in "walk_level: 2" "state: 0" "desc: 0x1000" "ripas: 0"; do
  name=${wrong%%:*}
  python3 - "$work/results.yaml" "$work/wrong.yaml" "$name" "${wrong#*: }" <<'PY'
import re, sys
src, dst, key, val = sys.argv[1:]
text = open(src).read()
line = [l for l in text.splitlines() if "ipa: 0x80000000, level: 3" in l][0]
open(dst, "w").write(text.replace(line, re.sub(key + r": [^,}]*", key + ": " + val, line)))
PY
  run wrong
  check "a wrong $name fails the run and names the register" '[ $rc = 1 ] && grep -q "RMI_RTT_READ_ENTRY: $name (X[1-4])" "$work/wrong.err"'
done
sed 's/version: 0x10000, expect: {status: RMI_SUCCESS, lower: 0x10000, higher: 0x10000}/version: 0x10000, expect: {higher: 0x20000}/' \
  "$work/results.yaml" > "$work/wrong.yaml"
run wrong
check "a wrong RMI_VERSION higher fails the run" '[ $rc = 1 ] && grep -q "RMI_VERSION: higher (X2) 0x10000, expected 0x20000" "$work/wrong.err"'

# Typed writes build the RmiRealmParams that REALM_CREATE reads: by field, then as u64 slots.
cat > "$work/typed.yaml" <<'YAML'
name: typed-write
vms:
  vm0:
    image: compute
steps:
  - {rmi: GRANULE_DELEGATE, addr: dram+0x40000000}
  - {rmi: GRANULE_DELEGATE, addr: dram+0x40001000}
  - write: {pa: dram+0x40002000, value: {RealmParams: {s2sz: 39, num_bps: 2, num_wps: 2, vmid: 7, rtt_base: 0xC0001000, rtt_level_start: 1, rtt_num_start: 1, rpv: [1, 2, 3]}}}
  - {rmi: REALM_CREATE, rd: dram+0x40000000, params: dram+0x40002000}
  - {rmi: RTT_READ_ENTRY, rd: dram+0x40000000, ipa: 0x40000000, level: 1, expect: {walk_level: 1, state: 0, desc: 0, ripas: 0}}
  - {rmi: REALM_DESTROY, rd: dram+0x40000000}
  - write: {pa: dram+0x40002000, value: {u64: [0, 39, 0, 2, 2, 0, 0]}}
  - write: {pa: dram+0x40002800, value: {u64: [8, 0xC0001000, 1, 1]}}
  - {rmi: REALM_CREATE, rd: dram+0x40000000, params: dram+0x40002000}
  - {rmi: REALM_DESTROY, rd: dram+0x40000000}
  - write: {pa: dram+0x40002818, value: {u32: 2}}
  - {rmi: REALM_CREATE, rd: dram+0x40000000, params: dram+0x40002000, expect: RMI_ERROR_INPUT}
  - write: {pa: dram+0x40002818, value: [1, 0, 0, 0]}
  - write: {pa: dram+0x40002018, size: 1, value: 0}
  - {rmi: REALM_CREATE, rd: dram+0x40000000, params: dram+0x40002000, expect: RMI_ERROR_INPUT}
  - {rmi: GRANULE_UNDELEGATE, addr: dram+0x40000000}
  - {rmi: GRANULE_UNDELEGATE, addr: dram+0x40001000}
YAML
run typed
check "typed writes make the RmiRealmParams REALM_CREATE reads" '[ $rc = 0 ] || cat "$work/typed.err"'
check "a struct write is the structure's size" 'grep -q "write 4096 B at 0xc0002000" "$work/typed.txt"'
check "a u64 list is 8 bytes each" 'grep -q "write 56 B at 0xc0002000" "$work/typed.txt"'
# The write matters: without num_bps the same REALM_CREATE is refused.
sed 's/{s2sz: 39, num_bps: 2, /{s2sz: 39, /' "$work/typed.yaml" > "$work/nobps.yaml"
run nobps
check "a RealmParams without num_bps is refused by the RMM" '[ $rc = 1 ] && grep -q "REALM_CREATE: expected RMI_SUCCESS, got RMI_ERROR_INPUT" "$work/nobps.err"'

# RMM 2.0-bet1's stateful operations by hand: $handle names the handle REC_CREATE and REC_DESTROY
# returned, a list argument is a page of PAs (OP_MEM_DONATE's list), and a finished operation's
# handle is stale.
R=0x3c00000
g() { printf 'dram+0x%x' $((R + $1 * 4096)); }
list() { local l="" i; for i in $(seq "$1" $(($1 + 7))); do l="$l${l:+, }$(g "$i")"; done; echo "[$l]"; }
cat > "$work/sro.yaml" <<YAML
name: sro-by-hand
rmm: {version: 2.0-bet1}
vms:
  v0: {image: compute}
steps:
  - {rmi: GRANULE_RANGE_DELEGATE, base: $(g 0), top: $(g 24), expect: {top: $(g 24)}}
  - {rmi: REALM_CREATE, rd: $(g 0), params: {s2sz: 36, rtt_base: $(g 1), rtt_level_start: 1, rtt_num_start: 1}}
  - {rmi: REC_CREATE, rd: $(g 0), rec: $(g 2), params: {flags: 1, mpidr: 0, pc: 0x1000}, expect: RMI_INCOMPLETE}
  - {rmi: OP_MEM_DONATE, handle: \$handle, list: $(list 3), count: 8, expect: {status: RMI_INCOMPLETE, consumed: 8}}
  - {rmi: OP_MEM_DONATE, handle: \$handle, list: $(list 11), count: 8, expect: {status: RMI_INCOMPLETE, consumed: 8}}
  - {rmi: OP_CONTINUE, handle: \$handle, flags: 0}
  - {rmi: OP_CONTINUE, handle: \$handle, flags: 0, expect: RMI_ERROR_INPUT}
  - {rmi: REALM_TERMINATE, rd: $(g 0)}
  - {rmi: REC_DESTROY, rec: $(g 2), expect: RMI_INCOMPLETE}
  - {rmi: OP_MEM_RECLAIM, handle: \$handle, list: l0, capacity: 16, expect: {status: RMI_INCOMPLETE, written: 8}}
  - {rmi: OP_MEM_RECLAIM, handle: \$handle, list: l0, capacity: 16, expect: {status: RMI_SUCCESS, written: 8}}
  - {rmi: REALM_DESTROY, rd: $(g 0)}
  - {rmi: GRANULE_RANGE_UNDELEGATE, base: $(g 0), top: $(g 24), expect: {top: $(g 24)}}
  - check: {granules_delegated: 0}
YAML
run sro
check "an SRO by hand: \$handle and list arguments (rc $rc: $(head -c 300 "$work/sro.err"))" '[ $rc = 0 ]'
check "a list argument is shown as its page" 'grep -q "RMI_OP_MEM_DONATE(handle=\$handle(0x[0-9a-f]*), list=list(0x[0-9a-f]*), count=8) -> RMI_INCOMPLETE" "$work/sro.txt"'
sed 's/handle: \$handle, flags: 0}/handle: 0x1234, flags: 0}/' "$work/sro.yaml" > "$work/wrong.yaml"
run wrong
check "a wrong handle fails OP_CONTINUE" '[ $rc = 1 ] && grep -q "OP_CONTINUE: expected RMI_SUCCESS, got RMI_ERROR_INPUT" "$work/wrong.err"'
printf 'name: x\nrmm: {version: 2.0-bet1}\nvms: {v0: {image: compute}}\nsteps:\n  - {rmi: OP_CANCEL, handle: $nothing}\n' > "$work/bad.yaml"
run bad
check "\$NAME must be a result register (rc $rc)" '[ $rc = 2 ] && grep -q "bad.yaml:5:.*names no RMI result register" "$work/bad.err"'

# The smmu step: the host points the DMA engine's stream anywhere; every access to a realm's
# memory is a device GPF whatever the STE says, and an STE change not invalidated is not seen.
cat > "$work/smmu.yaml" <<YAML
name: smmu-by-hand
realms:
  r0: {image: realm-hello, memory: 16MiB}
vms:
  v0: {image: compute, memory: 16MiB}
steps:
  - create: [r0, v0]
  - {smmu: {ste: bypass}}
  - {dma: {pa: r0.data@0x80000000, expect: fault}}
  - {dma: {pa: r0.data@0x80000000, direction: from_guest, expect: fault}}
  - {dma: {pa: $(g 30), expect: ok}}
  - {smmu: {ste: stage2, ttb: r0.rtt}}
  - {dma: {pa: 0x80000000, expect: fault}}
  - {dma: {vm: v0, ipa: 0x80000000}}
  - {smmu: {ste: stage2, vm: v0}}
  - {dma: {pa: 0x80000000, expect: ok}}
  - {smmu: {ste: abort}}
  - {dma: {pa: $(g 30), expect: fault}}
  - {smmu: {ste: bypass, invalidate: none}}
  - {dma: {pa: $(g 30), expect: fault}}
  - {smmu: {ste: bypass, invalidate: all}}
  - {dma: {pa: $(g 30), expect: ok}}
  - {smmu: {ste: invalid}}
  - {dma: {pa: $(g 30), expect: fault}}
YAML
run smmu
check "smmu steps (rc $rc: $(head -c 300 "$work/smmu.err"))" '[ $rc = 0 ]'
check "the DMAs at a realm's page and through its RTT are device GPFs" 'grep -q "^Device GPFs (SMMU): 3$" "$work/smmu.txt"'
check "an invalid STE is C_BAD_STE" 'grep -q "SMMU events: C_BAD_STE" "$work/smmu.txt"'

"$bin" help steps > "$work/help.txt"
check "help steps lists result registers" 'grep -q "RMI_RTT_READ_ENTRY: rd ipa level -> walk_level state desc ripas" "$work/help.txt"'
check "help steps documents typed values" 'grep -q "^Typed values" "$work/help.txt" && grep -q "{u8|u16|u32|u64: N" "$work/help.txt"'

echo "rmi step: $pass passed, $fail failed"
[ $fail = 0 ]
