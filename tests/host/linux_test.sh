#!/usr/bin/env bash
# Debian's arm64 kernel boots in a normal VM far enough to show that the VMM loads it as
# kvmtool does: the earlycon banner on the PL011, the device tree's model, PSCI over HVC, the
# command line from /chosen/bootargs, the initramfs found where /chosen says; and two runs
# give byte-identical outputs. As a realm: PSCI over SMC, the kernel's realm detection and
# its RIPAS RAM request and its GICv3 (emulated by the host). Skipped (exit 77) when `make deps` has not fetched the kernel.
# Usage: linux_test.sh RMESIM_BINARY SCENARIO_DIR LINUX_DIR
set -u
bin=$1; scen=$2; linux=$3
if [ ! -f "$linux/vmlinuz" ] || [ ! -f "$linux/initramfs.cpio" ]; then
  echo "SKIP: no Linux guest in $linux (make deps fetches it: tools/fetch-linux)"
  exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

# linux-vm.yaml's VM, run until the kernel has printed its command line.
sed -e 's|until: {console: "init: powering off"}, timeout: 2s|until: {console: "Dentry cache hash table"}, timeout: 1s|' \
    -e '/^  - check:/d' "$scen/linux-vm.yaml" > "$work/boot.yaml"
grep -q 'Dentry cache hash table' "$work/boot.yaml" || { echo "FAIL: linux-vm.yaml's run step changed"; exit 1; }
for r in a b; do "$bin" run "$work/boot.yaml" --out "$work/$r" --dump-dtb "$work/$r/dtb" > "$work/$r.txt"; echo $? > "$work/$r.rc"; done
c=$work/a/console-vm0.txt
check "the boot runs to the condition" '[ "$(cat $work/a.rc)" = 0 ] && grep -q "Result: ok" "$work/a.txt"'
check "earlycon banner on the PL011" \
  'grep -q "Booting Linux on physical CPU 0x0000000000" "$c" && grep -q "earlycon: pl11 MMIO32:0x0000000009000000" "$c"'
check "the device tree: model, memory, PSCI over HVC" \
  'grep -q "Machine model: linux,dummy-virt" "$c" && grep -q "node   0: \[mem 0x0000000080000000-0x000000008fffffff\]" "$c" && grep -q "psci: probing for conduit method from DT." "$c" && grep -q "psci: PSCIv1.1 detected in firmware." "$c"'
check "the command line comes from /chosen/bootargs" 'grep -q "Kernel command line: console=ttyAMA0 earlycon=pl011,mmio32,0x9000000 rdinit=/init" "$c"'
initrd_start=$(dtc -I dtb -O dts "$work/a/dtb" 2> /dev/null | sed -n 's/.*linux,initrd-start = <\(.*\)>;/\1/p')
check "the initramfs is where /chosen says, below the device tree" \
  '[ -n "$initrd_start" ] && dtc -I dtb -O dts "$work/a/dtb" 2> /dev/null | grep -q "linux,initrd-end"'
json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }
check "stats.json: the Image header, the load layout and the Debian package versions" \
  '[ "$(json $work/a/stats.json "(lambda l: l[\"image_size\"] > 0 and l[\"load\"] == 0x80000000 + l[\"text_offset\"] and l[\"load\"] + l[\"image_size\"] <= l[\"initrd\"] < l[\"dtb\"] == 0x8fe00000 and any(p.startswith(\"linux-image-cloud-arm64 \") for p in l[\"packages\"]))(d[\"vms\"][\"vm0\"][\"linux\"])")" = True ]'
check "two runs: byte-identical stats.json and console" \
  'cmp -s "$work/a/stats.json" "$work/b/stats.json" && cmp -s "$c" "$work/b/console-vm0.txt"'
# linux-realm.yaml's realm, run until the kernel has mapped its GIC (ioremap asks RSI).
sed -e 's|until: {console: "init: powering off"}, timeout: 2s|until: {console: "clocksource: jiffies:"}, timeout: 2s|' \
    -e '/^  - check: {vm: r0/d' "$scen/linux-realm.yaml" > "$work/realm.yaml"
grep -q 'clocksource: jiffies:' "$work/realm.yaml" || { echo "FAIL: linux-realm.yaml's run step changed"; exit 1; }
"$bin" run "$work/realm.yaml" --out "$work/r" > "$work/r.txt"; rc=$?
rc0=$work/r/console-r0.txt
check "realm: the boot runs to the condition, every granule undelegated after teardown" '[ $rc = 0 ] && grep -q "Result: ok" "$work/r.txt"'
check "realm: earlycon at the PL011's alias, PSCI over SMC, the kernel detects RSI, no warning from its RSI checks" \
  'grep -q "earlycon: pl11 MMIO32:0x0000000809000000" "$rc0" && ! grep -q "WARNING" "$rc0" && grep -q "psci: PSCIv1.1 detected in firmware." "$rc0" && grep -q "RME: Using RSI version 1.0" "$rc0"'
check "realm: the kernel asks for RIPAS RAM over its memory and the VMM accepts" \
  'grep -q "RIPAS change to RAM of \[0x80000000, 0x90000000): accepted" "$work/r.txt" && [ "$(json $work/r/stats.json "d[\"stats\"][\"rmm\"][\"rsi\"][\"IPA_STATE_SET\"][\"calls\"] >= 1 and d[\"stats\"][\"rmm\"][\"rsi\"][\"REALM_CONFIG\"][\"calls\"] >= 1")" = True ]'
check "realm: the kernel finds the distributor and redistributor the host emulates (vGIC MMIO through the unprotected alias)" \
  'grep -q "GICv3: 64 SPIs implemented" "$rc0" && grep -q "GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000" "$rc0" && ! grep -q "no distributor detected" "$rc0"'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
