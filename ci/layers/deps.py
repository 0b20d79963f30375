"""The compiler's header dependencies of a built Ninja tree.

`ninja -t deps` lists the headers each object was compiled with; compile_commands.json maps the
objects back to their source files, whose rows the headers must follow.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess

from .repo import rel_inside
from .report import Report
from .table import Layers


def parse_ninja_deps(text: str) -> list[tuple[str, bool, list[str]]]:
    """(output, valid, dependencies) of `ninja -t deps` output."""
    records = []
    current = None
    head = re.compile(r"^(\S.*): #deps \d+, deps mtime \d+ \((VALID|STALE)\)\s*$")
    for line in text.splitlines():
        if not line.strip():
            current = None
            continue
        m = head.match(line)
        if m:
            current = (m.group(1), m.group(2) == "VALID", [])
            records.append(current)
        elif line[:1].isspace() and current is not None:
            current[2].append(line.strip())
    return records


def object_sources(build: str) -> dict[str, str]:
    """Build-tree-relative object path -> absolute source file, from compile_commands.json."""
    try:
        with open(os.path.join(build, "compile_commands.json")) as fh:
            entries = json.load(fh)
    except (OSError, ValueError):
        return {}
    result = {}
    for e in entries:
        directory = e.get("directory", build)
        output = e.get("output")
        if output is None:
            args = e.get("arguments")
            if args is None:
                try:
                    args = shlex.split(e.get("command", ""))
                except ValueError:
                    continue
            for i, a in enumerate(args):
                if a == "-o" and i + 1 < len(args):
                    output = args[i + 1]
                elif a.startswith("-o") and len(a) > 2:
                    output = a[2:]
        if output is None:
            continue
        obj = os.path.normpath(os.path.join(directory, output))
        src = os.path.normpath(os.path.join(directory, e["file"]))
        result[os.path.relpath(obj, build).replace(os.sep, "/")] = src
    return result


def check_compiler_deps(root: str, build: str, layers: Layers, files: set[str], report: Report) -> None:
    if not os.path.exists(os.path.join(build, "build.ninja")):
        report.notes.append(f"no compiler dependency information: {build} is not a Ninja build tree")
        return
    if not os.path.exists(os.path.join(build, ".ninja_deps")):
        report.notes.append(f"no compiler dependency information: {build} is not built")
        return
    ninja = shutil.which("ninja") or shutil.which("ninja-build")
    if ninja is None:
        report.notes.append("no compiler dependency information: ninja is not on PATH")
        return
    # ninja opens its logs for this tool as for a build (it may recompact .ninja_deps): do not
    # point --build at a tree a ninja is building right now.
    run = subprocess.run([ninja, "-C", build, "-t", "deps"], capture_output=True, text=True, errors="replace")
    if run.returncode != 0:
        report.notes.append(f"no compiler dependency information: ninja -t deps failed: {run.stderr.strip()}")
        return
    sources = object_sources(build)
    seen = set()
    stale = 0
    for output, valid, deps in parse_ninja_deps(run.stdout):
        obj = os.path.normpath(output if os.path.isabs(output) else os.path.join(build, output))
        src = sources.get(os.path.relpath(obj, build).replace(os.sep, "/"))
        if src is None:
            continue  # not a compilation (a custom command's depfile)
        src_rel = rel_inside(src, root)
        if src_rel is None or src_rel not in files:
            continue
        row = layers.row_of(src_rel)
        if row is None:
            continue
        if not valid:
            stale += 1
            continue
        report.deps_objects += 1
        for dep in deps:
            dep_rel = rel_inside(os.path.join(build, dep), root)
            if dep_rel is None or dep_rel not in files or dep_rel == src_rel:
                continue  # system headers, generated files of the build tree
            report.deps_checked += 1
            if not layers.allows(row, dep_rel) and (src_rel, dep_rel) not in seen:
                seen.add((src_rel, dep_rel))
                report.add(src_rel, 0, f"{row.folder} depends on {dep_rel} ({layers.label(dep_rel)}) by the "
                                       f"compiler's dependencies of {output}, which its row does not allow")
    if report.deps_objects == 0:
        report.notes.append(f"no compiler dependency information: {build} is not built")
    if stale:
        report.notes.append(f"compiler dependencies of {stale} objects are stale (sources changed since the "
                            f"build): left to the textual check")
