#!/usr/bin/env python3
"""Checks a trace.json as Perfetto and chrome://tracing read it, and what rmesim promises:

- valid Chrome trace-event JSON: every event has ph, name, pid, tid; slices ts and dur >= 0,
  instants ts and a scope;
- timestamps are whole nanoseconds (microseconds with at most three decimals);
- every process and every thread with events is named and has a sort_index, and the PEs come
  first, in order (soc.pe0, soc.pe1, ...);
- on every track, every slice nests inside the slice that encloses its start (no partial
  overlap), so each child lies inside its parent;
- what the file says it left out (otherData) adds up with the events it holds.

Options name events that must be present: --expect NAME (somewhere), --expect-in PHASE:NAME
(an event NAME that starts inside the phase slice PHASE on the soc/phases track).
Exit 0 when everything holds; otherwise each problem on stderr and exit 1.
Usage: trace_check.py TRACE.json [--expect NAME]... [--expect-in PHASE:NAME]...
"""
import argparse
import json
import re
import sys
from collections import defaultdict
from decimal import Decimal


def ns(value, problems, what):
    """Microseconds (a JSON number read as Decimal) to integer nanoseconds."""
    v = Decimal(value) * 1000
    if v != v.to_integral_value():
        problems.append(f"{what}: {value} us is not a whole number of ns")
    return int(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--expect-in", action="append", default=[])
    a = ap.parse_args()
    problems = []
    with open(a.trace) as f:
        doc = json.load(f, parse_float=Decimal)
    events = doc["traceEvents"]
    process_names, process_sort, thread_names, thread_sort = {}, {}, {}, {}
    tracks = defaultdict(list)  # (pid, tid) -> [(ts, end, name)]
    names = defaultdict(list)   # name -> [(ts, pid, tid)]
    held = defaultdict(int)     # (pid, tid) -> events held
    for i, e in enumerate(events):
        for k in ("ph", "name", "pid", "tid"):
            if k not in e:
                problems.append(f"event {i} has no {k}: {e}")
        ph, pid, tid = e.get("ph"), e.get("pid"), e.get("tid")
        if ph == "M":
            arg = e.get("args", {})
            if e["name"] == "process_name": process_names[pid] = arg.get("name")
            elif e["name"] == "process_sort_index": process_sort[pid] = arg.get("sort_index")
            elif e["name"] == "thread_name": thread_names[(pid, tid)] = arg.get("name")
            elif e["name"] == "thread_sort_index": thread_sort[(pid, tid)] = arg.get("sort_index")
            continue
        if "ts" not in e:
            problems.append(f"event {i} ({e.get('name')}) has no ts")
            continue
        ts = ns(e["ts"], problems, f"event {i} ({e['name']}) ts")
        held[(pid, tid)] += 1
        names[e["name"]].append((ts, pid, tid))
        if ph == "X":
            if "dur" not in e or e["dur"] < 0:
                problems.append(f"slice {i} ({e['name']}) has no duration >= 0")
                continue
            tracks[(pid, tid)].append((ts, ts + ns(e["dur"], problems, f"event {i} dur"), e["name"]))
        elif ph == "i":
            if e.get("s") not in ("t", "p", "g"):
                problems.append(f"instant {i} ({e['name']}) has no scope")
        else:
            problems.append(f"event {i} has phase {ph!r}, which rmesim does not write")

    for key in held:
        if key[0] not in process_names or key[0] not in process_sort:
            problems.append(f"process {key[0]} has events but no name or sort_index")
        if key not in thread_names or key not in thread_sort:
            problems.append(f"thread {key} has events but no name or sort_index")
    pes = sorted((int(m.group(1)), process_sort.get(pid, 0)) for pid, n in process_names.items()
                 if (m := re.fullmatch(r"soc\.pe(\d+)", n or "")))
    if [s for _, s in pes] != sorted(s for _, s in pes):
        problems.append(f"PE processes are not in order: {pes}")
    others = [process_sort.get(pid, 0) for pid, n in process_names.items() if not re.fullmatch(r"soc\.pe\d+", n or "")]
    if pes and others and max(s for _, s in pes) > min(others):
        problems.append("a process that is not a PE sorts before a PE")

    nested = 0
    for key, spans in tracks.items():
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        stack = []
        for ts, end, name in spans:
            while stack and stack[-1][1] <= ts:
                stack.pop()
            if stack:
                pts, pend, pname = stack[-1]
                if end > pend:
                    problems.append(f"track {thread_names.get(key)} of {process_names.get(key[0])}: "
                                    f"{name} [{ts}, {end}) ns overlaps its parent {pname} [{pts}, {pend}) ns")
                nested += 1
            stack.append((ts, end, name))

    other = doc.get("otherData", {})
    omitted = sum(t["omitted"] for t in other.get("omitted_by_track", []))
    if other.get("omitted", 0) != omitted:
        problems.append(f"otherData says {other.get('omitted')} events omitted, its tracks say {omitted}")
    markers = sum(1 for e in events if e.get("cat") == "trace")
    if other.get("recorded", 0) != sum(held.values()) - markers + omitted:
        problems.append(f"otherData says {other.get('recorded')} events recorded; the file holds "
                        f"{sum(held.values()) - markers} and omitted {omitted}")
    if markers != len(other.get("omitted_by_track", [])):
        problems.append(f"{markers} omission markers for {len(other.get('omitted_by_track', []))} tracks with omissions")

    for name in a.expect:
        if name not in names:
            problems.append(f"no event named {name}")
    phases = {n: (ts, end) for key, spans in tracks.items() if thread_names.get(key) == "phases"
              for ts, end, n in spans}
    for spec in a.expect_in:
        phase, name = spec.split(":", 1)
        if phase not in phases:
            problems.append(f"no phase {phase}")
            continue
        lo, hi = phases[phase]
        if not any(lo <= ts <= hi for ts, _, _ in names.get(name, [])):
            problems.append(f"no {name} inside phase {phase} [{lo}, {hi}) ns")

    for p in problems[:40]:
        print(f"{a.trace}: {p}", file=sys.stderr)
    if len(problems) > 40:
        print(f"{a.trace}: ... and {len(problems) - 40} more", file=sys.stderr)
    print(f"{a.trace}: {sum(held.values())} events on {len(held)} tracks, {nested} nested slices, "
          f"{other.get('omitted', 0)} omitted, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
