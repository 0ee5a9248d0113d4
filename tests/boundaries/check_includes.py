#!/usr/bin/env python3
"""Checks the component boundaries of the source tree (DESIGN.md "Folders", STYLE.md 6).

Each component (gpt, platform, cpu, rmm, host, tools) is a CMake library whose public headers
are in <component>/include/; everything else in its folder is private. This script fails when
  - a source includes another component's private header (however it reaches it: through an
    include path, or a relative path); tests/<c>/ and bench/<c>/ are white-box and may include
    component c's private headers, and only those;
  - a component includes a component it must not depend on (gpt <- platform <- cpu, rmm, host
    <- tools; rmm and host never include each other, nor cpu: they meet through platform/);
  - a component's CMakeLists exposes (PUBLIC or INTERFACE) an include folder other than its
    own include/.
An include that resolves to no file of the tree (system, generated) is not checked.

Usage: check_includes.py ROOT   (exit 0: clean; 1: each violation printed as file:line: why)
"""
import os
import re
import sys

COMPONENTS = ["sim", "gpt", "platform", "cpu", "rmm", "host", "tools"]
# The components each component may include (public headers only). tests/ and bench/ may use
# every public header.
ALLOWED = {
    "sim": set(),
    "gpt": set(),
    "platform": {"sim", "gpt"},
    "cpu": {"sim", "platform", "gpt"},
    "rmm": {"sim", "platform", "gpt"},
    "host": {"sim", "platform", "gpt"},
    "tools": {"sim", "platform", "gpt", "cpu", "rmm", "host"},
}
# Test and benchmark folders named other than the component they test.
TEST_DIR_COMPONENT = {"rmm_crypto": "rmm"}
SOURCE_EXT = (".h", ".hpp", ".cpp", ".cc", ".c")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def owner(root, path):
    """(component or None, is_test) of a file of the tree."""
    parts = os.path.relpath(path, root).split(os.sep)
    if parts[0] in COMPONENTS:
        return parts[0], False
    if parts[0] in ("tests", "bench") and len(parts) > 2:
        return TEST_DIR_COMPONENT.get(parts[1], parts[1]), True
    return None, parts[0] in ("tests", "bench")


def area(root, path):
    """(component, public?) of a header, or (None, True) outside every component."""
    parts = os.path.relpath(path, root).split(os.sep)
    if parts[0] not in COMPONENTS:
        return None, True
    return parts[0], len(parts) > 1 and parts[1] == "include"


def resolve(root, includer, name):
    """The file `#include "name"` in `includer` can reach, preferring what the compiler would
    find first: the includer's folder, then public include folders, then private roots."""
    candidates = [os.path.join(os.path.dirname(includer), name)]
    candidates += [os.path.join(root, c, "include", name) for c in COMPONENTS]
    candidates.append(os.path.join(root, name))  # a repository-root include path
    for c in COMPONENTS:
        base = os.path.join(root, c)
        for dirpath, dirnames, _ in os.walk(base):
            dirnames[:] = [d for d in dirnames if d != "include"]
            candidates.append(os.path.join(dirpath, name))
    for cand in candidates:
        if os.path.isfile(cand):
            return os.path.normpath(cand)
    return None


def check_sources(root):
    problems = []
    for top in COMPONENTS + ["tests", "bench"]:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for fname in sorted(filenames):
                if not fname.endswith(SOURCE_EXT):
                    continue
                path = os.path.join(dirpath, fname)
                me, is_test = owner(root, path)
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = f.readlines()
                for lineno, line in enumerate(lines, 1):
                    m = INCLUDE_RE.match(line)
                    if not m:
                        continue
                    target = resolve(root, path, m.group(1))
                    if target is None:
                        continue
                    them, public = area(root, target)
                    if them is None or them == me:
                        continue
                    where = f"{os.path.relpath(path, root)}:{lineno}"
                    shown = os.path.relpath(target, root)
                    if not public:
                        problems.append(f"{where}: includes {shown}, private to {them}/")
                    elif not is_test and me in ALLOWED and them not in ALLOWED[me]:
                        problems.append(f"{where}: {me}/ must not include {them}/ ({shown})")
    return problems


def check_cmake(root):
    problems = []
    block_re = re.compile(r"target_include_directories\s*\(([^)]*)\)", re.S)
    for c in COMPONENTS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, c)):
            if "CMakeLists.txt" not in filenames:
                continue
            path = os.path.join(dirpath, "CMakeLists.txt")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for m in block_re.finditer(text):
                body = re.sub(r"#[^\n]*", "", m.group(1))
                tokens = body.split()
                scope = None
                for tok in tokens[1:]:
                    if tok in ("PUBLIC", "INTERFACE", "PRIVATE", "BEFORE", "SYSTEM", "AFTER"):
                        scope = tok if tok in ("PUBLIC", "INTERFACE", "PRIVATE") else scope
                        continue
                    if scope in ("PUBLIC", "INTERFACE") and tok not in (
                            "include", "${CMAKE_CURRENT_SOURCE_DIR}/include"):
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(f"{os.path.relpath(path, root)}:{line}: {tokens[0]} exposes "
                                        f"{tok} ({scope}); only its include/ folder may be public")
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    problems = check_cmake(root) + check_sources(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} boundary violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
