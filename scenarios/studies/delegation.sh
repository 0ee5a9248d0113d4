#!/usr/bin/env bash
# The delegation strategy study (docs/studies/delegation.md): scenarios/studies/delegation.yaml
# under Linux v12 over RMM 1.0 (RMI_GRANULE_DELEGATE per granule) and Linux v14 over RMM
# 2.0-bet1 (RMI_GRANULE_RANGE_DELEGATE), populated sizes 16 MiB to 1 GiB, figures in
# docs/studies/delegation/. `make plots` runs it; by hand:
#   RMESIM=build/rmesim OUT=build/studies JOBS=2 scenarios/studies/delegation.sh
# RESUME=1 keeps the points an earlier run recorded (only if the simulator did not change).
set -eu
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
rmesim=${RMESIM:-$repo/build/rmesim}; out=${OUT:-$repo/build/studies}/delegation; jobs=${JOBS:-2}
fig=$repo/docs/studies/delegation; plot=$repo/tools/plot
sizes=realms.r0.populate_size=16MiB,64MiB,256MiB,1GiB
sweep() { "$rmesim" sweep "$here/delegation.yaml" --jobs "$jobs" ${RESUME:+--resume} --grid "$sizes" "$@"; }

sweep --set host.abi=v12 --set rmm.version=1.0 --out "$out/v1"
sweep --set host.abi=v14 --set rmm.version=2.0-bet1 --out "$out/v2"
# One grid of both, the RMI calls that move granules summed per point (1.0's and 2.0's FIDs).
rmi='^stats\.rmm\.rmi\.'
"$here/merge-sweeps" "$out/all.csv" --column rmi \
  --total "rmi_calls=$rmi[A-Z_0-9]+\.calls$" \
  --total "delegate_calls=${rmi}GRANULE(_RANGE)?_DELEGATE\.calls$" \
  --total "undelegate_calls=${rmi}GRANULE(_RANGE)?_UNDELEGATE\.calls$" \
  "$out/v1/sweep.csv=v12 + RMM 1.0" "$out/v2/sweep.csv=v14 + RMM 2.0-bet1"

"$plot" lines "$out/all.csv" --x realms.r0.populate_size --series rmi \
  --y stats.host.r0.phases.populate.time_ps --y stats.host.r0.phases.teardown.time_ps \
  --label stats.host.r0.phases.populate.time_ps=populate --label stats.host.r0.phases.teardown.time_ps=teardown \
  --ylabel "lifecycle phase" --logy --title "Populate and teardown: per-granule against range delegation" --out "$fig/phases"
"$plot" lines "$out/all.csv" --x realms.r0.populate_size --series rmi \
  --y delegate_calls --y undelegate_calls --y rmi_calls \
  --label delegate_calls="(RANGE_)DELEGATE" --label undelegate_calls="(RANGE_)UNDELEGATE" --label rmi_calls="all RMI" \
  --yunit "RMI calls" --ylabel "calls" --logy --title "RMI calls of the whole lifecycle" --out "$fig/calls"
"$plot" costs "$out/all.csv" --breakdown stats.host.r0.phases.populate --ylabel "populate phase" \
  --title "Populate, per cost" --out "$fig/populate-costs"
"$plot" costs "$out/all.csv" --breakdown stats.host.r0.phases.teardown --ylabel "teardown phase" \
  --title "Teardown, per cost" --out "$fig/teardown-costs"
"$plot" costs "$out/all.csv" --breakdown stats.host.r0.phases.rec_create --ylabel "REC creation phase" \
  --title "Two RECs: REC_AUX_COUNT + AUX delegation against the REC_CREATE SRO, per cost" --out "$fig/rec-create-costs"
