"""The repository's files: which files there are, which are C++, and paths relative to a folder."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import subprocess

CPP_PATTERNS = ("*.cpp", "*.hpp", "*.h", "*.in", "*.inc")


def list_files(root: str) -> tuple[set[str], str]:
    """Every file of the repository (root-relative, "/"-separated) and how they were listed.

    git: tracked and untracked-but-not-ignored files that exist in the work tree (build trees
    are ignored). Without git: a walk that skips hidden folders and CMake build trees.
    """
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout
        names = {n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}
        return {n for n in names if os.path.isfile(os.path.join(root, n))}, "git"
    except (OSError, subprocess.CalledProcessError):
        pass
    files = set()
    for here, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not os.path.exists(os.path.join(here, d, "CMakeCache.txt")))
        rel = os.path.relpath(here, root).replace(os.sep, "/")
        for n in names:
            files.add(n if rel == "." else f"{rel}/{n}")
    return files, "walk"


def is_cpp(path: str) -> bool:
    name = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(name, p) for p in CPP_PATTERNS)


def rel_inside(path: str, base: str) -> str | None:
    """`path` relative to `base` ("/"-separated, "" for base itself), or None when it is outside."""
    rel = os.path.relpath(os.path.normpath(path), base)
    if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        return None
    return "" if rel == "." else rel.replace(os.sep, "/")
