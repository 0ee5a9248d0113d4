#!/usr/bin/env bash
# tools/bench-table: one row per figure from Google Benchmark JSON, the ratio against its limit
# where one exists and whether the goal is met; a benchmark that did not run says so; a file
# that is not JSON is refused.
set -euo pipefail
table=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; cat "$d/out" 2>/dev/null; exit 1; }

cat > "$d/bench_host.json" <<'JSON'
{"benchmarks": [
 {"name": "BM_Populate1G/iterations:2", "run_type": "iteration", "real_time": 2.0, "time_unit": "s",
  "populate_GiB_per_s": 0.8, "memcpy_sha256_GiB_per_s": 1.0, "memcpy_sha256_fresh_GiB_per_s": 0.5,
  "ratio": 0.8, "ratio_vs_fresh": 1.6},
 {"name": "BM_RealmLifecycle/iterations:3", "run_type": "iteration", "real_time": 250.0, "time_unit": "ms"},
 {"name": "BM_FaultIn/MiB:1024/iterations:2", "run_type": "iteration", "real_time": 10.0, "time_unit": "s",
  "us_per_fault": 25.0, "cpu_us_per_fault": 16.0, "cpu_ratio_vs_host_first_touch": 11.0,
  "lifecycle_us_per_fault": 31.0, "lifecycle_cpu_us_per_fault": 22.0},
 {"name": "BM_Lifecycle1G4Vcpu/iterations:2", "run_type": "iteration", "real_time": 8.0, "time_unit": "s",
  "wall_s": 8.0, "limit_s": 5, "ratio": 0.625}
]}
JSON
cat > "$d/bench_rmm.json" <<'JSON'
{"benchmarks": [{"name": "BM_DelegateUndelegate", "run_type": "iteration", "real_time": 1.0,
  "time_unit": "us", "rmi_per_s": 250000}]}
JSON
"$table" "$d" > "$d/out" || fail "exit status $?"
row() { grep -F "$1" "$d/out" || fail "no row '$1'"; }
row "populate 1 GiB measured" | grep -q "0.8 GiB/s.*memcpy+SHA-256 1 GiB/s.*| 0.80 .*>= 0.7 ok" || fail "populate row"
row "against fresh" | grep -q "| 1.60 .*ok" || fail "fresh row"
row "1 GiB 4-vCPU lifecycle" | grep -q "8 s.*5 s.*0.62.*>= 1 MISSED" || fail "lifecycle row"
row "default scenario" | grep -q "250 ms" || fail "default scenario row"
row "RMI calls per second" | grep -q "250 000 /s" || fail "RMI row"
row "1 GiB memtouch, per fault" | grep -q "25 us.*10 us.*0.40.*MISSED" || fail "fault-in row"
row "the same in CPU time" | grep -q "16 us (x11.0).*10 us.*0.62.*MISSED" || fail "fault-in CPU row"
row "create and teardown" | grep -q "31 us (CPU 22 us)" || fail "fault-in lifecycle row"
row "compute loop" | grep -q "not run" || fail "a missing benchmark is not said to be missing"
[ "$(grep -c ' | ' "$d/out")" -ge 10 ] || fail "fewer rows than figures"

echo "not json" > "$d/bench_bad.json"
if "$table" "$d" > "$d/out" 2>&1; then fail "a file that is not JSON was accepted"; fi
grep -q "bench_bad.json: not JSON" "$d/out" || fail "no clear message for a bad file"
echo "bench-table: 1 passed, 0 failed"
