#!/usr/bin/env bash
# Malformed host scenarios: each case exits 2, names file:line and the key, writes nothing.
# Usage: malformed_test.sh RMESIM_BINARY
set -u
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
head='name: bad
realms:
  r0:
    image: realm-hello'
# case name | scenario text | expected "file:line" suffix | expected key text
cases=(
  "unknown realm key|$head
    memroy: 64MiB|bad.yaml:5|realms.r0.memroy"
  "realm without image|name: bad
realms:
  r0:
    memory: 64MiB|bad.yaml:4|realms.r0.image"
  "bad populate mode|$head
    populate: sometimes|bad.yaml:5|realms.r0.populate"
  "zero vCPUs|$head
    vcpus: 0|bad.yaml:5|realms.r0.vcpus"
  "bad hash|$head
    hash: md5|bad.yaml:5|realms.r0.hash"
  "shared region overlapping RAM|$head
    shared: [{base: 0x80000000, size: 4096}]|bad.yaml:5|realms.r0.shared[0]"
  "normal VM with a realm-only key|name: bad
vms:
  vm0:
    image: compute
    populate: measured|bad.yaml:5|vms.vm0.populate"
  "duplicate name across realms and vms|$head
vms:
  r0:
    image: compute|bad.yaml:6|vms.r0"
  "bad ABI variant|name: bad
host:
  abi: v13|bad.yaml:3|host.abi"
  "unknown RMI command|$head
steps:
  - {rmi: DATA_MAKE, rd: r0}|bad.yaml:6|steps[0].rmi"
  "argument of another command|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: g1, rd: r0}|bad.yaml:6|steps[0].rmi.rd"
  "missing RMI argument|$head
steps:
  - {rmi: DATA_CREATE, rd: r0, data: g1, ipa: 0, src: s0}|bad.yaml:6|steps[0].rmi.flags"
  "unknown RMI status|$head
steps:
  - {rmi: GRANULE_DELEGATE, addr: g1, expect: RMI_ERROR_NOPE}|bad.yaml:6|steps[0].rmi.expect"
  "bad run condition|$head
steps:
  - run: {vm: r0, until: forever}|bad.yaml:6|steps[0].run.until"
  "bad duration|$head
steps:
  - pause: soon|bad.yaml:6|steps[0].pause"
  "bad host_read expectation|$head
steps:
  - host_read: {vm: r0, ipa: 0x80000000, expect: maybe}|bad.yaml:6|steps[0].host_read.expect"
  "bad check state|$head
steps:
  - check: {vm: r0, stopped: asleep}|bad.yaml:6|steps[0].check.stopped"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name text where key <<< "$c"
  # The text spans lines: recover it from the case (read stops at the first newline).
  text=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {print $2}')
  printf '%s\n' "$text" > "$work/bad.yaml"
  rm -rf "$work/out"
  "$bin" run "$work/bad.yaml" --out "$work/out" > /dev/null 2> "$work/err"; rc=$?
  where=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {print $3}')
  key=$(printf '%s' "$c" | awk -F'|' 'BEGIN{RS="\0"} {gsub(/\n$/, "", $4); print $4}')
  if [ $rc = 2 ] && grep -qF "$where" "$work/err" && grep -qF "$key" "$work/err" && [ ! -e "$work/out" ]; then
    pass=$((pass+1))
  else
    echo "FAIL: $name (rc $rc, wanted $where and $key): $(cat "$work/err")"
    fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
