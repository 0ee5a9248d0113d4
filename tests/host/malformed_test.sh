#!/usr/bin/env bash
# Malformed host scenarios: each case exits 2, names file:line and the key, writes nothing.
# Usage: malformed_test.sh RMESIM_BINARY
set -u
export LC_ALL=C  # cases carry bytes that are not UTF-8
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
head='name: bad
realms:
  r0:
    image: realm-hello'
two="$head
vms:
  vm0:
    image: compute"
# case name | scenario text | expected "file:line[:col]" | expected key text
cases=(
  "unknown realm key|$head
    memroy: 64MiB|bad.yaml:5|realms.r0.memroy"
  "realm without image|name: bad
realms:
  r0:
    memory: 64MiB|bad.yaml:4|realms.r0.image"
  "initrd that does not exist|$head
    initrd: /nonexistent/initramfs.cpio|bad.yaml:5|realms.r0.initrd"
  "bootargs not a string|$head
    bootargs: [console=ttyAMA0]|bad.yaml:5|realms.r0.bootargs"
  "bad populate mode|$head
    populate: sometimes|bad.yaml:5|realms.r0.populate"
  "zero vCPUs|$head
    vcpus: 0|bad.yaml:5|realms.r0.vcpus"
  "bad hash|$head
    hash: md5|bad.yaml:5|realms.r0.hash"
  "shared region overlapping RAM|$head
    shared: [{base: 0x80000000, size: 4096}]|bad.yaml:5|realms.r0.shared[0]"
  "normal VM with a realm-only key|name: bad
vms:
  vm0:
    image: compute
    populate: measured|bad.yaml:5|vms.vm0.populate"
  "duplicate name across realms and vms|$head
vms:
  r0:
    image: compute|bad.yaml:6|vms.r0"
  "bad ABI variant|name: bad
host:
  abi: v13|bad.yaml:3|host.abi"
  "unknown RMI command|$head
steps:
  - {rmi: DATA_MAKE, rd: r0}|bad.yaml:6|steps[0].rmi"
  "argument of another command|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: g1, rd: r0}|bad.yaml:6|steps[0].rmi.rd"
  "missing RMI argument|$head
steps:
  - {rmi: DATA_CREATE, rd: r0, data: g1, ipa: 0, src: s0}|bad.yaml:6|steps[0].rmi.flags"
  "unknown RMI status|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: g1, expect: RMI_ERROR_NOPE}|bad.yaml:6|steps[0].rmi.expect"
  "bad run condition|$head
steps:
  - run: {vm: r0, until: forever}|bad.yaml:6|steps[0].run.until"
  "bad duration|$head
steps:
  - pause: soon|bad.yaml:6|steps[0].pause"
  "bad host_read expectation|$head
steps:
  - host_read: {vm: r0, ipa: 0x80000000, expect: maybe}|bad.yaml:6|steps[0].host_read.expect"
  "bad check state|$head
steps:
  - check: {vm: r0, stopped: asleep}|bad.yaml:6|steps[0].check.stopped"
  # Every step that names a VM names one of the scenario's (issue 9: these failed at run time).
  "unknown VM in run|$two
steps:
  - run: {vm: r9}|bad.yaml:9:15|steps[0].run.vm"
  "unknown VM in run's short form|$two
steps:
  - run: r9|bad.yaml:9:10|steps[0].run"
  "unknown VM in run's list|$two
steps:
  - run: {vms: [r0, r9]}|bad.yaml:9:21|steps[0].run.vms"
  "unknown VM in create|$two
steps:
  - create: [r0, r9]|bad.yaml:9:18|steps[0].create"
  "unknown VM in teardown|$two
steps:
  - teardown: r9|bad.yaml:9:15|steps[0].teardown"
  "unknown VM in host_read|$two
steps:
  - host_read: {vm: r9, ipa: 0x80000000}|bad.yaml:9:21|steps[0].host_read.vm"
  "unknown VM in host_write|$two
steps:
  - host_write: {vm: r9, ipa: 0x80000000}|bad.yaml:9:22|steps[0].host_write.vm"
  "unknown VM in map_page|$two
steps:
  - map_page: {vm: r9, ipa: 0x80200000}|bad.yaml:9:20|steps[0].map_page.vm"
  "unknown VM in map_page's target|$two
steps:
  - map_page: {vm: vm0, ipa: 0x80200000, to: r9.data@0x80000000}|bad.yaml:9:46|steps[0].map_page.to"
  "unknown VM in dma|$two
steps:
  - dma: {vm: r9, ipa: 0x80000000}|bad.yaml:9:15|steps[0].dma.vm"
  "unknown VM in check|$two
steps:
  - check: {vm: r9, stopped: oops}|bad.yaml:9:17|steps[0].check.vm"
  "unknown VM in an rmi granule|$two
steps:
  - {rmi: RTT_CREATE, rd: r0, rtt: r9.rtt, ipa: 0, level: 2}|bad.yaml:9:36|steps[0].rmi.rtt"
  "unknown VM in an rmi params granule|$two
steps:
  - {rmi: REALM_CREATE, rd: g1, params: {rtt_base: r9.rtt}}|bad.yaml:9:52|steps[0].rmi.params.rtt_base"
  "unknown object of a VM|$two
steps:
  - {rmi: REALM_DESTROY, rd: r0.rdd}|bad.yaml:9:30|steps[0].rmi.rd"
  "a REC beyond the VM's vCPUs|$two
steps:
  - {rmi: REC_DESTROY, rec: r0.rec1}|bad.yaml:9:29|steps[0].rmi.rec"
  # The language's words are not VM names (a VM named params or dma broke those steps).
  "VM named params|$head
  params:
    image: realm-hello|bad.yaml:5:3|realms.params"
  "VM named dma|name: bad
vms:
  dma:
    image: compute|bad.yaml:3:3|vms.dma"
  "VM named all|name: bad
vms:
  all:
    image: compute|bad.yaml:3:3|vms.all"
  "VM named dram|name: bad
vms:
  dram:
    image: compute|bad.yaml:3:3|vms.dram"
  "VM name with a control byte|name: bad
vms:
  \"v\\x01\":
    image: compute|bad.yaml:3:3|vms"
  "VM name of 33 characters|name: bad
vms:
  v23456789012345678901234567890123:
    image: compute|bad.yaml:3:3|vms"
  # Duplicate keys: yaml-cpp keeps the first silently.
  "duplicate top-level key|name: bad
name: other|bad.yaml:2:1|name"
  "duplicate nested key|name: bad
platform:
  cores: 2
  cores: 8|bad.yaml:4:3|platform.cores"
  "duplicate key in a step|$head
steps:
  - phase: a
  - run: {vm: r0, vm: r0}|bad.yaml:7:19|steps[1].run.vm"
  # One strict duration syntax, range-checked.
  "NaN duration|$head
steps:
  - pause: nans|bad.yaml:6:12|steps[0].pause"
  "infinite duration|$head
steps:
  - pause: infs|bad.yaml:6:12|steps[0].pause"
  "huge duration|$head
steps:
  - pause: 1e300s|bad.yaml:6:12|steps[0].pause"
  "duration beyond 2^64 ns|$head
steps:
  - pause: 2e19ns|bad.yaml:6:12|steps[0].pause"
  "sub-nanosecond duration|$head
steps:
  - pause: 1e-9ns|bad.yaml:6:12|steps[0].pause"
  "fraction of a nanosecond|$head
steps:
  - run: {vm: r0, timeout: 1.5ns}|bad.yaml:6:28|steps[0].run.timeout"
  "integer duration that overflows|$head
steps:
  - run: {vm: r0, for: 18446744073709552s}|bad.yaml:6:24|steps[0].run.for"
  "quantum that wraps|name: bad
platform:
  quantum: 18446744073709552us|bad.yaml:3:12|platform.quantum"
  # Firmware carve-outs.
  "monitor_size 0|name: bad
platform:
  monitor_size: 0|bad.yaml:3:17|platform.monitor_size"
  "monitor_size near 2^64|name: bad
platform:
  monitor_size: 0xFFFFFFFFFFFF0000|bad.yaml:3:17|platform.monitor_size"
  "rmm_size 0|name: bad
platform:
  rmm_size: 0|bad.yaml:3:13|platform.rmm_size"
  "rmm_size 1|name: bad
platform:
  rmm_size: 1|bad.yaml:3:13|platform.rmm_size"
  "rmm_size 16GiB|name: bad
platform:
  rmm_size: 16GiB|bad.yaml:3:13|platform.rmm_size"
  "firmware beyond half of DRAM|name: bad
platform:
  dram: 64MiB
  rmm_size: 32MiB|bad.yaml:4:13|platform.rmm_size"
  # RMI values: a token that starts with a digit or - is a number, never a page name.
  "rmi number with an underscore|$head
steps:
  - {rmi: DATA_DESTROY, rd: r0, ipa: 0x9000_0000}|bad.yaml:6:38|steps[0].rmi.ipa"
  "rmi number 2^64|$head
steps:
  - {rmi: DATA_DESTROY, rd: r0, ipa: 18446744073709551616}|bad.yaml:6:38|steps[0].rmi.ipa"
  "rmi negative number that does not parse|$head
steps:
  - {rmi: RTT_DESTROY, rd: r0, ipa: 0, level: -5x}|bad.yaml:6:47|steps[0].rmi.level"
  "rmi dram offset that does not parse|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: dram+0x1g}|bad.yaml:6:35|steps[0].rmi.addr"
  "rmi expect.index 2^32+2|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: g1, expect: {status: RMI_SUCCESS, index: 4294967298}}|bad.yaml:6:76|steps[0].rmi.expect.index"
  # Names reach stats.json and the output folder.
  "scenario name with a control byte|name: \"bad\\x01\"|bad.yaml:1:7|name"
  "scenario name with a non-UTF-8 byte|name: bad$(printf '\xff')|bad.yaml:1:7|name"
  "scenario name of 300 characters|name: $(printf 'a%.0s' {1..300})|bad.yaml:1:7|name"
  "description with a control byte|name: bad
description: \"a\\x1bb\"|bad.yaml:2:14|description"
  # Shared regions: 4 KiB pages of the protected IPA space, unique, backed by host memory.
  "shared region that wraps|$head
    shared: [{base: 0xFFFFFFFFFFFFF000, size: 8KiB}]|bad.yaml:5:14|realms.r0.shared[0]"
  "shared region beyond ipa_bits|$head
    ipa_bits: 36
    shared: [{base: 0x800000000, size: 4KiB}]|bad.yaml:6:14|realms.r0.shared[0]"
  "shared regions repeated|$head
    shared: [{base: 0x90000000, size: 4KiB}, {base: 0x90000000, size: 4KiB}]|bad.yaml:5:46|realms.r0.shared[1]"
  "shared regions overlapping|$head
    shared: [{base: 0x90000000, size: 16KiB}, {base: 0x90002000, size: 4KiB}]|bad.yaml:5:47|realms.r0.shared[1]"
  "shared region of 64 GiB|$head
    shared: [{base: 0x1000000000, size: 64GiB}]|bad.yaml:5:14|realms.r0.shared[0]"
  "RAM beyond ipa_bits|$head
    ipa_bits: 32|bad.yaml:5:15|realms.r0.ipa_bits"
  # RMI_FEATURES ranges of RMM 1.0.
  "sve_vl 2^32+1|$head
    sve_vl: 4294967297|bad.yaml:5:13|realms.r0.sve_vl"
  "sve_vl 16|$head
    sve_vl: 16|bad.yaml:5:13|realms.r0.sve_vl"
  "pmu_counters 2^40|$head
    pmu_counters: 1099511627776|bad.yaml:5:19|realms.r0.pmu_counters"
  "pmu_counters 32|$head
    pmu_counters: 32|bad.yaml:5:19|realms.r0.pmu_counters"
  "ram_base that leaves the image outside RAM|$head
    ram_base: 0x100000000|bad.yaml:5:15|realms.r0.ram_base"
  "normal VM RAM beyond its 39-bit IPA space|name: bad
vms:
  vm0:
    image: compute
    ram_base: 0x8000000000|bad.yaml:5:15|vms.vm0.ram_base"
  # IPAs beyond the VM's IPA size (a 39-bit normal VM would alias 0x80200000).
  "map_page beyond a normal VM's IPA size|$two
steps:
  - map_page: {vm: vm0, ipa: 0x1000080200000}|bad.yaml:9:30|steps[0].map_page.ipa"
  "shared map_page beyond a realm's protected half|$two
steps:
  - map_page: {vm: r0, ipa: 0x800000000, shared: true}|bad.yaml:9:29|steps[0].map_page.ipa"
  "host_read beyond the IPA size|$two
steps:
  - host_read: {vm: vm0, ipa: 0x8000000000}|bad.yaml:9:31|steps[0].host_read.ipa"
  "dma beyond the IPA size|$two
steps:
  - dma: {vm: vm0, ipa: 0x8000000000}|bad.yaml:9:25|steps[0].dma.ipa"
  "a read has no value|$head
steps:
  - read: {pa: 0, value: 1}|bad.yaml:6:19|steps[0].read.value"
  # rmi results by their declared names; params fields by their declared sizes.
  "rmi expect of a result the command does not return|$head
steps:
  - {rmi: RTT_READ_ENTRY, rd: r0, ipa: 0, level: 3, expect: {status: RMI_SUCCESS, topp: 0}}|bad.yaml:6:83|steps[0].rmi.expect.topp"
  "rmi expect result that is a fresh page|$head
steps:
  - {rmi: VERSION, version: 0x10000, expect: {lower: g1}}|bad.yaml:6:54|steps[0].rmi.expect.lower"
  "rmi expect index without its status|$head
steps:
  - {rmi: DATA_DESTROY, rd: r0, ipa: 0, expect: {index: 3}}|bad.yaml:6:57|steps[0].rmi.expect.index"
  "rmi expect any with a result|$head
steps:
  - {rmi: VERSION, version: 0x10000, expect: {status: any, lower: 1}}|bad.yaml:6:46|steps[0].rmi.expect"
  "rmi params value wider than its field|$head
steps:
  - {rmi: REALM_CREATE, rd: g1, params: {s2sz: 256}}|bad.yaml:6:48|steps[0].rmi.params.s2sz"
  "rmi params array given one value|$head
steps:
  - {rmi: REC_CREATE, rd: r0, rec: g1, params: {gprs: 5}}|bad.yaml:6:55|steps[0].rmi.params.gprs"
  "rmi params aux beyond the 16|$head
steps:
  - {rmi: REC_CREATE, rd: r0, rec: g1, params: {aux16: 5}}|bad.yaml:6:49|steps[0].rmi.params.aux16"
  # Typed write values.
  "write value of an unknown type|$head
steps:
  - write: {pa: 0, value: {u128: 1}}|bad.yaml:6:28|steps[0].write.value.u128"
  "write struct with an unknown field|$head
steps:
  - write: {pa: 0, value: {RealmParams: {s2szz: 40}}}|bad.yaml:6:42|steps[0].write.value.RealmParams.s2szz"
  "write u16 of 65536|$head
steps:
  - write: {pa: 0, value: {u16: 65536}}|bad.yaml:6:33|steps[0].write.value.u16"
  "write byte list with 256|$head
steps:
  - write: {pa: 0, value: [1, 256]}|bad.yaml:6:31|steps[0].write.value[1]"
  "write size that disagrees with its typed value|$head
steps:
  - write: {pa: 0, size: 4, value: {u64: 1}}|bad.yaml:6:26|steps[0].write.size"
  "write negative into an unsigned field|$head
steps:
  - write: {pa: 0, value: {RecParams: {pc: -4}}}|bad.yaml:6:44|steps[0].write.value.RecParams.pc"
  "write array longer than its field|$head
steps:
  - write: {pa: 0, value: {RecParams: {gprs: [1, 2, 3, 4, 5, 6, 7, 8, 9]}}}|bad.yaml:6:46|steps[0].write.value.RecParams.gprs"
  "host_write value with two types|$head
steps:
  - host_write: {vm: r0, ipa: 0x80000000, value: {u8: 1, u16: 2}}|bad.yaml:6:50|steps[0].host_write.value"
  "write nested struct field that does not fit|$head
steps:
  - write: {pa: 0, value: {RecRun: {exit: {imm: 65536}}}}|bad.yaml:6:49|steps[0].write.value.RecRun.exit.imm"
  "write empty byte list|$head
steps:
  - write: {pa: 0, value: []}|bad.yaml:6:27|steps[0].write.value"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name text where key <<< "$c"
  # The text spans lines: recover it from the case (read stops at the first newline).
  text=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {print $2}')
  printf '%s\n' "$text" > "$work/bad.yaml"
  rm -rf "$work/out"
  "$bin" run "$work/bad.yaml" --out "$work/out" > /dev/null 2> "$work/err"; rc=$?
  where=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {print $3}')
  key=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {gsub(/\n$/, "", $4); print $4}')
  if [ $rc = 2 ] && grep -qF "$where" "$work/err" && grep -qF "$key" "$work/err" && [ ! -e "$work/out" ]; then
    pass=$((pass+1))
  else
    echo "FAIL: $name (rc $rc, wanted $where and $key): $(cat "$work/err")"
    fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
