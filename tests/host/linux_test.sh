#!/usr/bin/env bash
# Debian's arm64 kernel, unmodified, boots to its initramfs shell and powers off, in four runs
# (one ctest each, so that they run in parallel):
#   vm        linux-vm.yaml: the VMM loads it as kvmtool does (earlycon banner, the device
#             tree's model and memory, PSCI over HVC, /chosen/bootargs, the initramfs where
#             /chosen says), init's lines, SYSTEM_OFF;
#   realm     linux-realm.yaml, twice: PSCI over SMC, the kernel's realm detection, its RIPAS
#             requests, the GICv3 the host emulates, init's lines including the command's
#             output, the boot milestones in order, and byte-identical stats.json and console;
#   realm-smp the same realm with 2 vCPUs brings up its second CPU (PSCI CPU_ON through the RMM);
#   attacker  linux-realm-and-attacker.yaml: the normal VM's read of the realm kernel's memory
#             takes a GPF while the realm boots on to poweroff;
#   rmm-compare  tools/rmm-compare on linux-realm.yaml: the realm boots under Linux v12 over RMM
#             1.0 and Linux v14 over RMM 2.0-bet1, and the side-by-side names both flows' commands;
#   host-pages  the realm under a v14 host of 16 KiB and of 64 KiB pages over RMM 2.0-bet1 (RMI
#             granules and RTTs of that size): Debian's 4 KiB kernel boots over the bigger
#             stage-2 granule, with fewer delegations and mappings than at 4 KiB.
# Skipped (exit 77) when `make deps` has not fetched the kernel.
# Usage: linux_test.sh RMESIM_BINARY SCENARIO_DIR LINUX_DIR vm|realm|realm-smp|attacker|rmm-compare|host-pages
set -u
bin=$1; scen=$2; linux=$3; mode=$4
if [ ! -f "$linux/vmlinuz" ] || [ ! -f "$linux/initramfs.cpio" ]; then
  echo "SKIP: no Linux guest in $linux (make deps fetches it: tools/fetch-linux)"
  exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }
run() {  # run NAME SCENARIO [ARGS...]: outputs in $work/NAME, summary in $work/NAME.txt, status in $work/NAME.rc
  local name=$1 file=$2; shift 2
  "$bin" run "$file" --out "$work/$name" "$@" > "$work/$name.txt" 2>&1; echo $? > "$work/$name.rc"
}
ran_ok() { [ "$(cat "$work/$1.rc")" = 0 ] && grep -q "Result: ok" "$work/$1.txt"; }
# The milestones of VM $2 in $1/stats.json ($3: realms or vms), each reached and in order.
milestones_in_order() {
  [ "$(json "$work/$1/stats.json" "(lambda m: [k for k in m] == ['kernel_entry', 'first_console_line', 'init_started', 'command_done', 'poweroff'] and all(v['time_ns'] is not None for v in m.values()) and sorted(v['time_ns'] for v in m.values()) == [v['time_ns'] for v in m.values()])(d['$3']['$2']['milestones'])")" = True ]
}
init_lines() {  # init's own lines on console $1: /init ran, its command ran, it powered off
  grep -q "^init: started" "$1" && grep -q "^Linux (none) .* aarch64 GNU/Linux" "$1" && grep -q "^init: wrote 64 MiB to tmpfs" "$1" &&
    grep -qx "aarch64" "$1" && grep -q "^init: command done (exit 0)" "$1" && grep -q "reboot: Power down" "$1"
}

case $mode in
vm)
  run a "$scen/linux-vm.yaml" --dump-dtb "$work/dtb"
  c=$work/a/console-vm0.txt
  check "the VM boots to poweroff and every check of linux-vm.yaml holds" 'ran_ok a'
  check "earlycon banner on the PL011" \
    'grep -q "Booting Linux on physical CPU 0x0000000000" "$c" && grep -q "earlycon: pl11 MMIO32:0x0000000009000000" "$c"'
  check "the device tree: model, memory, PSCI over HVC" \
    'grep -q "Machine model: linux,dummy-virt" "$c" && grep -q "node   0: \[mem 0x0000000080000000-0x000000008fffffff\]" "$c" && grep -q "psci: probing for conduit method from DT." "$c" && grep -q "psci: PSCIv1.1 detected in firmware." "$c"'
  check "the command line comes from /chosen/bootargs" 'grep -q "Kernel command line: console=ttyAMA0 earlycon=pl011,mmio32,0x9000000 rdinit=/init" "$c"'
  check "the initramfs is where /chosen says, below the device tree" \
    'dtc -I dtb -O dts "$work/dtb" 2> /dev/null | grep -q "linux,initrd-start" && dtc -I dtb -O dts "$work/dtb" 2> /dev/null | grep -q "linux,initrd-end"'
  check "stats.json: the Image header, the load layout and the Debian package versions" \
    '[ "$(json $work/a/stats.json "(lambda l: l[\"image_size\"] > 0 and l[\"load\"] == 0x80000000 + l[\"text_offset\"] and l[\"load\"] + l[\"image_size\"] <= l[\"initrd\"] < l[\"dtb\"] == 0x8fe00000 and any(p.startswith(\"linux-image-cloud-arm64 \") for p in l[\"packages\"]))(d[\"vms\"][\"vm0\"][\"linux\"])")" = True ]'
  check "init runs: uname, not a realm, 64 MiB into tmpfs, the command, poweroff" 'init_lines "$c" && grep -q "^init: not in a realm" "$c"'
  check "the boot milestones are all reached, in order" 'milestones_in_order a vm0 vms'
  ;;
realm)
  run a "$scen/linux-realm.yaml"
  run b "$scen/linux-realm.yaml"
  c=$work/a/console-r0.txt
  check "the realm boots to poweroff and every check of linux-realm.yaml holds (granules undelegated after teardown)" 'ran_ok a'
  check "earlycon at the PL011's alias, PSCI over SMC, the kernel detects RSI, no warning from its RSI checks" \
    'grep -q "earlycon: pl11 MMIO32:0x0000000809000000" "$c" && ! grep -q "WARNING" "$c" && grep -q "psci: PSCIv1.1 detected in firmware." "$c" && grep -q "RME: Using RSI version 1.0" "$c"'
  check "the kernel asks for RIPAS RAM over its memory and EMPTY for what it shares, and the VMM accepts" \
    'grep -q "RIPAS change to RAM of \[0x80000000, 0x90000000): accepted" "$work/a.txt" && grep -q "RIPAS change to EMPTY of .*: accepted" "$work/a.txt" && [ "$(json $work/a/stats.json "d[\"stats\"][\"rmm\"][\"rsi\"][\"IPA_STATE_SET\"][\"calls\"] >= 2 and d[\"stats\"][\"rmm\"][\"rsi\"][\"REALM_CONFIG\"][\"calls\"] >= 1")" = True ]'
  check "the kernel finds the distributor and redistributor the host emulates (vGIC MMIO through the unprotected alias)" \
    'grep -q "GICv3: 64 SPIs implemented" "$c" && grep -q "GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000" "$c" && ! grep -q "no distributor detected" "$c"'
  check "init runs in the realm: it finds the kernel's RME line, writes 64 MiB (pages faulted in at run time), runs the command, powers off" \
    'init_lines "$c" && grep -q "^init: in a realm: .*RME: Using RSI version 1.0" "$c" && [ "$(json $work/a/stats.json "d[\"stats\"][\"host\"][\"r0\"][\"sync_exits\"][\"private_data_abort\"] >= 16384")" = True ]'
  check "the boot milestones are all reached, in order" 'milestones_in_order a r0 realms'
  same() { cmp -s "$1" "$2" || { diff "$1" "$2" | head -20; false; }; }
  check "two runs: byte-identical stats.json and console" \
    'ran_ok b && same "$work/a/stats.json" "$work/b/stats.json" && same "$c" "$work/b/console-r0.txt"'
  ;;
realm-smp)
  run a "$scen/linux-realm.yaml" --set realms.r0.vcpus=2 --set platform.cores=3
  c=$work/a/console-r0.txt
  check "the 2-vCPU realm boots to poweroff" 'ran_ok a && init_lines "$c"'
  check "its second CPU comes up (PSCI CPU_ON through the RMM)" \
    'grep -q "CPU1: Booted secondary processor 0x0000000001" "$c" && grep -q "smp: Brought up 1 node, 2 CPUs" "$c" && [ "$(json $work/a/stats.json "d[\"stats\"][\"rmm\"][\"rsi\"][\"PSCI\"][\"calls\"] >= 1")" = True ]'
  ;;
attacker)
  run a "$scen/linux-realm-and-attacker.yaml"
  check "every check of linux-realm-and-attacker.yaml holds: vm0 aborted (0xab), one guest_abort, the realm on to poweroff" 'ran_ok a'
  check "the fault is a GPF on the realm's granule, taken while the realm ran" \
    'grep -q "^  guest_abort on PE 2 at .*: .*PA 0x" "$work/a.txt" && [ "$(json $work/a/stats.json "d[\"faults\"][\"host\"][0][\"time_ns\"] > 300e6 and d[\"faults\"][\"host\"][0][\"time_ns\"] < d[\"realms\"][\"r0\"][\"milestones\"][\"poweroff\"][\"time_ns\"]")" = True ]'
  check "the realm's console is complete" 'init_lines "$work/a/console-r0.txt"'
  ;;
rmm-compare)
  tools=$(cd "$(dirname "$0")/../../tools" && pwd)
  OUT="$work/cmp" "$tools/rmm-compare" "$scen/linux-realm.yaml" "$(dirname "$bin")" > "$work/cmp.txt" 2>&1; rc=$?
  c1=$work/cmp/v1/console-r0.txt c2=$work/cmp/v2/console-r0.txt
  check "the Linux realm boots to poweroff under v12/1.0 and v14/2.0-bet1, every check of linux-realm.yaml holding" \
    '[ $rc = 0 ] && grep -q "Result: ok" "$work/cmp/v1.txt" && grep -q "Result: ok" "$work/cmp/v2.txt" && init_lines "$c1" && init_lines "$c2"'
  r1() { json "$work/cmp/v1/stats.json" "$1"; }
  r2() { json "$work/cmp/v2/stats.json" "$1"; }
  check "v12/1.0: 1.0 spoken, DATA_CREATE populate, DATA_CREATE_UNKNOWN faults, no 2.0 command" \
    '[ "$(r1 "(lambda r: d[\"rmm\"] == {\"version\": \"1.0\", \"rmi_version\": \"1.0\"} and r[\"DATA_CREATE\"][\"calls\"] > 0 and r[\"DATA_CREATE_UNKNOWN\"][\"calls\"] >= 16384 and \"RTT_DATA_MAP\" not in r)(d[\"stats\"][\"rmm\"][\"rmi\"])")" = True ]'
  check "v14/2.0-bet1: 2.0 spoken, RTT_DATA_MAP_INIT populate, RTT_DATA_MAP faults, SRO REC, REALM_TERMINATE, no 1.0-only command" \
    '[ "$(r2 "(lambda r: d[\"rmm\"] == {\"version\": \"2.0-bet1\", \"rmi_version\": \"2.0\"} and r[\"RTT_DATA_MAP_INIT\"][\"calls\"] > 0 and r[\"RTT_DATA_MAP\"][\"calls\"] >= 16384 and r[\"REC_CREATE\"][\"incomplete\"] == 1 and r[\"REALM_TERMINATE\"][\"calls\"] == 1 and \"DATA_CREATE_UNKNOWN\" not in r and \"GRANULE_DELEGATE\" not in r)(d[\"stats\"][\"rmm\"][\"rmi\"])")" = True ]'
  check "the report: both pairs, each flow's own commands, every phase, the boot milestones of both" \
    'grep -q "v12/1.0 *v14/2.0-bet1" "$work/cmp.txt" && grep -Eq "DATA_CREATE_UNKNOWN +[0-9]+ +-" "$work/cmp.txt" && grep -Eq "RTT_DATA_MAP +- +[0-9]+" "$work/cmp.txt" && grep -Eq "^  (populate|fault_in|teardown) +[0-9.]+ +[0-9.]+" "$work/cmp.txt" && grep -Eq "^  poweroff +[0-9.]+ +[0-9.]+" "$work/cmp.txt"'
  ;;
host-pages)
  v2="--set rmm.version=2.0-bet1"
  run p4 "$scen/linux-realm.yaml" $v2
  for ps in 16KiB 64KiB; do
    run "p$ps" "$scen/linux-realm.yaml" $v2 --set host.page_size=$ps --set platform.gpt.pgs=$ps
    check "host pages $ps: the realm boots to poweroff, every check of linux-realm.yaml holding (granules undelegated)" \
      'ran_ok p$ps && init_lines "$work/p$ps/console-r0.txt" && grep -q "^init: in a realm: .*RME: Using RSI version 1.0" "$work/p$ps/console-r0.txt"'
    check "host pages $ps: RMM_CONFIG_SET took the page as the RMI granule; fewer RANGE_DELEGATEs and RTT_DATA_MAPs than at 4 KiB" \
      '[ "$(json $work/p$ps/stats.json "(lambda r: d[\"host\"][\"page_size_bytes\"] == ${ps%KiB} * 1024 and r[\"RMM_CONFIG_SET\"][\"success\"] == 1 and r[\"GRANULE_RANGE_DELEGATE\"][\"calls\"] * 2 < $(json $work/p4/stats.json "d[\"stats\"][\"rmm\"][\"rmi\"][\"GRANULE_RANGE_DELEGATE\"][\"calls\"]") and r[\"RTT_DATA_MAP\"][\"calls\"] * 2 < $(json $work/p4/stats.json "d[\"stats\"][\"rmm\"][\"rmi\"][\"RTT_DATA_MAP\"][\"calls\"]"))(d[\"stats\"][\"rmm\"][\"rmi\"])")" = True ]'
  done
  ;;
*) echo "unknown mode $mode"; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
