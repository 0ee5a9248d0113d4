#!/usr/bin/env bash
# The RTT study (docs/studies/rtt.md): scenarios/studies/rtt.yaml with 1024 pages faulted in at
# strides from 4 KiB (dense) to 2 MiB (one page per level-3 RTT), figures in docs/studies/rtt/.
# `make plots` runs it; by hand: RMESIM=build/rmesim OUT=build/studies scenarios/studies/rtt.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
rmesim=${RMESIM:-$repo/build/rmesim}; out=${OUT:-$repo/build/studies}/rtt; jobs=${JOBS:-2}
fig=$repo/docs/studies/rtt; plot=$repo/tools/plot

# [MiB, stride]: always 1024 pages.
"$rmesim" sweep "$here/rtt.yaml" --jobs "$jobs" ${RESUME:+--resume} \
  --grid 'realms.r0.args=[4,4096],[64,65536],[512,524288],[2048,2097152]' --out "$out/layout"
python3 - "$out/layout/sweep.csv" "$out/layout-stride.csv" <<'PY'
# The stride as its own column (the second memtouch argument), for the x axis.
import csv, sys
with open(sys.argv[1], newline="") as f:
    r = csv.DictReader(f); rows = list(r); cols = r.fieldnames
for row in rows:
    row["stride"] = row["realms.r0.args"].strip("[]").split(",")[1]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=cols[:2] + ["stride"] + cols[2:], lineterminator="\n")
    w.writeheader(); w.writerows(rows)
PY
"$plot" lines "$out/layout-stride.csv" --x stride --xunit "bytes between touched pages" \
  --y stats.rmm.rmi.RTT_CREATE.calls --y stats.rmm.rmi.RTT_DESTROY.calls --yunit "RMI calls" \
  --ylabel "RTT_CREATE / RTT_DESTROY" --title "RTTs for 1024 pages, dense to sparse" --out "$fig/rtts"
"$plot" lines "$out/layout-stride.csv" --x stride --xunit "bytes between touched pages" \
  --y phases.run.duration_ns --y phases.teardown.duration_ns --label phases.run.duration_ns=run \
  --label phases.teardown.duration_ns=teardown --ylabel "phase" --title "Run (faults) and teardown time" --out "$fig/phases"
"$plot" costs "$out/layout-stride.csv" --breakdown phases.teardown.time --x stride \
  --ylabel "teardown phase" --title "Teardown, per cost" --out "$fig/teardown-costs"
