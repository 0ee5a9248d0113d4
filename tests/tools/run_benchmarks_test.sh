#!/usr/bin/env bash
# tools/run-benchmarks with BENCH_FILTER: a binary the filter matches nothing in (Google
# Benchmark then leaves an empty output file) shows as "not run" in the table instead of failing
# it, and a figure of an earlier run is never shown as this run's.
set -euo pipefail
runner=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; cat "$d/log" 2>/dev/null; exit 1; }

# Stand-ins for two bench binaries, as Google Benchmark behaves: the JSON of what matched, or an
# empty file.
mkdir -p "$d/build/bench/host" "$d/build/bench/rmm" "$d/out"
cat > "$d/build/bench/host/bench_host" <<'SH'
#!/usr/bin/env bash
for a in "$@"; do case $a in --benchmark_out=*) out=${a#*=};; --benchmark_filter=*) filter=${a#*=};; esac; done
: > "$out"
if [[ "BM_RealmLifecycle/iterations:3" =~ ${filter:-.} ]]; then
  echo '{"benchmarks": [{"name": "BM_RealmLifecycle/iterations:3", "run_type": "iteration", "real_time": 250.0, "time_unit": "ms"}]}' > "$out"
else
  echo "Failed to match any benchmarks against regex: $filter" >&2
fi
SH
sed 's/BM_RealmLifecycle\/iterations:3" =~/BM_DelegateUndelegate" =~/' "$d/build/bench/host/bench_host" > "$d/build/bench/rmm/bench_rmm"
chmod +x "$d/build/bench/host/bench_host" "$d/build/bench/rmm/bench_rmm"
echo '{"benchmarks": [{"name": "BM_DelegateUndelegate", "run_type": "iteration", "real_time": 1.0, "time_unit": "us", "rmi_per_s": 999999}]}' > "$d/out/bench_rmm.json"

BENCH_FILTER=RealmLifecycle BENCH_OUT="$d/out" "$runner" "$d/build" > "$d/log" 2>&1 || fail "exit status $?"
grep -q "default scenario.*250 ms" "$d/log" || fail "the matched benchmark's row"
grep "RMI calls per second" "$d/log" | grep -q "not run" || fail "a binary that matched nothing is not 'not run'"
grep -q "999" "$d/log" && fail "a figure of an earlier run was shown"
[ ! -e "$d/out/bench_rmm.json" ] || fail "an empty result file was left"
echo "run-benchmarks: 1 passed, 0 failed"
