#!/usr/bin/env bash
# `rmesim verify-token`: a token realm-hello fetched inside a realm and printed whole
# (args [N, 1]) is checked outside it with the token tests' verifier; a wrong platform key, a
# changed byte and bad input are each refused.
# Usage: verify_token_test.sh RMESIM_BINARY
set -u
bin=$(realpath "$1")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

cat > "$work/r.yaml" <<'YAML'
name: token
seed: 5
platform: {cores: 2, dram: 1GiB}
realms:
  r0: {memory: 32MiB, vcpus: 1, image: realm-hello, args: [1, 1], rpv: abc}
steps:
  - create: r0
  - run: {vm: r0, until: stopped, timeout: 5s}
  - check: {vm: r0, stopped: system_off, result: 0}
  - teardown: r0
YAML
"$bin" run "$work/r.yaml" --out "$work/o" > "$work/run.txt"; rc=$?
con="$work/o/console-r0.txt"
rim=$(sed -n 's/^    RIM \([0-9a-f]*\)$/\1/p' "$work/run.txt")
check "realm-hello prints its whole token with args [1, 1]" '[ $rc = 0 ] && [ $(grep -c "^realm-hello: token data " "$con") = 18 ]'

"$bin" verify-token "$con" --seed 5 > "$work/v.txt"; rc=$?
check "the token verifies with the CPAK of its seed, with the run's RIM and RPV" \
  '[ $rc = 0 ] && grep -qx "verified" "$work/v.txt" && [ -n "$rim" ] && grep -qx "  RIM $rim" "$work/v.txt" &&
   grep -q "^  RPV 616263000000" "$work/v.txt" && grep -q "^token: 1116 bytes" "$work/v.txt"'

"$bin" verify-token "$con" > "$work/v1.txt"; rc=$?
check "another platform's CPAK (seed 1, the default) rejects it: exit 1" \
  '[ $rc = 1 ] && grep -q "^REJECTED: platform token: the signature does not verify with the CPAK" "$work/v1.txt"'

# The first hex digit of the RIM changed where it sits inside the token's data lines.
python3 - "$con" "$work/t.txt" "$rim" <<'PY'
import sys
text, rim = open(sys.argv[1]).read(), sys.argv[3]
head = "realm-hello: token data "
at = text.index(rim[:16], text.index(head))
open(sys.argv[2], "w").write(text[:at] + ("1" if text[at] == "0" else "0") + text[at + 1:])
PY
"$bin" verify-token "$work/t.txt" --seed 5 > "$work/v2.txt"; rc=$?
check "a changed RIM byte breaks the realm token's signature" \
  '! cmp -s "$con" "$work/t.txt" && [ $rc = 1 ] && grep -q "^REJECTED: realm token: the signature does not verify" "$work/v2.txt"'

printf 'realm-hello: nothing here\n' > "$work/none.txt"
"$bin" verify-token "$work/none.txt" > "$work/e1.txt" 2>&1; rc1=$?
printf 'realm-hello: token data 0g\n' > "$work/bad.txt"
"$bin" verify-token "$work/bad.txt" > "$work/e2.txt" 2>&1; rc2=$?
"$bin" verify-token "$work/missing.txt" > "$work/e3.txt" 2>&1; rc3=$?
"$bin" verify-token "$con" --seed -1 > "$work/e4.txt" 2>&1; rc4=$?
check "no token lines, bad hex, a missing file, a bad seed: exit 2 with the reason" \
  '[ $rc1$rc2$rc3$rc4 = 2222 ] && grep -q "no \"token data\" lines" "$work/e1.txt" && grep -q "bad.txt:1:.*not hex" "$work/e2.txt" &&
   grep -q "cannot be read" "$work/e3.txt" && grep -q "seed must be" "$work/e4.txt"'
printf 'realm-hello: token data 0102\n' > "$work/short.txt"
"$bin" verify-token "$work/short.txt" > "$work/e5.txt" 2>&1; rc=$?
check "bytes that are no token: rejected (exit 1), no crash" '[ $rc = 1 ] && grep -q "^REJECTED: token:" "$work/e5.txt"'

echo "verify-token: $pass passed, $fail failed"
exit $fail
