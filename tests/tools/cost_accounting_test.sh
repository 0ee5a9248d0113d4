#!/usr/bin/env bash
# Cost accounting end to end: in stats.json every phase's, lifecycle phase's and RMI/RSI
# command's time splits by cost into rows that sum exactly to it; raising one cost in the
# profile raises exactly its own row; host seconds appear only when asked for.
# Usage: cost_accounting_test.sh RMESIM_BINARY SCENARIO_DIR
set -u
bin=$1; scen=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
py() { python3 - "$@"; }

"$bin" run "$scen/realm-lifecycle.yaml" --out "$work/a" -q; rc=$?
check "realm-lifecycle runs" '[ $rc = 0 ]'
check "every breakdown's rows (costs and wait) sum exactly to its time" 'py "$work/a/stats.json" <<"PY"
import json, sys
d = json.load(open(sys.argv[1]))
rows = [p["time"] for p in d["phases"]]
def walk(node):
    if isinstance(node, dict):
        if "by_cost_ps" in node: rows.append(node)
        else:
            for v in node.values(): walk(v)
walk(d["stats"])
assert len(rows) > 40, len(rows)
bad = [r for r in rows if sum(r["by_cost_ps"].values()) != r["time_ps"]]
sys.exit(1 if bad else 0)
PY'
check "lifecycle phases and RMI commands on one PE: every picosecond is a named cost" 'py "$work/a/stats.json" <<"PY"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stats"]
ph = s["host"]["r0"]["phases"]
for p in ["create", "populate", "rec_create", "activate", "teardown"]:
    b = ph[p]["by_cost_ps"]
    assert ph[p]["time_ps"] > 0 and "wait" not in b and "device" not in b, (p, b)
assert s["rmm"]["rmi"]["DATA_CREATE"]["time"]["by_cost_ps"]["rmm.sha256"] > 0
assert s["rmm"]["rsi"]["HOST_CALL"]["calls"] == 2
PY'

# Raising one cost: its row grows, every other row of the phase stays as it was.
raised() {  # COST VALUE PHASE
  "$bin" run "$scen/realm-lifecycle.yaml" --out "$work/$1" -q --set "profile.$1=$2" || return 1
  py "$work/a/stats.json" "$work/$1/stats.json" "$1" "$3" <<"PY"
import json, sys
a, b = (json.load(open(f))["stats"]["host"]["r0"]["phases"][sys.argv[4]] for f in sys.argv[1:3])
cost = sys.argv[3]
ra, rb = a["by_cost_ps"], b["by_cost_ps"]
assert rb[cost] > ra.get(cost, 0), (ra.get(cost), rb[cost])
assert {k: v for k, v in ra.items() if k != cost} == {k: v for k, v in rb.items() if k != cost}, (ra, rb)
assert b["time_ps"] - a["time_ps"] == rb[cost] - ra.get(cost, 0)
PY
}
check "a slower SHA-256 raises exactly the populate phase's rmm.sha256 row" 'raised rmm.sha256 0.5 populate'
check "a costlier TLBI broadcast raises exactly the teardown phase's tlbi.broadcast row" 'raised tlbi.broadcast 900 teardown'
check "a costlier world switch raises exactly the create phase's smc.world_switch row" 'raised smc.world_switch 1000 create'

# Host seconds only on request; the described format gives units and descriptions.
"$bin" run "$scen/boot-delegate.yaml" --out "$work/h" -q --host-seconds --stats-format described; rc=$?
check "--host-seconds and --stats-format described" '[ $rc = 0 ] && py "$work/h/stats.json" <<"PY"
import json, sys
d = json.load(open(sys.argv[1]))
assert all("host_seconds" in p["time"] for p in d["phases"])
c = d["stats"]["pe0"]["gpc"]["checks"]
assert c["unit"] == "count" and c["desc"] == "granule protection checks" and c["value"] > 0, c
PY'
check "without --host-seconds stats.json holds no host time" '! grep -q host_seconds "$work/a/stats.json"'
"$bin" run "$scen/boot-delegate.yaml" --out "$work/x" -q --stats-format yaml 2> "$work/x.err"; rc=$?
check "a bad --stats-format is bad input" '[ $rc = 2 ] && grep -q "stats-format" "$work/x.err" && [ ! -e "$work/x/stats.json" ]'

echo "cost accounting: $pass passed, $fail failed"
[ $fail = 0 ]
