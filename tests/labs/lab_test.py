#!/usr/bin/env python3
"""Runs one teaching lab (labs/NN-name) and asserts what its README tells students to observe.

A lab folder holds README.md (with the sections every lab has), ANSWERS.md and expect.yaml:

  runs:
    - scenario: lab.yaml            # relative to the lab folder (its own `check` steps run too)
      args: [--set, KEY=VALUE]      # optional extra `rmesim run` arguments
      exit: 1                       # optional: the exit status (default 0; 1 when an exercise
                                    # makes one of the scenario's own checks fail)
      summary: [TEXT, ...]          # substrings of the `--summary brief` output
      absent: [TEXT, ...]           # substrings it must not contain
      console: {VM: [TEXT, ...]}    # substrings of a VM's console
      stats:                        # stats.json values by dotted path (a described statistic's
        - {path: P, eq|ne|ge|gt|le|lt: N}   #  value is unwrapped); `same_as: P2` compares two
                                    # paths; `same_as_run: I` / `differs_from_run: I` /
                                    # `lt_run: I` / `gt_run: I` compare with the same path in
                                    # run I of this list
      explain: [KEY, ...]           # `rmesim explain stats.json KEY` prints a description
      trace_order: [EVENT, ...]     # trace.json: each event's first occurrence, in this order
      verify_token:                 # `rmesim verify-token console-VM.txt --seed N`: its
        - {vm: VM, seed: N, exit: 0, output: [TEXT, ...]}   #  exit status and output lines
      requires: [FILE, ...]         # optional: files (relative to the build tree) without which
                                    # this run is skipped (a later run may not compare with it)
      pinned:                       # optional: what depends on the fetched kernel's build (counts,
        kernel: "PACKAGE VERSION"   #  addresses, the RIM): `summary` and `stats` as above, asserted
        summary: [TEXT, ...]        #  only when build/linux/versions.txt names this kernel (the
        stats: [...]                #  set-up fetches the newest, so a new one must not fail CI)
  tools:                            # optional: a repository tool, run from the repository's top
    - {command: [TOOL, ARG, ...], output: [TEXT, ...]}   # folder (BUILD in an argument is the
                                    # build tree; OUT is set to a scratch folder): exit 0 and
                                    # these substrings of its output
  requires: [FILE, ...]             # optional: files (relative to the build tree) without which
                                    # the lab is skipped (exit 77)

Usage: lab_test.py RMESIM LAB_DIR BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

import yaml

SECTIONS = ["## Goal", "## Background", "## Run", "## Observe", "## Questions", "## Change this and predict"]
COMPARE = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "ge": lambda a, b: a >= b,
           "gt": lambda a, b: a > b, "le": lambda a, b: a <= b, "lt": lambda a, b: a < b}
ACROSS_RUNS = {"same_as_run": "eq", "differs_from_run": "ne", "lt_run": "lt", "gt_run": "gt"}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def lookup(doc, path):
    node, parts, i = doc, path.split("."), 0
    while i < len(parts):
        part = parts[i]
        if is_described(node):  # --stats-format described: {"value", "unit", "desc"}
            node = node["value"]
        # A key may hold a dot (a cost category such as gpt.walk_level): join with the next part.
        while isinstance(node, dict) and part not in node and i + 1 < len(parts):
            i += 1
            part += "." + parts[i]
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(path)
        i += 1
    return node["value"] if is_described(node) else node


def is_described(node):
    return isinstance(node, dict) and set(node) == {"value", "unit", "desc"}


def check_tool(tool, repo, build, work):
    cmd = [build if a == "BUILD" else str(a) for a in tool["command"]]
    env = dict(os.environ, OUT=os.path.join(work, "tool"))
    p = subprocess.run(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    where = " ".join(cmd)
    if p.returncode != 0:
        fail("%s: exited %d\n%s" % (where, p.returncode, p.stdout[-3000:]))
        return
    for text in tool.get("output", []):
        if text not in p.stdout:
            fail("%s: the output lacks %r" % (where, text))


def with_pinned(run, build):
    """The run's expectations, with its kernel-specific ones when that kernel is the one fetched."""
    pinned = run.get("pinned")
    if not pinned:
        return run
    versions = os.path.join(build, "linux", "versions.txt")
    fetched = open(versions).read().splitlines() if os.path.exists(versions) else []
    if not any(line.startswith(pinned["kernel"] + " ") for line in fetched):
        print("NOTE: %s: the numbers pinned for %s are not checked (fetched: %s)"
              % (run["scenario"], pinned["kernel"], "; ".join(fetched) or "nothing"))
        return run
    merged = dict(run)
    for key in ("summary", "stats"):
        merged[key] = run.get(key, []) + pinned.get(key, [])
    return merged


def check_run(rmesim, lab, run, work, index, docs, build):
    run = with_pinned(run, build)
    for req in run.get("requires", []):
        if not os.path.exists(os.path.join(build, req)):
            print("SKIP: run %d (%s) needs %s in the build tree (make deps)" % (index, run["scenario"], req))
            return
    out = os.path.join(work, "run%d" % index)
    scenario = os.path.normpath(os.path.join(lab, run["scenario"]))
    cmd = [rmesim, "run", scenario, "--out", out, "--summary", "brief", "--stats-format", "described"]
    cmd += [str(a) for a in run.get("args", [])]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    where = "%s %s" % (run["scenario"], " ".join(map(str, run.get("args", []))))
    want_exit = run.get("exit", 0)
    if p.returncode != want_exit or ("Result: ok" in p.stdout) != (want_exit == 0):
        fail("%s: rmesim exited %d, expected %d\n%s" % (where, p.returncode, want_exit, p.stdout[-3000:]))
        return
    for text in run.get("summary", []):
        if text not in p.stdout:
            fail("%s: the summary lacks %r" % (where, text))
    for text in run.get("absent", []):
        if text in p.stdout:
            fail("%s: the summary has %r" % (where, text))
    with open(os.path.join(out, "stats.json")) as f:
        doc = json.load(f)
    docs[index] = doc
    for vm, texts in run.get("console", {}).items():
        path = os.path.join(out, "console-%s.txt" % vm)
        console = open(path).read() if os.path.exists(path) else ""
        for text in texts:
            if text not in console:
                fail("%s: console of %s lacks %r" % (where, vm, text))
    for e in run.get("stats", []):
        try:
            value = lookup(doc, e["path"])
        except KeyError:
            fail("%s: stats.json has no %s" % (where, e["path"]))
            continue
        ops = [k for k in e if k in COMPARE or k == "same_as" or k in ACROSS_RUNS]
        if not ops:
            fail("%s: expectation on %s compares nothing" % (where, e["path"]))
        for op in ops:
            if op == "same_as":
                want, ok_if = lookup(doc, e[op]), COMPARE["eq"]
            elif op in ACROSS_RUNS:
                if e[op] not in docs:
                    fail("%s: %s names run %r, which did not run before this one" % (where, op, e[op]))
                    continue
                want, ok_if = lookup(docs[e[op]], e["path"]), COMPARE[ACROSS_RUNS[op]]
            else:
                want, ok_if = e[op], COMPARE[op]
            ok = ok_if(value, want)
            if not ok:
                fail("%s: %s is %r, expected %s %r" % (where, e["path"], value, op, want))
    order = run.get("trace_order", [])
    if order:
        with open(os.path.join(out, "trace.json")) as f:
            events = sorted((e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"), key=lambda e: e["ts"])
        first = {}
        for e in events:
            first.setdefault(e["name"], e["ts"])
        missing = [n for n in order if n not in first]
        if missing:
            fail("%s: trace.json has no %s" % (where, ", ".join(missing)))
        elif [first[n] for n in order] != sorted(first[n] for n in order):
            fail("%s: trace.json's first events are in the order %s, not %s"
                 % (where, sorted(order, key=lambda n: first[n]), order))
    for v in run.get("verify_token", []):
        x = subprocess.run([rmesim, "verify-token", os.path.join(out, "console-%s.txt" % v["vm"]), "--seed",
                            str(v["seed"])], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if x.returncode != v.get("exit", 0):
            fail("%s: verify-token of %s with seed %s exited %d\n%s" % (where, v["vm"], v["seed"], x.returncode, x.stdout))
        for text in v.get("output", []):
            if text not in x.stdout:
                fail("%s: verify-token of %s with seed %s lacks %r" % (where, v["vm"], v["seed"], text))
    for key in run.get("explain", []):
        x = subprocess.run([rmesim, "explain", os.path.join(out, "stats.json"), key],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if x.returncode != 0 or "\n    " not in x.stdout:
            fail("%s: rmesim explain %s: exit %d: %s" % (where, key, x.returncode, x.stdout))


def main():
    rmesim, lab, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    name = os.path.basename(lab)
    readme = os.path.join(lab, "README.md")
    answers = os.path.join(lab, "ANSWERS.md")
    if not os.path.isfile(readme):
        fail(name + ": no README.md")
    else:
        text = open(readme).read()
        for s in SECTIONS:
            if s not in text:
                fail("%s/README.md lacks the section %r" % (name, s))
    if not os.path.isfile(answers) or os.path.getsize(answers) < 100:
        fail(name + ": no ANSWERS.md (or an empty one)")
    if not os.path.isfile(os.path.join(lab, "expect.yaml")):
        fail(name + ": no expect.yaml")
        return 1
    expect = yaml.safe_load(open(os.path.join(lab, "expect.yaml")))
    for req in expect.get("requires", []):
        if not os.path.exists(os.path.join(build, req)):
            print("SKIP: %s needs %s in the build tree (make deps)" % (name, req))
            return 77 if not failures else 1
    runs = expect.get("runs", [])
    if not runs:
        fail(name + ": expect.yaml has no runs")
    docs = {}
    with tempfile.TemporaryDirectory() as work:
        for i, run in enumerate(runs):
            check_run(rmesim, lab, run, work, i, docs, build)
        for tool in expect.get("tools", []):
            check_tool(tool, os.path.dirname(os.path.dirname(lab)), build, work)
    print("%s: %d runs, %d failures" % (name, len(runs), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
