#!/usr/bin/env bash
# rmesim fuzz: a bounded campaign holds every invariant and covers every RMM 1.0 and 2.0-bet1
# command (the SRO's RMI_INCOMPLETE, OP_* and REALM_TERMINATE among them); the
# same seed prints the same report whatever --jobs says; the fuzzer's self-test (granules
# delegated behind the RMM's back) is caught, shrunk to its one step, written and replayed; a
# worker's crash or hang is a finding; bad options exit 2 and write nothing.
# Usage: fuzz_test.sh RMESIM_BINARY SCENARIOS_DIR [SEQUENCES]
set -u
bin=$1
scenarios=$2
sequences=${3:-500}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then :; else echo "FAIL: $1"; fail=1; fi; }

# The bounded campaign of make test.
"$bin" fuzz --seed 1 --sequences "$sequences" --jobs 2 --out "$work/out" > "$work/campaign" 2> "$work/speed"; rc=$?
cat "$work/speed"
check "campaign exits 0 (rc $rc): $(grep violation "$work/campaign" | head -3)" '[ $rc = 0 ]'
check "campaign reports N sequences, M steps, 0 violations" \
  'grep -qE "^$sequences sequences, [0-9]+ steps, 0 violations$" "$work/campaign"'
check "no reproducer folder without a violation" '[ ! -e "$work/out" ]'
# Every command of each RMM version has its row in that version's table, and each was called.
for spec in 1.0 2.0-bet1; do
  awk -v h=" RMM $spec:" '$0 == h {on = 1; next} /^ RMM / {on = 0} on' "$work/campaign" > "$work/cov-$spec"
  for c in $("$bin" abi --spec $spec | grep -oE '^\| 0x[0-9A-F]+ \| RMI_[A-Z0-9_]+' | sed 's/.*RMI_//'); do
    check "$spec coverage row for $c" "grep -qE '^  $c +([0-9]+|-)' \"\$work/cov-$spec\""
    check "$spec $c was called" "grep -E '^  $c ' \"\$work/cov-$spec\" | grep -qE ' [0-9]+'"
  done
done
# Columns: command, then RMI_SUCCESS ($2) .. RMI_ERROR_RTT ($6), RMI_BUSY ($7) .. RMI_ERROR_GRANULE ($13).
reached() {  # spec command column status-name
  check "$4 reached by $2 ($1)" "grep -E '^  $2 ' \"\$work/cov-$1\" | awk '{exit \$$3 == \"-\"}'"
}
reached 1.0 DATA_CREATE 6 RMI_ERROR_RTT
for c in REC_CREATE REC_DESTROY OP_MEM_DONATE OP_MEM_RECLAIM; do reached 2.0-bet1 $c 10 RMI_INCOMPLETE; done
for c in OP_CONTINUE OP_MEM_RECLAIM REALM_TERMINATE RTT_DATA_MAP RTT_DATA_UNMAP GRANULE_RANGE_UNDELEGATE; do reached 2.0-bet1 $c 2 RMI_SUCCESS; done
reached 2.0-bet1 GPT_L1_CREATE 12 RMI_ERROR_GPT
reached 2.0-bet1 RMM_ACTIVATE 8 RMI_ERROR_GLOBAL

# Same seed, same outcome, whatever the number of workers.
"$bin" fuzz --seed 7 --sequences 20 --jobs 1 > "$work/j1" 2> /dev/null
"$bin" fuzz --seed 7 --sequences 20 --jobs 3 > "$work/j3" 2> /dev/null
check "same seed, same report with 1 and 3 jobs" 'cmp -s "$work/j1" "$work/j3"'
"$bin" fuzz --seed 8 --sequences 20 --jobs 2 > "$work/s8" 2> /dev/null
check "another seed, another walk" '! cmp -s "$work/j1" "$work/s8"'

# The self-test: the invariants catch a GPT changed behind the RMM, the sequence is shrunk to
# that one step, and the reproducer replays the violation.
"$bin" fuzz --seed 1 --sequences 24 --jobs 2 --self-test --out "$work/repro" > "$work/self" 2> /dev/null; rc=$?
check "self-test exits 1 (rc $rc)" '[ $rc = 1 ]'
check "self-test reports violations" 'grep -qE "^24 sequences, [0-9]+ steps, [1-9][0-9]* violations$" "$work/self"'
check "self-test names the GPT disagreement" 'grep -q "the GPT and the RMM.s granule state disagree" "$work/self"'
repro=$(ls "$work/repro"/repro-*.yaml 2>/dev/null | head -1)
check "a reproducer is written" '[ -n "$repro" ]'
if [ -n "$repro" ]; then
  check "the reproducer is shrunk to one step" '[ "$(grep -c "^  - " "$repro")" = 1 ] && grep -q "^  - delegate:" "$repro"'
  "$bin" fuzz --replay "$repro" > "$work/replay"; rc=$?
  check "replay reproduces the violation (rc $rc)" '[ $rc = 1 ] && grep -q "granule state disagree" "$work/replay"'
fi

# A worker that dies in the middle of a sequence is that sequence's finding, and the campaign
# goes on with a new worker: SIGKILL stands for a crash, SIGALRM is what the per-step wall
# limit (alarm) sends a hung worker. Each worker is a process of its own (posix_spawn of this
# binary: /proc/PID/task/PID/children lists them).
# The rest ran: the steps are the clean campaign's less the killed sequence's (8 at most).
"$bin" fuzz --seed 3 --sequences 600 --max-steps 8 --jobs 2 > "$work/unkilled" 2> /dev/null
clean_steps=$(sed -n 's/^600 sequences, \([0-9]*\) steps, 0 violations$/\1/p' "$work/unkilled")
check "the campaign to kill runs clean" '[ -n "$clean_steps" ]'
for sig in KILL ALRM; do
  "$bin" fuzz --seed 3 --sequences 600 --max-steps 8 --jobs 2 --out "$work/killed-$sig" > "$work/killed" 2> /dev/null &
  campaign=$!
  worker=""
  for _ in $(seq 100); do
    worker=$(cut -d' ' -f1 "/proc/$campaign/task/$campaign/children" 2>/dev/null)
    [ -n "$worker" ] && break
    sleep 0.1
  done
  sleep 0.5  # into its sequences (a worker starts in 0.05 s)
  [ -n "$worker" ] && kill -$sig "$worker"
  wait $campaign; rc=$?
  case $sig in KILL) what="crash: Killed" ;; ALRM) what="hang: a step ran longer than 20 s of wall time" ;; esac
  check "a worker killed by SIG$sig: the campaign exits 1 (rc $rc)" '[ $rc = 1 ]'
  check "a worker killed by SIG$sig: one violation ($(grep violation "$work/killed" | head -2))" \
    'grep -q "^violation in sequence [0-9]*: fuzz-0x[0-9a-f]*.yaml: $what$" "$work/killed"'
  steps=$(sed -n 's/^600 sequences, \([0-9]*\) steps, 1 violations$/\1/p' "$work/killed")
  check "a worker killed by SIG$sig: the other sequences ran ($steps of $clean_steps steps)" \
    '[ -n "$steps" ] && [ -n "$clean_steps" ] && [ "$steps" -le "$clean_steps" ] && [ "$steps" -ge $((clean_steps - 8)) ]'
done

# Violations the fuzzer found, each fixed: their reproducers replay clean.
for f in "$(dirname "$0")"/fixtures/fuzz/*.yaml; do
  "$bin" fuzz --replay "$f" > "$work/fixed"; rc=$?
  check "$(basename "$f") holds every invariant (rc $rc: $(cat "$work/fixed"))" '[ $rc = 0 ] && grep -q "every invariant held" "$work/fixed"'
done

# A scenario that behaves replays clean (its failed expectations are not violations).
"$bin" fuzz --replay "$scenarios/attack-bad-rmi.yaml" > "$work/clean"; rc=$?
check "attack-bad-rmi holds every invariant (rc $rc: $(cat "$work/clean"))" '[ $rc = 0 ] && grep -q "every invariant held" "$work/clean"'

# Bad options: exit 2, nothing written.
for args in "--jobs 0" "--jobs 65" "--sequences 0" "--max-steps 0" "--seed -1" "--sequences x" "extra" \
            "--out $work/campaign/sub" "--replay /dev/zero" "--replay $work" "--replay /nonexistent.yaml"; do
  # shellcheck disable=SC2086
  "$bin" fuzz $args > /dev/null 2> "$work/err"; rc=$?
  check "fuzz $args exits 2 (rc $rc: $(cat "$work/err"))" '[ $rc = 2 ] && [ -s "$work/err" ]'
done
ro="$work/ro"; mkdir -p "$ro"; chmod a-w "$ro"
if [ "$(id -u)" != 0 ]; then
  "$bin" fuzz --out "$ro/sub" --sequences 1 > /dev/null 2>&1; rc=$?
  check "fuzz --out in a read-only folder exits 2 (rc $rc)" '[ $rc = 2 ]'
fi
exit $fail
