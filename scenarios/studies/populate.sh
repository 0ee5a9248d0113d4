#!/usr/bin/env bash
# The populate study (docs/studies/populate.md): sweeps of scenarios/studies/populate.yaml over
# the populated size, measured vs unmeasured, SHA-256 vs SHA-512, the populate chunk and 2 MiB
# blocks under RMM 1.0 and 2.0-bet1, and of populate-fault-in.yaml (memory faulted in, by pages
# or blocks), with their figures in docs/studies/populate/. `make plots` runs it; by hand:
#   RMESIM=build/rmesim OUT=build/studies JOBS=2 scenarios/studies/populate.sh
# RESUME=1 keeps the points an earlier run recorded (only if the simulator did not change).
set -eu
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
rmesim=${RMESIM:-$repo/build/rmesim}; out=${OUT:-$repo/build/studies}/populate; jobs=${JOBS:-2}
fig=$repo/docs/studies/populate; plot=$repo/tools/plot
sweep() { "$rmesim" sweep "$here/populate.yaml" --jobs "$jobs" ${RESUME:+--resume} "$@"; }

# Where the time goes as the realm grows, measured or not (4 GiB points run alone: memory).
sweep --grid realms.r0.populate=measured,unmeasured --grid realms.r0.populate_size=16MiB,64MiB,256MiB,1GiB --out "$out/size"
"$rmesim" sweep "$here/populate.yaml" --jobs 1 ${RESUME:+--resume} --grid realms.r0.populate=measured,unmeasured \
  --grid realms.r0.populate_size=4GiB --out "$out/size-4g"
"$here/merge-sweeps" "$out/size-all.csv" "$out/size/sweep.csv" "$out/size-4g/sweep.csv"  # one table of both
"$plot" lines "$out/size-all.csv" --x realms.r0.populate_size --y stats.host.r0.phases.populate.time_ps \
  --series realms.r0.populate --ylabel "populate phase" --title "Populate time against populated size" --logy --out "$fig/size"
"$plot" costs "$out/size-all.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "Where the populate time goes, per cost" --out "$fig/size-costs"
"$plot" lines "$out/size-all.csv" --x realms.r0.populate_size --y wall_seconds --series realms.r0.populate \
  --title "Wall time of the whole run" --logy --out "$fig/size-wall"

# SHA-256 against SHA-512 (measured populate of 256 MiB and 1 GiB).
sweep --grid realms.r0.hash=sha256,sha512 --grid realms.r0.populate_size=256MiB,1GiB --out "$out/hash"
"$plot" costs "$out/hash/sweep.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "SHA-256 against SHA-512, per cost" --out "$fig/hash-costs"

# The populate chunk: pages per KVM_ARM_RMI_POPULATE call (256 MiB, measured).
sweep --set realms.r0.populate_size=256MiB --grid host.populate_chunk=1,16,512,16384 --out "$out/chunk"
"$plot" lines "$out/chunk/sweep.csv" --x host.populate_chunk --xunit "pages per call" \
  --y stats.host.r0.phases.populate.time_ps --y stats.host.r0.phases.populate.by_cost_ps.host.ioctl \
  --label stats.host.r0.phases.populate.time_ps="the whole populate phase" \
  --label stats.host.r0.phases.populate.by_cost_ps.host.ioctl="its KVM_ARM_RMI_POPULATE entries (host.ioctl)" \
  --ylabel "populate phase" --logy --title "The chunk size: 256 MiB populated" --out "$fig/chunk"

# 4 KiB pages against 2 MiB blocks folded with RMI_RTT_FOLD under RMM 1.0 (256 MiB, measured):
# the populate (fold) and the teardown (unfold) phases. The RTT study's write-up uses them too.
sweep --set realms.r0.populate_size=256MiB --grid host.populate_block=4KiB,2MiB --out "$out/block"
"$plot" costs "$out/block/sweep.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "4 KiB pages against 2 MiB blocks: populate" --out "$fig/block-populate"
"$plot" costs "$out/block/sweep.csv" --breakdown stats.host.r0.phases.teardown --ylabel "teardown phase" \
  --title "4 KiB pages against 2 MiB blocks: teardown" --out "$fig/block-teardown"

# The same under RMM 2.0-bet1 (the v14 host): 512 RTT_DATA_MAP_INIT then RMI_RTT_FOLD per block;
# teardown unmaps each folded block whole with RTT_DATA_UNMAP.
sweep --set realms.r0.populate_size=256MiB --set rmm.version=2.0-bet1 --grid host.populate_block=4KiB,2MiB --out "$out/block-2.0"
"$plot" costs "$out/block-2.0/sweep.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "2.0-bet1, pages against blocks: populate" --out "$fig/block-2.0-populate"
"$plot" costs "$out/block-2.0/sweep.csv" --breakdown stats.host.r0.phases.teardown --ylabel "teardown phase" \
  --title "2.0-bet1, pages against blocks: teardown" --out "$fig/block-2.0-teardown"

# Zero-filled memory under RMM 2.0-bet1 (populate-fault-in.yaml): 256 MiB faulted in at run time
# a page per fault (v14) or a 2 MiB block per fault (one RTT_DATA_MAP with a 2 MiB descriptor).
"$rmesim" sweep "$here/populate-fault-in.yaml" --jobs "$jobs" ${RESUME:+--resume} \
  --set "realms.r0.args=[256,4096,0x90000000]" --grid host.fault_block=4KiB,2MiB --out "$out/fault-block"
"$plot" costs "$out/fault-block/sweep.csv" --breakdown stats.host.r0.phases.fault_in --ylabel "fault-in phase" \
  --title "256 MiB faulted in (2.0-bet1): fault-in" --out "$fig/fault-block"
"$plot" costs "$out/fault-block/sweep.csv" --breakdown stats.host.r0.phases.teardown --ylabel "teardown phase" \
  --title "256 MiB faulted in (2.0-bet1): teardown" --out "$fig/fault-block-teardown"

# The same populate (256 MiB, measured) on the three shipped profiles: default, a server-class
# and a phone-class SoC (platform/profiles/).
sweep --set realms.r0.populate_size=256MiB --grid platform.profile=default,neoverse-v2,cortex-a720 --out "$out/profile"
"$plot" costs "$out/profile/sweep.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "256 MiB populated, per profile" --out "$fig/profiles"
