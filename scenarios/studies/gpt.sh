#!/usr/bin/env bash
# The GPT geometry study (docs/studies/gpt.md): scenarios/studies/gpt.yaml over PGS and
# L0GPTSZ, figures in docs/studies/gpt/. `make plots` runs it; by hand:
#   RMESIM=build/rmesim OUT=build/studies scenarios/studies/gpt.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
rmesim=${RMESIM:-$repo/build/rmesim}; out=${OUT:-$repo/build/studies}/gpt; jobs=${JOBS:-2}
fig=$repo/docs/studies/gpt; plot=$repo/tools/plot

"$rmesim" sweep "$here/gpt.yaml" --jobs "$jobs" ${RESUME:+--resume} --grid platform.gpt.pgs=4KiB,16KiB,64KiB \
  --grid platform.gpt.l0gptsz=1GiB,16GiB,512GiB --out "$out/geometry"
"$plot" lines "$out/geometry/sweep.csv" --x platform.gpt.pgs --y phases.delegate.duration_ns --series platform.gpt.l0gptsz \
  --ylabel "delegating 512 granules" --title "Delegate cost against PGS and L0GPTSZ" --out "$fig/delegate"
"$plot" costs "$out/geometry/sweep.csv" --breakdown phases.delegate.time --ylabel "delegating 512 granules" \
  --title "Where the delegate time goes" --out "$fig/delegate-costs"
"$plot" lines "$out/geometry/sweep.csv" --x platform.gpt.pgs --y platform.gpt.total_bytes --series platform.gpt.l0gptsz \
  --yunit bytes --ylabel "GPT size for 8 GiB of DRAM" --title "GPT size" --out "$fig/size"
"$plot" lines "$out/geometry/sweep.csv" --x platform.gpt.pgs --y phases.boot.duration_ns --series platform.gpt.l0gptsz \
  --ylabel "boot (GPT build)" --title "Building the GPT at boot" --out "$fig/boot"
"$plot" lines "$out/geometry/sweep.csv" --x platform.gpt.pgs --y stats.pe0.gpc.walks --y stats.pe1.gpc.walks \
  --label stats.pe0.gpc.walks="PE 0 (monitor, VMM)" --label stats.pe1.gpc.walks="PE 1 (the VM's vCPU)" \
  --series platform.gpt.l0gptsz --yunit "GPT walks" --ylabel "GPC walks" --title "GPC cache: walks" --out "$fig/gpc-walks"
