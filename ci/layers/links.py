"""The links of CMake targets, read from the CMake file API code model of a configured build tree.

The model is DIR/.cmake/api/v1/reply/, written by a cmake run that found the query
DIR/.cmake/api/v1/query/codemodel-v2. CMake answers a query on the configure after the one that
wrote it, so a query written by CMakeLists.txt itself is answered from the second configure on.
"""

from __future__ import annotations

import glob
import json
import os
import posixpath
import shlex
from dataclasses import dataclass

from .repo import rel_inside
from .report import Report
from .table import Layers, Row


@dataclass
class Target:
    id: str
    name: str
    type: str
    folder: str            # source-root-relative folder whose row it follows, "" for the root
    data: dict
    where: tuple[str, int]  # where it is defined (CMakeLists path, line)


@dataclass
class CodeModel:
    source: str
    build: str
    targets: dict          # id -> Target
    include_dirs: list     # source-root-relative include folders of the source tree


def _backtrace(data: dict, index) -> list[tuple[str, str, int]]:
    """(command, file, line) from the innermost frame out."""
    frames = []
    graph = data.get("backtraceGraph") or {}
    nodes, commands, files = graph.get("nodes", []), graph.get("commands", []), graph.get("files", [])
    seen = set()
    while isinstance(index, int) and 0 <= index < len(nodes) and index not in seen:
        seen.add(index)
        node = nodes[index]
        command = commands[node["command"]] if "command" in node else ""
        frames.append((command, files[node["file"]] if "file" in node else "?", node.get("line", 0)))
        index = node.get("parent")
    return frames


def _reply_folder(build: str) -> str:
    return os.path.join(build, ".cmake", "api", "v1", "reply")


def _query_file(build: str) -> str:
    return os.path.join(build, ".cmake", "api", "v1", "query", "codemodel-v2")


def has_reply(build: str) -> bool:
    """Has a cmake run answered a file API query in `build`? It writes an index file when it does.

    Kept apart from load_codemodel's verdict because --require-links treats the two failures
    differently: no reply yet is a state of the build tree (skipped, status 77), a reply that is
    there but unreadable or without a code model is a fault (status 2).
    """
    return bool(glob.glob(os.path.join(_reply_folder(build), "index-*.json")))


def no_reply_reason(build: str) -> str:
    """Why `build` has no reply and what to do, in one line: what --require-links prints."""
    return (f"no CMake file API reply in {build}: the CMake file API answers a query on the configure after "
            f"the one that wrote it: configure again, or create {_query_file(build)} before the first configure")


def load_codemodel(build: str) -> tuple[CodeModel | None, str]:
    """The code model of a configured build tree, or None and why not."""
    reply = _reply_folder(build)
    indexes = sorted(glob.glob(os.path.join(reply, "index-*.json")))
    query = _query_file(build)
    if not indexes:
        if os.path.exists(query):
            return None, (f"no CMake file API reply in {build}: the codemodel-v2 query is there but no cmake "
                          f"run has answered it yet (a query written while configuring is answered by the "
                          f"next cmake run: run `cmake {build}` once)")
        return None, f"no CMake file API reply in {build} (no codemodel-v2 query either: is it a configured tree?)"
    try:
        with open(indexes[-1]) as fh:
            index = json.load(fh)
        entry = index.get("reply", {}).get("codemodel-v2")
        if entry is None:  # a client's query
            for value in index.get("reply", {}).values():
                if isinstance(value, dict) and isinstance(value.get("codemodel-v2"), dict):
                    entry = value["codemodel-v2"]
                    break
        if not isinstance(entry, dict) or "jsonFile" not in entry:
            why = entry.get("error") if isinstance(entry, dict) else "no codemodel-v2 in the reply index"
            return None, f"no CMake file API code model in {build}: {why}"
        with open(os.path.join(reply, entry["jsonFile"])) as fh:
            model = json.load(fh)
        source, build_dir = model["paths"]["source"], model["paths"]["build"]
        targets, include_dirs = {}, set()
        for configuration in model.get("configurations", []):
            for ref in configuration.get("targets", []):
                if ref["id"] in targets:
                    continue
                with open(os.path.join(reply, ref["jsonFile"])) as fh:
                    data = json.load(fh)
                folder = data.get("paths", {}).get("source", ".")
                folder = "" if folder == "." else folder.replace("\\", "/")
                trace = _backtrace(data, data.get("backtrace"))
                where = (trace[0][1], trace[0][2]) if trace else (posixpath.join(folder, "CMakeLists.txt"), 0)
                targets[ref["id"]] = Target(ref["id"], data["name"], data["type"], folder, data, where)
                for group in data.get("compileGroups", []):
                    for inc in group.get("includes", []):
                        rel = rel_inside(inc["path"], source)
                        if rel is not None and rel_inside(inc["path"], build_dir) is None:
                            include_dirs.add(rel)
        return CodeModel(source, build_dir, targets, sorted(include_dirs)), ""
    except (OSError, ValueError, KeyError, TypeError) as e:
        return None, f"unreadable CMake file API reply in {build}: {e}"


LIBRARY_TYPES = {"STATIC_LIBRARY", "SHARED_LIBRARY", "MODULE_LIBRARY", "OBJECT_LIBRARY", "INTERFACE_LIBRARY"}
LINK_COMMANDS = {"target_link_libraries", "link_libraries"}


def target_row(layers: Layers, target: Target) -> tuple[Row | None, str]:
    """A target follows the longer of two rows: that of the folder whose CMakeLists.txt defines it
    (paths.source), and that of the folder all its own sources share. So a probe defined in
    audit/CMakeLists.txt from audit/probe/probe.cpp follows audit/probe/, not audit/."""
    candidates = [target.folder]
    dirs = []
    for s in target.data.get("sources", []):
        if s.get("isGenerated"):
            continue
        p = s.get("path", "").replace("\\", "/")
        if p and not posixpath.isabs(p) and not p.startswith("../"):
            dirs.append(posixpath.dirname(p))
    if dirs:
        common = posixpath.commonpath(dirs) if all(dirs) else ""
        candidates.append(common)
    best, best_folder = None, target.folder
    for folder in candidates:
        row = layers.row_of(folder + "/" if folder else "")
        if row is not None and (best is None or len(row.folder) > len(best.folder)):
            best, best_folder = row, folder
    return best, best_folder


def link_dependencies(model: CodeModel, target: Target) -> dict[str, tuple[str, int]]:
    """Project targets `target` links: id -> (CMakeLists path, line) of the link.

    - Executables and shared/module libraries: `link.commandFragments` with role "libraries"
      that are the artifact of another target of the code model (what the linker really gets).
    - Every target type, static libraries included (they have no link step, so no fragments):
      the `dependencies` whose backtrace's innermost command is target_link_libraries (or
      link_libraries). In the reply each dependency carries the backtrace of the command that
      made it: add_dependencies() (build order only, e.g. a test that runs the `shmcheck`
      program, or the command line's programs built beside it) and add_custom_command()
      DEPENDS show up there as that command and are not links. Links through INTERFACE
      libraries (shmcheck::ref_any, which CMake 3.25 does not list as a target) appear as the
      library they resolve to, with the backtrace of the consumer's own target_link_libraries.
      A dependency without a backtrace counts as a link when it is a library: an executable
      or a custom target cannot be linked by a static library.
    """
    links: dict[str, tuple[str, int]] = {}
    data = target.data
    if data.get("link"):
        artifacts = {}
        for other in model.targets.values():
            for a in other.data.get("artifacts", []):
                path = a["path"] if os.path.isabs(a["path"]) else os.path.join(model.build, a["path"])
                artifacts[os.path.normpath(path)] = other.id
        for fragment in data["link"].get("commandFragments", []):
            if fragment.get("role") != "libraries":
                continue
            try:
                tokens = shlex.split(fragment["fragment"])
            except ValueError:
                tokens = fragment["fragment"].split()
            for token in tokens:
                path = token if os.path.isabs(token) else os.path.join(model.build, token)
                other = artifacts.get(os.path.normpath(path))
                if other is not None and other != target.id:
                    frames = _backtrace(data, fragment.get("backtrace"))
                    links.setdefault(other, (frames[0][1], frames[0][2]) if frames else target.where)
    for dep in data.get("dependencies", []):
        other = model.targets.get(dep["id"])
        if other is None or other.id == target.id:
            continue
        frames = _backtrace(data, dep.get("backtrace"))
        if frames:
            if frames[0][0] not in LINK_COMMANDS:
                continue  # add_dependencies() and the like: build order, not a link
            where = (frames[0][1], frames[0][2])
        else:
            if other.type not in LIBRARY_TYPES:
                continue
            where = target.where
        links.setdefault(other.id, where)
    return links


def check_links(layers: Layers, model: CodeModel, report: Report) -> None:
    for target in sorted(model.targets.values(), key=lambda t: t.name):
        if target.type == "UTILITY":
            continue
        row, folder = target_row(layers, target)
        if row is None:
            continue
        report.targets_checked += 1
        for other_id, (where_file, where_line) in sorted(link_dependencies(model, target).items(),
                                                          key=lambda kv: model.targets[kv[0]].name):
            other = model.targets[other_id]
            _, other_folder = target_row(layers, other)
            other_path = other_folder + "/" if other_folder else ""
            report.links_checked += 1
            if not layers.allows(row, other_path):
                label = layers.label(other_path) if other_path else "(top level)"
                rel = rel_inside(where_file, model.source) if os.path.isabs(where_file) else where_file
                report.add(rel or where_file, where_line,
                           f"{row.folder} target {target.name} links {other.name} ({label}), "
                           f"which its row does not allow")
