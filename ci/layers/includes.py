"""#include lines, read textually from the C++ files, resolved to files of the repository."""

from __future__ import annotations

import os
import posixpath
import re

from .repo import is_cpp
from .report import Report
from .table import Layers

# The prefix of our own public headers: such an include that resolves to no file of the
# repository is a broken project include, not a system header to ignore.
PROJECT_INCLUDE_PREFIX = "shmcheck/"


# Comments go (newlines kept, so line numbers stay), literals stay as they are: a "/*" inside a
# string starts no comment. Literals end at the end of their line (raw strings excepted).
_LEXER = re.compile(
    r"""(?P<line>//[^\n]*)"""
    r"""|(?P<block>/\*.*?(?:\*/|\Z))"""
    r"""|(?P<raw>(?<![A-Za-z0-9_])(?:u8|u|U|L)?R"(?P<delim>[^()\\\s"]{0,16})\(.*?(?:\)(?P=delim)"|\Z))"""
    r"""|(?P<str>"(?:\\.|[^"\\\n])*"?)"""
    r"""|(?P<chr>(?<![A-Za-z0-9_])'(?:\\.|[^'\\\n])*'?)""",
    re.S)
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)', re.M)


def strip_comments(text: str) -> str:
    def repl(m: re.Match) -> str:
        if m.group("line") is not None:
            return ""
        if m.group("block") is not None:
            return " " + "\n" * m.group(0).count("\n")
        return m.group(0)
    return _LEXER.sub(repl, text)


def scan_includes(text: str) -> list[tuple[int, str, bool]]:
    """(line, spelled name, quoted) of every #include of a C++ text, comments left out."""
    text = strip_comments(text.replace("\r\n", "\n"))
    found = []
    for m in _INCLUDE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if m.group(1) is not None:
            found.append((line, m.group(1).strip(), True))
        else:
            found.append((line, m.group(2).strip(), False))
    return found


class Resolver:
    def __init__(self, root: str, files: set[str], extra_roots: list[str] = ()):
        self.root = root
        self.files = files
        include_dirs = set()
        for f in files:
            parts = f.split("/")[:-1]
            for i, part in enumerate(parts):
                if part == "include":
                    include_dirs.add("/".join(parts[: i + 1]))
        # The root first (root-relative includes are the convention), then every include/ folder,
        # then the source folders the code model puts on targets' include paths.
        self.roots = [""] + sorted(include_dirs)
        self.roots += [r for r in sorted(set(extra_roots)) if r not in self.roots]

    def _file(self, base: str, spelled: str) -> str | None:
        if spelled.startswith("/"):
            absolute = os.path.normpath(spelled)
            rel = os.path.relpath(absolute, self.root)
            path = rel.replace(os.sep, "/")
        else:
            path = posixpath.normpath(posixpath.join(base, spelled)) if base else posixpath.normpath(spelled)
        if path == ".." or path.startswith("../"):
            return None
        if path in self.files:
            return path
        if path + ".in" in self.files:  # configure_file's template stands for what it makes
            return path + ".in"
        return None

    def resolve(self, includer: str, spelled: str, quoted: bool) -> list[str]:
        """Repository files an include may mean: one if it is unambiguous, none if outside."""
        if quoted:
            local = self._file(posixpath.dirname(includer), spelled)
            if local is not None:
                return [local]
        found = []
        for r in self.roots:
            f = self._file(r, spelled)
            if f is not None and f not in found:
                found.append(f)
        return found


def check_includes(root: str, layers: Layers, files: set[str], resolver: Resolver, report: Report) -> None:
    for path in sorted(f for f in files if is_cpp(f)):
        row = layers.row_of(path)
        if row is None:
            continue  # outside every row: not checked
        try:
            with open(os.path.join(root, path), "rb") as fh:
                text = fh.read().decode("utf-8", "replace")
        except OSError as e:
            report.notes.append(f"{path}: unreadable ({e.strerror}), not checked")
            continue
        report.files_scanned += 1
        for line, spelled, quoted in scan_includes(text):
            report.includes_seen += 1
            shown = f'"{spelled}"' if quoted else f"<{spelled}>"
            targets = resolver.resolve(path, spelled, quoted)
            if not targets:
                report.includes_outside += 1
                if spelled.startswith(PROJECT_INCLUDE_PREFIX):
                    report.add(path, line, f"{row.folder} includes {shown}, which resolves to no file of "
                                           f"the repository (unresolvable project include)")
                elif quoted:
                    report.unresolved_quoted.append(f"{path}:{line}: {shown}")
                continue
            report.includes_resolved += 1
            labels = {layers.label(t) for t in targets}
            if len(labels) > 1:
                listed = ", ".join(f"{t} ({layers.label(t)})" for t in targets)
                report.add(path, line, f"{row.folder} includes {shown}, which is ambiguous: it resolves to {listed}")
                continue
            target = targets[0]
            if not layers.allows(row, target):
                report.add(path, line, f"{row.folder} includes {target} ({layers.label(target)}), "
                                       f"which its row does not allow")
