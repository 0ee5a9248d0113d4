#!/usr/bin/env bash
# The Linux realm boot study's fast check: one boot (v14 over RMM 2.0-bet1, about 8 s of wall
# time) through scenarios/studies/linux-boot.sh, into a scratch folder: every milestone reached
# in boot order, the four parts of the boot with their costs, both figures as PNG and SVG, and
# the committed figures exist. The whole study (both RMM versions) is `make plots`.
# Usage: linux_boot_study_test.sh RMESIM_BINARY REPOSITORY   (exit 77, skipped, without the
# kernel `make deps` fetches into build/linux, or without Debian's python3-matplotlib)
set -u
bin=$(realpath "$1"); repo=$(realpath "$2")
[ -s "$(dirname "$bin")/linux/vmlinuz" ] || { echo "no kernel in $(dirname "$bin")/linux (make deps): skipped"; exit 77; }
/usr/bin/python3 -c "import matplotlib" 2> /dev/null || { echo "matplotlib is not installed: skipped"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

RMESIM=$bin OUT=$work FIG=$work/fig ONLY=v2 "$repo/scenarios/studies/linux-boot.sh" > "$work/out.txt" 2>&1; rc=$?
check "the study runs (one boot)" '[ $rc = 0 ] || { cat "$work/out.txt"; false; }'
check "five milestone intervals, all positive, summing to the poweroff time" 'python3 - "$work/linux-boot" <<PY
import csv, sys
m = list(csv.DictReader(open(sys.argv[1] + "/milestones.csv")))
a = list(csv.DictReader(open(sys.argv[1] + "/all.csv")))
steps = [v for k, v in m[0].items() if k.startswith("boot.by_cost_ps.")]
assert len(m) == 1 and len(steps) == 5 and all(int(v) > 0 for v in steps), m
assert abs(sum(map(int, steps)) - float(a[0]["realms.r0.milestones.poweroff.time_ns"]) * 1000) < 5, (steps, a[0])
PY'
check "four parts of the boot, each with a cost breakdown; the realm part is mostly guest instructions" 'python3 - "$work/linux-boot/parts.csv" <<PY
import csv, sys
p = list(csv.DictReader(open(sys.argv[1])))
assert [r["part"] for r in p] == ["create phase", "realm (REC_ENTER)", "host fault-in", "teardown phase"], p
tot = lambda r: sum(float(v or 0) for k, v in r.items() if k.startswith("time.by_cost_ps."))
assert all(tot(r) > 0 for r in p)
assert float(p[1]["time.by_cost_ps.core.cpi"]) > 0.5 * tot(p[1])
PY'
for f in milestones costs; do
  check "figure $f: PNG and SVG, and committed in docs/studies/linux-boot/" \
    '[ -s "$work/fig/$f.png" ] && [ -s "$work/fig/$f.svg" ] && [ -s "$repo/docs/studies/linux-boot/$f.png" ] && [ -s "$repo/docs/studies/linux-boot/$f.svg" ]'
done
echo "linux-boot study: $pass passed, $fail failed"
[ $fail = 0 ]
