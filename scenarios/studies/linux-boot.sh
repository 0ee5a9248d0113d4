#!/usr/bin/env bash
# The Linux realm boot study (docs/studies/linux-boot.md): scenarios/linux-realm.yaml (Debian's
# kernel to its initramfs shell and SYSTEM_OFF) under Linux v12 over RMM 1.0 and Linux v14 over
# RMM 2.0-bet1, one boot each (about 8 s of wall time each); figures in docs/studies/linux-boot/.
# Needs the kernel `make deps` fetches into build/linux (without it the script says so and
# exits 77). `make plots` runs it; by hand:
#   RMESIM=build/rmesim OUT=build/studies scenarios/studies/linux-boot.sh
# FIG=DIR draws the figures elsewhere and ONLY=v1|v2 boots once (the test does both); RESUME=1
# keeps the boots already run.
set -eu
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
rmesim=${RMESIM:-$repo/build/rmesim}; out=${OUT:-$repo/build/studies}/linux-boot
fig=${FIG:-$repo/docs/studies/linux-boot}; plot=$repo/tools/plot
kernel=$(dirname "$rmesim")/linux/vmlinuz
[ -s "$kernel" ] || { echo "linux-boot: no kernel at $kernel (make deps fetches it): skipped"; exit 77; }
boot() { "$rmesim" sweep "$repo/scenarios/linux-realm.yaml" --jobs 1 ${RESUME:+--resume} "$@"; }

csvs=()
if [ "${ONLY:-v1}" = v1 ]; then boot --set host.abi=v12 --grid rmm.version=1.0 --out "$out/v1"; csvs+=("$out/v1/sweep.csv=1.0 (v12)"); fi
if [ "${ONLY:-v2}" = v2 ]; then boot --set host.abi=v14 --grid rmm.version=2.0-bet1 --out "$out/v2"; csvs+=("$out/v2/sweep.csv=2.0-bet1 (v14)"); fi
"$here/merge-sweeps" "$out/all.csv" --column rmi "${csvs[@]}"

python3 - "$out/all.csv" "$out/milestones.csv" "$out/parts.csv" <<'PY'
# Two tables for tools/plot costs. milestones.csv: per boot, the simulated time from one boot
# milestone to the next (realms.r0.milestones, in boot order) as the categories of a timeline.
# parts.csv: one bar per boot and part (the create phase, the realm's own time inside
# RMI_REC_ENTER, the host's stage-2 fault handling, the teardown), each by cost.
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
steps = [("kernel_entry", "realm created, populated, RECs, activated"), ("first_console_line", "to the first console line"),
         ("init_started", "kernel boot, to /init"), ("command_done", "init and its command"), ("poweroff", "to SYSTEM_OFF")]
parts = [("create phase", "phases.create.time"), ("realm (REC_ENTER)", "stats.rmm.rmi.REC_ENTER.time"),
         ("host fault-in", "stats.host.r0.phases.fault_in"), ("teardown phase", "phases.teardown.time")]
def write(path, cols, out):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n", restval="")
        w.writeheader(); w.writerows(out)
mcols = ["point", "rmi", "exit_status"] + ["boot.by_cost_ps.%d %s" % (i + 1, t) for i, (_, t) in enumerate(steps)]
mrows = []
for r in rows:
    m, prev = {"point": str(len(mrows)), "rmi": r["rmi"], "exit_status": r["exit_status"]}, 0.0
    for i, (name, text) in enumerate(steps):
        at = r.get("realms.r0.milestones.%s.time_ns" % name, "")
        if r["exit_status"] == "0" and at == "":
            sys.exit("linux-boot: the boot under %s never reached %s" % (r["rmi"], name))
        at = float(at or 0)
        m["boot.by_cost_ps.%d %s" % (i + 1, text)] = repr(round((at - prev) * 1000))
        prev = at
    mrows.append(m)
write(sys.argv[2], mcols, mrows)
cats = sorted({c.split(".by_cost_ps.", 1)[1] for r in rows for _, p in parts for c in r if c.startswith(p + ".by_cost_ps.") and r[c]})
prows = []
for r in rows:
    for label, p in parts:
        x = {"point": str(len(prows)), "rmi": r["rmi"], "part": label, "exit_status": r["exit_status"]}
        x.update({"time.by_cost_ps." + c: r.get(p + ".by_cost_ps." + c, "") for c in cats})
        prows.append(x)
write(sys.argv[3], ["point", "rmi", "part", "exit_status"] + ["time.by_cost_ps." + c for c in cats], prows)
PY
"$plot" costs "$out/milestones.csv" --breakdown boot --keep-order --x rmi --xlabel "RMM (Linux host)" --ylabel "simulated time" \
  --title "Milestones of a Linux realm boot" --out "$fig/milestones"
"$plot" costs "$out/parts.csv" --breakdown time --xlabel "RMM (Linux host), part of the boot" --ylabel "simulated time" \
  --title "Linux realm boot: where the time goes, per cost" --out "$fig/costs"
