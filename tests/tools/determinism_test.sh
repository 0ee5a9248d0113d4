#!/usr/bin/env bash
# Every shipped scenario, run twice with its seed, writes byte-identical stats.json, trace.json
# and consoles (linux-*.yaml need build/linux and take minutes: left to host.linux_vm).
# Usage: determinism_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$1; scen=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
for f in "$scen"/*.yaml; do
  s=$(basename "$f" .yaml)
  case $s in linux-*) continue ;; esac
  "$bin" run "$f" --out "$work/$s.a" -q > /dev/null 2>&1; rc1=$?
  "$bin" run "$f" --out "$work/$s.b" -q > /dev/null 2>&1; rc2=$?
  if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ -s "$work/$s.a/stats.json" ] && diff -r "$work/$s.a" "$work/$s.b" > /dev/null; then
    pass=$((pass+1))
  else
    echo "FAIL: $s: two runs differ or failed (rc $rc1, $rc2)"; fail=$((fail+1))
  fi
done
echo "determinism: $pass passed, $fail failed"
[ $pass -gt 0 ] && [ $fail = 0 ]
