#!/usr/bin/env bash
# End-to-end checks of the rmesim command line: exit codes, outputs, determinism.
# Usage: cli_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$(realpath "$1"); scen=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$bin" --help > "$work/help.txt"; rc=$?
check "--help exits 0 and lists run and --set" '[ $rc = 0 ] && grep -q "rmesim run SCENARIO.yaml" "$work/help.txt" && grep -q -- "--set" "$work/help.txt"'

"$bin" --version > "$work/version.txt"; rc=$?
check "--version exits 0 and prints the version, not the help" '[ $rc = 0 ] && grep -q "^rmesim [0-9]" "$work/version.txt" && ! grep -q Usage "$work/version.txt"'

check "--help names both outputs and the steps help" 'grep -q "stats.json" "$work/help.txt" && grep -q "trace.json" "$work/help.txt" && grep -q "rmesim help steps" "$work/help.txt"'

"$bin" help steps > "$work/steps.txt"; rc=$?
"$bin" --help steps > "$work/steps2.txt"; rc2=$?
kinds=$(sed -n 's/^Step kinds: \([^(]*\).*/\1/p' "$work/help.txt" | tr -d ',')
missing=""
for k in $kinds; do grep -q "^  $k: " "$work/steps.txt" || missing="$missing $k"; done
check "help steps lists every step kind of --help (missing:$missing)" '[ $rc = 0 ] && [ -n "$kinds" ] && [ -z "$missing" ]'
check "--help steps is help steps" '[ $rc2 = 0 ] && cmp -s "$work/steps.txt" "$work/steps2.txt"'
check "help steps gives fields with their types" 'grep -q "^      timeout (duration): " "$work/steps.txt" && grep -q "^  RMI_DATA_CREATE: rd data ipa src flags" "$work/steps.txt"'

# A value that starts with - is a number (two's complement), never a fresh page's name.
printf 'name: neg\nvms:\n  vm0:\n    image: compute\nsteps:\n  - {rmi: RTT_DESTROY, rd: g1, ipa: 0, level: -5, expect: RMI_ERROR_INPUT}\n' > "$work/neg.yaml"
"$bin" run "$work/neg.yaml" --out "$work/neg" > "$work/neg.txt"; rc=$?
check "an rmi level of -5 reaches the RMM as -5" '[ $rc = 0 ] && grep -q "level=-5) -> RMI_ERROR_INPUT" "$work/neg.txt"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/a" > "$work/a.txt"; rc=$?
check "default scenario runs ok" '[ $rc = 0 ] && grep -q "Result: ok" "$work/a.txt" && [ -s "$work/a/stats.json" ]'
check "summary has memory map and GPT geometry" 'grep -q "Memory map" "$work/a.txt" && grep -q "GPT geometry" "$work/a.txt"'
# The first delegate in a fresh contiguous run shatters it: the summary shows it apart.
first=$(sed -n 's/.* delegated 64\/64 granules from 0x80100000 (first \([0-9.]*\) us, then \([0-9.]*\) us each).*/\1 \2/p' "$work/a.txt")
check "summary shows the first delegate of a fresh run slower than the next ones" \
  '[ -n "$first" ] && python3 -c "import sys; a,b=map(float,sys.argv[1:]); sys.exit(0 if a > 2*b else 1)" $first'
check "the Unicorn version in use is printed and recorded (2.1.1 or later)" \
  'grep -q "^rmesim: scenario .*, Unicorn 2\.[1-9]" "$work/a.txt" && python3 -c "import json,sys; v=json.load(open(sys.argv[1]))[\"engine\"][\"unicorn\"]; sys.exit(0 if tuple(map(int, v.split(\".\"))) >= (2,1,1) else 1)" "$work/a/stats.json"'
check "stats.json names scenario, seed, profile" 'grep -q "\"scenario\"" "$work/a/stats.json" && grep -q "\"seed\": 1" "$work/a/stats.json" && grep -q "\"profile\"" "$work/a/stats.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/b" -q; rc=$?
check "same scenario and seed give byte-identical stats.json and trace.json" '[ $rc = 0 ] && cmp -s "$work/a/stats.json" "$work/b/stats.json" && cmp -s "$work/a/trace.json" "$work/b/trace.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/c" -q --set profile.tlbi.broadcast=1000; rc=$?
check "a profile override changes the timing and is recorded" '[ $rc = 0 ] && ! cmp -s "$work/a/stats.json" "$work/c/stats.json" && grep -q "\"origin\": \"--set profile.tlbi.broadcast\"" "$work/c/stats.json"'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/d" -q --set platform.gpt.pgs=64KiB --set platform.dram=4GiB; rc=$?
check "geometry overrides run" '[ $rc = 0 ] && grep -q "\"granule_bytes\": 65536" "$work/d/stats.json"'

"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/s1" -q --seed 1; rc1=$?
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/s1b" -q --seed 1; rc1b=$?
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/s2" -q --seed 2; rc2=$?
tail_of() { grep -o 'token tail [0-9a-f]*' "$1/stats.json"; }
check "the seed drives the attestation keys: two seeds give different realm tokens" '[ $rc1$rc2 = 00 ] && [ -n "$(tail_of "$work/s1")" ] && [ "$(tail_of "$work/s1")" != "$(tail_of "$work/s2")" ] && ! cmp -s "$work/s1/stats.json" "$work/s2/stats.json"'
check "the same seed twice gives byte-identical outputs" '[ $rc1b = 0 ] && cmp -s "$work/s1/stats.json" "$work/s1b/stats.json" && cmp -s "$work/s1/trace.json" "$work/s1b/trace.json"'

# Outputs do not depend on the working directory or on how a path is spelt: shipped files are
# named relative to the repository, others by file name; a scenario's paths are relative to it.
repo=$(cd "$scen/.." && pwd)
(cd "$work" && "$bin" run "$repo/scenarios/boot-delegate.yaml" --out "$work/p1" -q); rc1=$?
(cd "$repo/tools" && "$bin" run ../scenarios/./boot-delegate.yaml --out "$work/p2" -q); rc2=$?
check "a shipped scenario run from two folders gives byte-identical outputs" '[ $rc1$rc2 = 00 ] && cmp -s "$work/a/stats.json" "$work/p1/stats.json" && cmp -s "$work/p1/stats.json" "$work/p2/stats.json" && cmp -s "$work/p1/trace.json" "$work/p2/trace.json"'
check "stats.json names the scenario and the profile relative to the repository" 'grep -q "\"file\": \"scenarios/boot-delegate.yaml\"" "$work/p1/stats.json" && grep -q "\"file\": \"platform/profiles/default.yaml\"" "$work/p1/stats.json"'
mkdir -p "$work/mine/profiles"
cp "$repo/platform/profiles/default.yaml" "$work/mine/profiles/mine.yaml"
sed 's|^  profile: default|  profile: profiles/mine.yaml|' "$repo/scenarios/boot-delegate.yaml" > "$work/mine/s.yaml"
(cd "$work" && "$bin" run mine/s.yaml --out "$work/q1" -q); rc1=$?
(cd "$work/mine/profiles" && "$bin" run "$work/mine/../mine/s.yaml" --out "$work/q2" -q); rc2=$?
check "a scenario outside the repository: its profile path is relative to it, outputs identical from two folders" '[ $rc1$rc2 = 00 ] && cmp -s "$work/q1/stats.json" "$work/q2/stats.json" && cmp -s "$work/q1/trace.json" "$work/q2/trace.json" && grep -q "\"file\": \"mine.yaml\"" "$work/q1/stats.json" && ! grep -q "$work" "$work/q1/stats.json" "$work/q1/trace.json"'

printf 'name: bad\nplatform:\n  cores: 2\n  ram: 1GiB\n' > "$work/bad.yaml"
"$bin" run "$work/bad.yaml" --out "$work/e" 2> "$work/e.err"; rc=$?
check "malformed scenario exits 2 naming file:line and key" '[ $rc = 2 ] && grep -q "bad.yaml:4:3" "$work/e.err" && grep -q "platform.ram" "$work/e.err"'
check "nothing is written for a malformed scenario" '[ ! -e "$work/e" ]'

"$bin" run "$scen/boot-delegate.yaml" --out "$work/f" --set profile.no.such.cost=1 2> "$work/f.err"; rc=$?
check "unknown profile override exits 2" '[ $rc = 2 ] && grep -q "no.such.cost" "$work/f.err" && [ ! -e "$work/f" ]'

"$bin" run "$work/missing.yaml" 2>/dev/null; rc=$?
check "missing scenario file exits 2" '[ $rc = 2 ]'

printf 'name: expect-fails\nsteps:\n  - read: {pa: dram+0x100000, expect: gpf}\n' > "$work/exp.yaml"
"$bin" run "$work/exp.yaml" --out "$work/g" > "$work/g.txt"; rc=$?
check "a failed expectation exits 1 and still writes stats.json" '[ $rc = 1 ] && grep -q "\"ok\": false" "$work/g/stats.json"'

"$bin" run "$work/exp.yaml" --out "$work/g2" -q > "$work/g2.txt" 2> "$work/g2.err"; rc=$?
check "-q still says on stderr why the run failed" '[ $rc = 1 ] && [ ! -s "$work/g2.txt" ] && grep -q "expect-fails failed: .*gpf" "$work/g2.err"'

# Every cost is checked at load against its range; a profile declares every cost, as scalars.
for v in 1e-300 -1 nan inf; do
  rm -rf "$work/k"
  "$bin" run "$scen/boot-delegate.yaml" --out "$work/k" -q --set "profile.core.clock=$v" 2> "$work/k.err"; rc=$?
  check "profile.core.clock=$v exits 2 naming the cost" '[ $rc = 2 ] && grep -q "profile.core.clock" "$work/k.err" && [ ! -e "$work/k" ]'
done
check "the range is stated" 'grep -q "from 1 to 10000 MHz" <("$bin" run "$scen/boot-delegate.yaml" -q --set profile.core.clock=0 2>&1)'
awk '/^  core.cpi:/ {skip = 1; next} /^  [a-z]/ {skip = 0} !skip' "$repo/platform/profiles/default.yaml" > "$work/nocpi.yaml"
sed 's|^name: default|[name]: default|' "$repo/platform/profiles/default.yaml" > "$work/seqkey.yaml"
sed 's|^    value: 90$|    value: [90]|' "$repo/platform/profiles/default.yaml" > "$work/seqval.yaml"
for f in nocpi seqkey seqval; do
  "$bin" profile "$work/$f.yaml" > /dev/null 2> "$work/k.err"; rc=$?
  check "rmesim profile of a profile with a flaw ($f) exits 2 naming file:line" '[ $rc = 2 ] && grep -q "$f.yaml:[0-9]" "$work/k.err"'
  [ $f = nocpi ] && check "a missing cost is named" 'grep -q "core.cpi.: missing" "$work/k.err"'
  rm -rf "$work/k"
  "$bin" run "$scen/boot-delegate.yaml" --out "$work/k" -q --set "platform.profile=$work/$f.yaml" 2> "$work/k.err"; rc=$?
  check "a run with that profile ($f) exits 2 at load" '[ $rc = 2 ] && [ ! -e "$work/k" ]'
done

# Bad outputs are bad input: exit 2 before anything runs, no stats.json anywhere.
: > "$work/a-file"
for out in /dev/null "$work/a-file" "$work/a-file/sub" /proc/no-such-dir/out; do
  "$bin" run "$scen/boot-delegate.yaml" --out "$out" -q 2> "$work/o.err"; rc=$?
  check "--out $out exits 2 at load naming --out" '[ $rc = 2 ] && grep -q "error: --out" "$work/o.err" && [ ! -e "$out/stats.json" ]'
done
for insn in "$work/a-file/dir/insn.txt" "$work"; do
  "$bin" run "$scen/boot-delegate.yaml" --out "$work/t" -q --trace-insn "$insn" 2> "$work/t.err"; rc=$?
  check "--trace-insn $insn exits 2 at load, nothing made" '[ $rc = 2 ] && grep -q "error: --trace-insn" "$work/t.err" && [ ! -e "$work/t" ]'
done

# Endless or huge input is refused at load. Each run is bounded (time and address space), so
# that a regression fails here instead of eating the machine.
bounded() { (ulimit -v 1000000; timeout 20 "$@"); }
# AddressSanitizer reserves terabytes of address space for its shadow: there, time bounds alone.
if ldd "$bin" 2>/dev/null | grep -q libasan; then bounded() { timeout 20 "$@"; }; fi
head -c 2000000 /dev/zero | tr '\0' '#' > "$work/big.yaml"
for f in /dev/zero "$work" "$work/big.yaml"; do
  bounded "$bin" run "$f" --out "$work/z" 2> "$work/z.err"; rc=$?
  check "scenario $f is refused at load" '[ $rc = 2 ] && grep -q "scenario" "$work/z.err" && [ ! -e "$work/z" ]'
  bounded "$bin" run "$scen/boot-delegate.yaml" --out "$work/z" --set "platform.profile=$f" 2> "$work/z.err"; rc=$?
  check "profile $f is refused at load" '[ $rc = 2 ] && grep -q "timing profile" "$work/z.err" && [ ! -e "$work/z" ]'
  bounded "$bin" profile "$f" 2> "$work/z.err"; rc=$?
  check "rmesim profile $f is refused" '[ $rc = 2 ] && grep -q "timing profile" "$work/z.err"'
done
check "the size cap is stated" 'bounded "$bin" run "$work/big.yaml" 2>&1 | grep -q "the limit is 1 MiB"'
bomb='[&a [x,x,x,x,x,x,x,x,x,x], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e], &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f], &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g], &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]]'
bounded "$bin" run "$scen/boot-delegate.yaml" --out "$work/z" --set "description=$bomb" 2> "$work/z.err"; rc=$?
check "a YAML alias bomb in --set is refused at load" '[ $rc = 2 ] && grep -q "more than 10000 YAML nodes" "$work/z.err" && [ ! -e "$work/z" ]'
"$bin" run "$scen/boot-delegate.yaml" --out "$work/y" -q --set 'platform.gpt={pps: &p 1TB, pgs: *p}' 2> "$work/y.err"; rc=$?
check "a small alias in --set still works as YAML" '[ $rc = 2 ] && grep -q "platform.gpt.pgs" "$work/y.err"'

# Guest images: an ELF is loaded by its program headers and runs as its raw binary does; a bad
# image is refused at load, naming what is wrong.
guests=$(dirname "$bin")/guest
for f in elf bin; do
  timeout 60 "$bin" run "$scen/realm-lifecycle.yaml" --out "$work/img-$f" -q --set "realms.r0.image=$guests/realm-hello.$f"; eval "rc_$f=$?"
done
check "realm-hello.elf runs to the same result, RIM and stats as realm-hello.bin" '[ $rc_elf$rc_bin = 00 ] && cmp -s <(sed "s/realm-hello\.elf/realm-hello.bin/" "$work/img-elf/stats.json") "$work/img-bin/stats.json"'
head -c 100 "$guests/compute.elf" > "$work/short-header.elf"
head -c 1000 "$guests/compute.elf" > "$work/truncated.elf"
cp "$guests/compute.elf" "$work/x86.elf"; printf '\x3e\x00' | dd of="$work/x86.elf" bs=1 seek=18 conv=notrunc 2> /dev/null
cp "$guests/compute.elf" "$work/elf32.elf"; printf '\x01' | dd of="$work/elf32.elf" bs=1 seek=4 conv=notrunc 2> /dev/null
mkdir -p "$work/dir.bin"
for c in "short-header.elf|past the end" "truncated.elf|truncated" "x86.elf|EM_AARCH64" "elf32.elf|ELF64" "dir.bin|regular file" "/dev/zero|regular file"; do
  img=${c%%|*}; want=${c#*|}; [ "${img#/}" = "$img" ] && img="$work/$img"
  rm -rf "$work/i"
  bounded "$bin" run "$scen/realm-lifecycle.yaml" --out "$work/i" -q --set "realms.r0.image=$img" 2> "$work/i.err"; rc=$?
  check "guest image $img is refused at load ($want)" '[ $rc = 2 ] && grep -q "realms.r0.image" "$work/i.err" && grep -q "$want" "$work/i.err" && [ ! -e "$work/i" ]'
done
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/i" -q --set "realms.r0.image=$guests/compute.elf" --set realms.r0.ram_base=0x40000000 2> "$work/i.err"; rc=$?
check "an ELF whose segments are outside the VM's RAM is refused at load, naming the ram_base" '[ $rc = 2 ] && grep -q "realms.r0.ram_base.*does not fit the VM.s RAM" "$work/i.err" && [ ! -e "$work/i" ]'

printf 'name: bad-exit\nrealms: {r0: {image: realm-hello}}\nsteps:\n  - check: {vm: r0, exits: {RMI_EXIT_PSCII: 2}}\n' > "$work/badexit.yaml"
"$bin" run "$work/badexit.yaml" --out "$work/h" 2> "$work/h.err"; rc=$?
check "an unknown exit name in check.exits exits 2 at load with file:line:col, the key and the known names" \
  '[ $rc = 2 ] && grep -q "badexit.yaml:4:29: .steps\[0\].check.exits.RMI_EXIT_PSCII.: unknown exit .RMI_EXIT_PSCII. (known: RMI_EXIT_SYNC, .*RMI_EXIT_PSCI, .*KVM_EXIT_MMIO" "$work/h.err" && [ ! -e "$work/h" ]'
printf 'name: bad-count\nrealms: {r0: {image: realm-hello}}\nsteps:\n  - check: {vm: r0, exits: {RMI_EXIT_PSCI: "<2"}}\n' > "$work/badcount.yaml"
"$bin" run "$work/badcount.yaml" --out "$work/i" 2> "$work/i.err"; rc=$?
check "an exit count that is not N, >=N or ==N exits 2 at load" \
  '[ $rc = 2 ] && grep -q "badcount.yaml:4:44: .steps\[0\].check.exits.RMI_EXIT_PSCI.: expected a count" "$work/i.err" && [ ! -e "$work/i" ]'

echo > "$work/afile"
"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/dd" -q --dump-dtb "$work/afile/r0.dtb" 2> "$work/dd.err"; rc=$?
check "a --dump-dtb file that cannot be written exits 2 before the run" \
  '[ $rc = 2 ] && grep -q "dump-dtb: .*afile/r0.dtb.: not a folder" "$work/dd.err" && [ ! -e "$work/dd" ]'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
